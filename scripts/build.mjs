// npm run build: compiles src/ and adapters/ to dist/, one JavaScript file per TypeScript file,
// and copies beside them the files read at run time, so that dist/ has the repository's layout:
//
//   dist/src/main.js                 node dist/src/main.js       (the server; npm run start:built)
//   dist/src/admin.js                node dist/src/admin.js      (the admin command)
//   dist/adapters/console/main.js    the terminal chat
//   dist/prompts/, dist/prisma/migrations/, dist/adapters/web/assets/
//
// Why not tsc: the sources import without extensions (moduleResolution "Bundler"), which plain
// Node's ESM loader refuses. esbuild transpiles each file on its own (no bundle: every module
// keeps its own import.meta.dirname and import.meta.url, so the path joins in migrate.ts,
// prompts.ts and web/assets.ts, and main.ts's "am I the entry point" check, work unchanged) and
// rewrites each relative import to the emitted .js file. Packages stay in node_modules.
// Type-checking is `npm run typecheck`'s job; esbuild does not check types.
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist');

/** Every .ts under a folder, tests and declaration files left out. */
function sources(folder) {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

if (!existsSync(join(root, 'src/store/generated/sqlite/client.ts'))) {
  console.error(
    'src/store/generated is missing: run `npm install` (its postinstall generates the Prisma clients)',
  );
  process.exit(1);
}

/** Relative imports point at the emitted file: `./config` → `./config.js`, `./x/index` stays explicit. */
const relativeImportsToJs = {
  name: 'relative-imports-to-js',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!args.path.startsWith('.')) return { path: args.path, external: true };
      const target = resolve(args.resolveDir, args.path);
      const base = target.replace(/\.(js|ts)$/, '');
      let file;
      if (existsSync(`${base}.ts`)) file = `${base}.js`;
      else if (existsSync(target) && statSync(target).isDirectory() && existsSync(join(target, 'index.ts')))
        file = join(target, 'index.js');
      else if (existsSync(target)) file = target;
      else return { errors: [{ text: `cannot resolve ${args.path} from ${args.importer}` }] };
      let path = relative(args.resolveDir, file).replaceAll('\\', '/');
      if (!path.startsWith('.')) path = `./${path}`;
      return { path, external: true };
    });
  },
};

const started = Date.now();
rmSync(out, { recursive: true, force: true });
const entryPoints = [...sources('src'), ...sources('adapters')];
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: out,
  outbase: '.',
  bundle: true,
  plugins: [relativeImportsToJs],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// What the code reads from disk at run time, at the same place relative to the code as in the repository.
for (const folder of ['prompts', 'prisma/migrations', 'adapters/web/assets']) {
  cpSync(join(root, folder), join(out, folder), { recursive: true });
}
// The manifest folder is read by `npm run package:teams` only, which runs from the sources.
// dist/ says it holds ES modules itself, so it runs wherever it is copied (packages are found in
// the node_modules beside it, as in the image).
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);

console.log(
  `built ${entryPoints.length} modules to ${relative(process.cwd(), out) || '.'} in ${Date.now() - started} ms`,
);
