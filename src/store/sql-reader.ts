import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { countRoundTrips } from '../ops/request-context';
import type { Sql } from './generated/sqlite/internal/prismaNamespace';

/**
 * Runs a read-only statement straight on the database driver, without Prisma. For the figures:
 * their statements return a few dozen rows, and Prisma's own work on each (a few milliseconds of
 * CPU) cost as much as the SQL (issue 16). Counts come back as numbers or numeric strings, as the
 * driver gives them: read them with Number().
 */
export type SqlReader = <T>(query: Sql) => Promise<T[]>;

/** PostgreSQL: a pooled connection. Dates are bound as UTC text, as Prisma binds them, whatever the machine's time zone. */
export function postgresReader(pool: pg.Pool): SqlReader {
  return async <T>(query: Sql) => {
    countRoundTrips(1);
    const result = await pool.query(query.text, query.values.map(postgresValue));
    return result.rows as T[];
  };
}

const postgresValue = (value: unknown) =>
  value instanceof Date ? value.toISOString().replace('T', ' ').replace('Z', '') : value;

/*
 * SQLite: each statement runs on one of a few worker threads, each with a read-only connection of
 * its own. better-sqlite3 runs a statement on the thread that calls it, so on Prisma's connection
 * a month's figures (tens of milliseconds of SQL) would hold up every other request, Slack's
 * three-second acknowledgements among them; on workers the server goes on answering, and the
 * figures' statements run side by side, as PostgreSQL runs them on its pool. A read-only
 * connection in WAL mode sees the last committed state, never a transaction in progress.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, timeout: 5000 });
const statements = new Map();
parentPort.on('message', ({ id, sql, values }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

interface SqliteWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

export function sqliteReader(
  file: string,
  threads = Math.min(2, availableParallelism()),
): { read: SqlReader; close(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const workers: (SqliteWorker | undefined)[] = Array.from({ length: threads }, () => undefined);
  let next = 0;
  let nextId = 1;

  const start = (slot: number): SqliteWorker => {
    const worker = new Worker(workerSource, { eval: true, workerData: { driver, file } });
    // The pool never keeps the process alive; close() ends it.
    worker.unref();
    const one: SqliteWorker = { worker, pending: new Map() };
    worker.on('message', ({ id, rows, error }: { id: number; rows?: unknown[]; error?: string }) => {
      const pending = one.pending.get(id);
      one.pending.delete(id);
      if (error === undefined) pending?.resolve(rows ?? []);
      else pending?.reject(new Error(error));
    });
    const fail = (error: Error) => {
      if (workers[slot] === one) workers[slot] = undefined;
      for (const pending of one.pending.values()) pending.reject(error);
      one.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite reader stopped (exit ${code})`)));
    workers[slot] = one;
    return one;
  };

  return {
    read: <T>(query: Sql) => {
      // The least busy worker, taking turns among equals.
      let slot = next;
      for (let i = 0; i < threads; i += 1) {
        const candidate = (next + i) % threads;
        if ((workers[candidate]?.pending.size ?? 0) < (workers[slot]?.pending.size ?? 0)) slot = candidate;
      }
      next = (slot + 1) % threads;
      const one = workers[slot] ?? start(slot);
      countRoundTrips(1);
      return new Promise<T[]>((resolve, reject) => {
        const id = nextId++;
        one.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
        one.worker.postMessage({ id, sql: query.sql, values: query.values.map(sqliteValue) });
      });
    },
    close: async () => {
      await Promise.all(workers.map((one) => one?.worker.terminate()));
    },
  };
}

/** A value as Prisma's SQLite adapter keeps it: a DateTime as ISO text with "+00:00", a Boolean as 0 or 1. */
export const sqliteValue = (value: unknown) =>
  value instanceof Date
    ? value.toISOString().replace('Z', '+00:00')
    : typeof value === 'boolean'
      ? Number(value)
      : value;
