import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Provider } from './provider';

/**
 * Applies pending migrations from prisma/migrations/<provider>, each in one transaction.
 * It replaces `prisma migrate deploy`, which needs ~11 s a run on PostgreSQL here and a
 * patched driver adapter (prisma/orm#27403); the bookkeeping table is Prisma's own, so
 * `prisma migrate status` still reads it.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const migrationsRoot = join(import.meta.dirname, '..', '..', 'prisma', 'migrations');

export function readMigrations(provider: Provider): Migration[] {
  const dir = join(migrationsRoot, provider);
  return readdirSync(dir)
    .filter((name) => /^\d{4}_/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(provider: Provider, url: string): Promise<string[]> {
  return provider === 'sqlite' ? migrateSqlite(url) : migratePostgres(url);
}

function migrateSqlite(url: string): string[] {
  const db = new Database(sqliteFile(url));
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const applied = new Set(
      db
        .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')
        .all()
        .map((row) => (row as { migration_name: string }).migration_name),
    );
    const done: string[] = [];
    for (const migration of readMigrations('sqlite')) {
      if (applied.has(migration.name)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, ?, ?, 1)',
        ).run(randomUUID(), migration.checksum, Date.now(), migration.name);
      })();
      done.push(migration.name);
    }
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Several instances may start at once: one migrates, the others wait and then find nothing to do.
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
      id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    const done: string[] = [];
    for (const migration of readMigrations('postgresql')) {
      if (applied.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        // One query for the whole script, so a ';' inside a literal survives.
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    await client.end();
  }
}

export function sqliteFile(url: string): string {
  return url.replace(/^file:/, '');
}

/** The migrations this code ships that the database has not finished applying: none when ready. */
/** Only what the check needs of a Prisma client (this file is imported by the one that makes it). */
interface RawQuery {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export async function unappliedMigrations(db: RawQuery, provider: Provider): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return readMigrations(provider)
    .map((migration) => migration.name)
    .filter((name) => !applied.has(name));
}
