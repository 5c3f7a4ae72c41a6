import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { countRoundTrips } from '../ops/request-context';
import { withAuditAtEnd } from './audit';
import type { Db, Tx } from './client';
import { PrismaClient as PostgresClient } from './generated/postgresql/client';
import { Prisma, PrismaClient as SqliteClient } from './generated/sqlite/client';
import { migrate, sqliteFile } from './migrate';
import type { Provider } from './provider';
import { postgresReader, type SqlReader, sqliteReader } from './sql-reader';
import { SqliteWithPreparedStatements } from './sqlite-statements';

export type { Db, Tx } from './client';
export type { Provider } from './provider';
export type { SqlReader } from './sql-reader';

/** A piece of SQL with its values bound, for a WHERE clause two statements share (a page and its count). */
export const sqlPart = Prisma.sql;

export interface Database {
  db: Db;
  /**
   * The outbox worker's client: on PostgreSQL it has connections of its own, so that a send the
   * receiver has accepted is marked delivered at once, never queued behind requests waiting for
   * one of `db`'s (the longer that wait, the more a crash resends). On SQLite, `db`.
   */
  outbox: Db;
  provider: Provider;
  /** Read-only statements straight on the driver, for the figures (src/store/sql-reader.ts says why). */
  read: SqlReader;
  /** Answers true when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** The connection pool's use, for the metrics; undefined on SQLite (one connection, no pool). */
  pool?(): PoolUse;
  close(): Promise<void>;
}

export interface PoolUse {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

export function providerOf(url: string): Provider {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgresql' : 'sqlite';
}

/**
 * Each instance opens at most 14 connections: 8 for requests and timers, 2 for the outbox worker,
 * and 4 for the figures, opened only while the figures are being counted.
 */
const POOL_MAX = 8;
const OUTBOX_POOL_MAX = 2;
const FIGURES_POOL_MAX = 4;

/**
 * Prisma's defaults (2 s to get a connection, 5 s to finish) failed saves under load in the soak
 * test ("could not save, try again") while every connection was busy: a report waits instead.
 */
const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

/** Each PostgreSQL connection's settings (the dashboard bench's direct arm uses the same). */
export const postgresOptions = '-c jit=off -c random_page_cost=1.1';

/**
 * The figures' connections plan without hash joins. Their joins meet a few hundred or thousand
 * changed entries with the 10,000 on the list: hashing the whole list (or every person) cost
 * PostgreSQL more than walking both in index order (server CPU per count 47 against 40 ms on the
 * dashboard bench). Set only here, where every statement is one of the figures'.
 */
export const figuresPostgresOptions = `${postgresOptions} -c enable_hashjoin=off`;

function postgresPool(url: string, max: number, options = postgresOptions): pg.Pool {
  // JIT compiling costs more than it saves on the dashboard's month queries (0.6 s against 0.08 s).
  // random_page_cost 1.1, as for a database on SSD and mostly in memory: at the default (4, for
  // spinning disks) the planner reads and hashes a whole table of 10,000 children rather than look
  // up the few hundred rows a figure needs (the MET list's figures: 59 against 38 ms of CPU).
  const pool = new pg.Pool({ connectionString: url, max, options });
  // An idle connection the server closes emits 'error'; unhandled, it would end the process.
  // The next query opens a new connection, and /healthz reports if that fails.
  pool.on('error', () => undefined);
  return pool;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  if (provider === 'sqlite') mkdirSync(dirname(sqliteFile(url)), { recursive: true });
  await migrate(provider, url);
  const pool = provider === 'postgresql' ? postgresPool(url, POOL_MAX) : undefined;
  const outboxPool = provider === 'postgresql' ? postgresPool(url, OUTBOX_POOL_MAX) : undefined;
  const figuresPool =
    provider === 'postgresql' ? postgresPool(url, FIGURES_POOL_MAX, figuresPostgresOptions) : undefined;
  const db = clientFor(url, pool);
  const outbox = outboxPool ? clientFor(url, outboxPool) : db;
  const reader = figuresPool
    ? { read: postgresReader(figuresPool), close: () => figuresPool.end() }
    : sqliteReader(sqliteFile(url));
  if (provider === 'sqlite') {
    // WAL lets readers run beside the writer; the busy timeout waits out a brief lock instead of failing.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
    // In WAL mode NORMAL still cannot corrupt the database; a power cut may lose the last commits.
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
  }
  return {
    db,
    outbox,
    provider,
    read: reader.read,
    async ping() {
      try {
        await db.$queryRawUnsafe('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    pool:
      pool && outboxPool && figuresPool
        ? () => {
            const pools = [pool, outboxPool, figuresPool];
            const sum = (count: (one: pg.Pool) => number) => pools.reduce((n, one) => n + count(one), 0);
            return {
              total: sum((one) => one.totalCount),
              idle: sum((one) => one.idleCount),
              waiting: sum((one) => one.waitingCount),
              max: POOL_MAX + OUTBOX_POOL_MAX + FIGURES_POOL_MAX,
            };
          }
        : undefined,
    close: async () => {
      await reader.close();
      await db.$disconnect();
      if (outbox !== db) await outbox.$disconnect();
    },
  };
}

function clientFor(url: string, pool: pg.Pool | undefined): Db {
  // Each statement is reported as an event, so that round trips can be counted per request.
  const log = [{ emit: 'event' as const, level: 'query' as const }];
  const client = pool
    ? new PostgresClient({ adapter: new PrismaPg(pool), log, transactionOptions })
    : new SqliteClient({ adapter: new SqliteWithPreparedStatements({ url }), log, transactionOptions });
  // A transaction's BEGIN is sent but not reported: it is counted with its COMMIT or ROLLBACK.
  (client as SqliteClient<'query'>).$on('query', (event) =>
    countRoundTrips(event.query === 'COMMIT' || event.query === 'ROLLBACK' ? 2 : 1),
  );
  return auditAtEnd(client as unknown as Db, pool ? 'postgresql' : 'sqlite');
}

/** Every interactive transaction appends its audit events last (src/store/audit.ts says why). */
function auditAtEnd(db: Db, provider: Provider): Db {
  const begin = db.$transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  const transaction = (work: unknown, options?: unknown) =>
    typeof work === 'function'
      ? begin((tx: Tx) => withAuditAtEnd(tx, provider, () => work(tx)), options)
      : begin(work, options);
  return Object.assign(db, { $transaction: transaction as Db['$transaction'] });
}
