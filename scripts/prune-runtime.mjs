// Run in the image's `deps` stage, after `npm ci --omit=dev --ignore-scripts`: removes from
// node_modules what the built server never loads, to keep the image small (the production
// dependencies are ~460 MB before this). Checked by running the built tree on the pruned
// node_modules (docs/operations.md, "The image").
//   node scripts/prune-runtime.mjs [node_modules]
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const modules = process.argv[2] ?? 'node_modules';

// The Prisma CLI and what only it needs (migrations run through src/store/migrate.ts), and the
// TypeScript runner and compiler (the image runs dist/).
for (const name of [
  'prisma',
  '@prisma/engines',
  '@prisma/fetch-engine',
  '@prisma/get-platform',
  '@prisma/config',
  'effect',
  'typescript',
  'tsx',
  'esbuild',
  '@esbuild',
  // Only @azure/identity's browser sign-in flows load it; on Node, msal-node is used.
  '@azure/msal-browser',
  // better-sqlite3's SQLite sources and build intermediates, once compiled (the addon stays).
  'better-sqlite3/deps',
  'better-sqlite3/src',
  'better-sqlite3/build/Release/obj',
  'better-sqlite3/build/Release/obj.target',
  'better-sqlite3/build/Release/.deps',
  'better-sqlite3/build/deps',
  'better-sqlite3/build/Release/sqlite3.a',
  'better-sqlite3/build/Release/test_extension.node',
]) {
  rmSync(join(modules, name), { recursive: true, force: true });
}

// Prisma's runtime ships every engine for every database. The generated clients (engineType
// "client") load runtime/client and the query compiler for SQLite and PostgreSQL only.
const runtime = join(modules, '@prisma/client/runtime');
const needed = /^(client|index-browser)\.|^query_compiler_bg\.(sqlite|postgresql)\./;
for (const file of readdirSync(runtime)) {
  if (!needed.test(file) || file.endsWith('.map')) rmSync(join(runtime, file), { force: true });
}

// Source maps, TypeScript (sources shipped beside the JavaScript, and declarations) and Markdown
// are not read at run time: the image's Node loads no .ts file.
for (const entry of readdirSync(modules, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && /\.([cm]?ts|map|md|markdown)$/i.test(entry.name)) {
    rmSync(join(entry.parentPath, entry.name), { force: true });
  }
}
