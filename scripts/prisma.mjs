// Prisma without engine downloads (see docs/persistence.md).
//   node scripts/prisma.mjs generate        writes both schemas and generates both clients
//   node scripts/prisma.mjs diff <name>     writes a new migration for both providers
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const providers = {
  sqlite: 'file:./data/prisma-cli.db',
  postgresql: 'postgresql://postgres@127.0.0.1:5432/postgres',
};

function writeSchemas() {
  const models = readFileSync('prisma/models.prisma', 'utf8');
  for (const provider of Object.keys(providers)) {
    const header = [
      '// Written by scripts/prisma.mjs from prisma/models.prisma: do not edit.',
      'generator client {',
      '  provider   = "prisma-client"',
      `  output     = "../src/store/generated/${provider}"`,
      '  engineType = "client"',
      '  moduleFormat = "esm"',
      '}',
      'datasource db {',
      `  provider = "${provider}"`,
      '  url      = env("DATABASE_URL")',
      '}',
      '',
    ].join('\n');
    writeFileSync(`prisma/schema.${provider}.prisma`, header + models);
  }
}

function prisma(provider, args, options = {}) {
  return execFileSync('npx', ['prisma', ...args], {
    encoding: 'utf8',
    stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: providers[provider],
      PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
}

function migrationsOf(provider) {
  const dir = `prisma/migrations/${provider}`;
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => /^\d{4}_/.test(d))
        .sort()
    : [];
}

const [command, name] = process.argv.slice(2);
writeSchemas();
mkdirSync('data', { recursive: true });
if (command === 'generate') {
  for (const provider of Object.keys(providers)) {
    prisma(provider, ['generate', '--schema', `prisma/schema.${provider}.prisma`]);
  }
} else if (command === 'diff') {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run db:diff -- <name_in_snake_case>');
  for (const provider of Object.keys(providers)) {
    const existing = migrationsOf(provider);
    // Diff from the schema snapshot kept beside the last migration: no database, no shadow database.
    const last = existing.at(-1);
    const from = last
      ? ['--from-schema-datamodel', `prisma/migrations/${provider}/${last}/schema.prisma`]
      : ['--from-empty'];
    const sql = prisma(
      provider,
      ['migrate', 'diff', ...from, '--to-schema-datamodel', `prisma/schema.${provider}.prisma`, '--script'],
      { capture: true },
    );
    const folder = join(
      'prisma/migrations',
      provider,
      `${String(existing.length + 1).padStart(4, '0')}_${name}`,
    );
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'migration.sql'), sql);
    writeFileSync(join(folder, 'schema.prisma'), readFileSync(`prisma/schema.${provider}.prisma`, 'utf8'));
    console.log(`wrote ${folder}/migration.sql`);
  }
} else {
  throw new Error('usage: node scripts/prisma.mjs generate | diff <name>');
}
