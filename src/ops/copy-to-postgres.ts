import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { type ChainCheck, verifyAuditChain } from '../store/audit';
import { type Database, type Db, openDatabase, providerOf } from '../store/database';
import { sqliteFile } from '../store/migrate';
import { BackupError, backupSqlite, sqliteInUse } from './backup';

/**
 * Moves a SQLite installation to an empty PostgreSQL database. The tables come from the Prisma
 * models (so a model added later is copied too), their order from SQLite's foreign keys; the copy
 * reads a snapshot taken with the online backup and writes in one PostgreSQL transaction, so a
 * failure leaves the target empty.
 */

/** Scalar types the Prisma client reads from one database and writes to the other unchanged. */
const copyableTypes = new Set([
  'String',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'Boolean',
  'DateTime',
  'Json',
  'Bytes',
]);

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
}
interface RuntimeModel {
  dbName: string | null;
  fields: RuntimeField[];
}

export interface CopyPlanTable {
  model: string;
  table: string;
  /** The client's property for the model: `auditEvent` for AuditEvent. */
  delegate: string;
  /** The primary key's fields, to page through the rows in a stable order. */
  key: string[];
}

export interface CopyDone {
  tables: { model: string; rows: number }[];
  chain: ChainCheck;
}

const BATCH = 500;

export async function copyToPostgres(
  sqliteUrl: string,
  postgresUrl: string,
  options: { force?: boolean; progress?: (line: string) => void } = {},
): Promise<CopyDone> {
  if (providerOf(sqliteUrl) !== 'sqlite')
    throw new BackupError('DATABASE_URL must name the SQLite database to copy from.');
  if (providerOf(postgresUrl) !== 'postgresql') throw new BackupError('--to must be a postgresql:// URL.');
  if (sqliteInUse(sqliteUrl) && !options.force) {
    throw new BackupError(
      `${sqliteFile(sqliteUrl)} looks in use. Stop metbot first, so nothing is written after the copy; ` +
        'if nothing is running (it stopped abruptly), add --force.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'metbot-copy-'));
  let source: Database | undefined;
  let target: Database | undefined;
  try {
    const snapshotUrl = `file:${join(dir, 'snapshot.db')}`;
    await backupSqlite(sqliteUrl, sqliteFile(snapshotUrl));
    source = await openDatabase(snapshotUrl);
    const plan = copyPlan(source.db, sqliteFile(snapshotUrl));
    target = await openDatabase(postgresUrl);
    await mustBeEmpty(target.db, plan);
    const tables = await copyRows(source.db, target.db, plan, options.progress);
    const chain = await verifyAuditChain(target.db);
    if (!chain.ok) {
      throw new BackupError(
        `The audit chain does not verify on PostgreSQL at event ${chain.brokenAt}: ${chain.reason}.`,
      );
    }
    return { tables, chain };
  } finally {
    await source?.close();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every model's table, parents before children; refuses what it does not know how to copy. */
export function copyPlan(db: Db, file: string): CopyPlanTable[] {
  const models = (db as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })
    ._runtimeDataModel.models;
  const sqlite = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Map<string, CopyPlanTable & { parents: Set<string> }>();
    for (const [model, info] of Object.entries(models)) {
      const table = info.dbName ?? model;
      const scalars = info.fields.filter((field) => field.kind !== 'object');
      const strange = scalars.filter((field) => field.kind !== 'scalar' || !copyableTypes.has(field.type));
      if (strange.length) {
        throw new BackupError(
          `The copy does not know how to copy ${model}.${strange.map((f) => `${f.name} (${f.kind} ${f.type})`).join(', ')}: teach src/ops/copy-to-postgres.ts.`,
        );
      }
      const columns = sqlite.pragma(`table_info("${table}")`) as { name: string; pk: number }[];
      const key = columns
        .filter((column) => column.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((column) => column.name);
      if (key.length === 0 || key.some((name) => !scalars.some((field) => field.name === name))) {
        throw new BackupError(
          `The copy does not know how to page through ${model}: no primary key it can name.`,
        );
      }
      const parents = new Set(
        (sqlite.pragma(`foreign_key_list("${table}")`) as { table: string }[]).map((fk) => fk.table),
      );
      if (parents.has(table))
        throw new BackupError(`The copy does not know how to copy ${model}: it refers to itself.`);
      tables.set(table, { model, table, delegate: model[0]!.toLowerCase() + model.slice(1), key, parents });
    }
    const unknown = (
      sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[]
    )
      .map((row) => row.name)
      .filter((name) => name !== '_prisma_migrations' && !tables.has(name));
    if (unknown.length) {
      throw new BackupError(
        `The SQLite database has tables that are not Prisma models: ${unknown.join(', ')}. The copy does not know how to copy them.`,
      );
    }
    const ordered: CopyPlanTable[] = [];
    const done = new Set<string>();
    while (done.size < tables.size) {
      const ready = [...tables.values()].filter(
        (t) => !done.has(t.table) && [...t.parents].every((parent) => done.has(parent)),
      );
      if (ready.length === 0) {
        const left = [...tables.keys()].filter((name) => !done.has(name));
        throw new BackupError(
          `The copy cannot order these tables (their foreign keys form a loop): ${left.join(', ')}.`,
        );
      }
      for (const { parents: _parents, ...table } of ready) {
        ordered.push(table);
        done.add(table.table);
      }
    }
    return ordered;
  } finally {
    sqlite.close();
  }
}

type Delegate = {
  count(): Promise<number>;
  findMany(args: object): Promise<object[]>;
  createMany(args: { data: object[] }): Promise<{ count: number }>;
};

function delegateOf(client: unknown, table: CopyPlanTable): Delegate {
  return (client as Record<string, Delegate>)[table.delegate]!;
}

async function mustBeEmpty(db: Db, plan: CopyPlanTable[]): Promise<void> {
  for (const table of plan) {
    if ((await delegateOf(db, table).count()) > 0) {
      throw new BackupError(
        `The PostgreSQL database already holds ${table.model} rows: the copy goes only into an empty database.`,
      );
    }
  }
}

async function copyRows(
  source: Db,
  target: Db,
  plan: CopyPlanTable[],
  progress: (line: string) => void = () => undefined,
): Promise<CopyDone['tables']> {
  return target.$transaction(
    async (tx) => {
      const counted: CopyDone['tables'] = [];
      for (const table of plan) {
        const orderBy = table.key.map((field) => ({ [field]: 'asc' }));
        let rows = 0;
        for (;;) {
          const batch = await delegateOf(source, table).findMany({ orderBy, skip: rows, take: BATCH });
          if (batch.length === 0) break;
          await delegateOf(tx, table).createMany({ data: batch });
          rows += batch.length;
        }
        const [had, has] = [await delegateOf(source, table).count(), await delegateOf(tx, table).count()];
        if (had !== has || had !== rows) {
          throw new BackupError(
            `${table.model}: ${had} rows in SQLite but ${has} in PostgreSQL; nothing was kept.`,
          );
        }
        progress(`${table.model}: ${rows}`);
        counted.push({ model: table.model, rows });
      }
      await resetSequences(tx);
      return counted;
    },
    { timeout: 60 * 60_000, maxWait: 60_000 },
  );
}

/** Autoincrement columns (the audit trail's seq) continue after the copied rows. */
async function resetSequences(tx: { $queryRawUnsafe: Db['$queryRawUnsafe'] }): Promise<void> {
  const serial = await tx.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
  );
  for (const { table_name: table, column_name: column } of serial) {
    await tx.$queryRawUnsafe(
      `SELECT setval(pg_get_serial_sequence('"${table}"', '${column}'), COALESCE(MAX("${column}"), 0) + 1, false) FROM "${table}"`,
    );
  }
}
