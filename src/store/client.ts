import type { PrismaClient as SqliteClient } from './generated/sqlite/client';

/**
 * The store is typed against the SQLite client; the PostgreSQL client has the same model API
 * but TypeScript will not call through a union of the two, so it is cast once, in database.ts.
 */
export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
