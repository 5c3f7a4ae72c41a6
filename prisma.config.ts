// Read by the Prisma CLI only (generate, migrate diff). The bot applies migrations itself:
// see src/store/migrate.ts. A config file turns off .env loading, so every CLI call needs
// DATABASE_URL in its environment (scripts/prisma.mjs sets it).
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:./data/metbot.db';
const provider = /^postgres(ql)?:\/\//.test(url) ? 'postgresql' : 'sqlite';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: `prisma/schema.${provider}.prisma`,
  migrations: { path: `prisma/migrations/${provider}` },
  async adapter() {
    if (provider === 'postgresql') {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSQLite3({ url });
  },
});
