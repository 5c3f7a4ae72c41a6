import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase, type Provider } from '../../src/store/database';
import { sqliteFile } from '../../src/store/migrate';

/**
 * Repository tests run once per database. PostgreSQL runs when TEST_POSTGRES_URL names a
 * server where the tests may create databases (.ci/run sets it); under CI it must be set.
 */
const postgresAdminUrl = process.env.TEST_POSTGRES_URL;
if (process.env.CI === 'true' && !postgresAdminUrl) {
  throw new Error('TEST_POSTGRES_URL must be set under CI: the PostgreSQL tests must run');
}

export const providers: Provider[] = postgresAdminUrl ? ['sqlite', 'postgresql'] : ['sqlite'];

export interface TestDatabase extends Database {
  url: string;
  /** Closes the connection and removes the database. */
  destroy(): Promise<void>;
}

export async function createTestDatabaseUrl(
  provider: Provider,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'metbot-test-'));
    return {
      url: `file:${join(dir, 'test.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `metbot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  const { url, drop } = await createTestDatabaseUrl(provider);
  const database = await openDatabase(url);
  return {
    ...database,
    url,
    destroy: async () => {
      await database.close();
      await drop();
    },
  };
}

/** A SQLite database's bytes on disk, its write-ahead log included: what a thief of the disk reads. */
export function sqliteBytes(url: string): Buffer {
  const file = sqliteFile(url);
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}
