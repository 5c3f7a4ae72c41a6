import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { migrate, sqliteFile } from '../store/migrate';

/** Something the operator must put right; the admin command prints it and exits with 1. */
export class BackupError extends Error {}

export interface BackupDone {
  file: string;
  bytes: number;
}

/**
 * SQLite's online backup: a consistent copy page by page while metbot keeps running, checked
 * afterwards (`PRAGMA integrity_check`). Never `cp` a live WAL database: the copy may be torn.
 */
export async function backupSqlite(url: string, to: string): Promise<BackupDone> {
  const file = sqliteFile(url);
  if (!existsSync(file)) throw new BackupError(`There is no database at ${file}.`);
  const target = resolve(to);
  if (existsSync(target)) throw new BackupError(`${target} already exists: choose a new file name.`);
  mkdirSync(dirname(target), { recursive: true });
  const source = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(target);
  } finally {
    source.close();
  }
  checkMetbotDatabase(target);
  return { file: target, bytes: statSync(target).size };
}

/** A readable metbot database: whole, with its migrations table and audit trail. */
export function checkMetbotDatabase(file: string): void {
  if (!existsSync(file)) throw new BackupError(`There is no file at ${file}.`);
  let db: Sqlite.Database | undefined;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
    const [check] = db.pragma('integrity_check') as { integrity_check: string }[];
    if (check?.integrity_check !== 'ok')
      throw new BackupError(`${file} is damaged: ${check?.integrity_check}.`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (row) => row.name,
      ),
    );
    if (!tables.has('_prisma_migrations') || !tables.has('AuditEvent')) {
      throw new BackupError(`${file} is not a metbot database.`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} is not a readable SQLite database: ${(error as Error).message}.`);
  } finally {
    db?.close();
  }
}

/**
 * A running metbot holds its SQLite file in WAL mode, and SQLite removes the `-wal` file when
 * the last connection closes cleanly: so a `-wal` file means in use (or a crash to recover from).
 */
export function sqliteInUse(url: string): boolean {
  return existsSync(`${sqliteFile(url)}-wal`);
}

export interface RestoreDone {
  /** Where the database that was replaced was kept, if there was one. */
  keptAs?: string;
  migrations: string[];
}

/**
 * Puts a backup in place of the database (with SQLite's backup API, so the copy is whole), after
 * keeping the current one beside it; then applies any migration the backup predates.
 */
export async function restoreSqlite(
  url: string,
  from: string,
  options: { force?: boolean; stamp: string },
): Promise<RestoreDone> {
  const backup = resolve(from);
  checkMetbotDatabase(backup);
  const file = sqliteFile(url);
  if (resolve(file) === backup) throw new BackupError('The backup and the database are the same file.');
  if (sqliteInUse(url) && !options.force) {
    throw new BackupError(
      `${file} looks in use (${file}-wal exists). Stop metbot first, then run the restore again; ` +
        'if nothing is running (it stopped abruptly), add --force.',
    );
  }
  let keptAs: string | undefined;
  if (existsSync(file)) {
    keptAs = `${file}.before-restore-${options.stamp}`;
    const current = new Sqlite(file, { fileMustExist: true });
    try {
      await current.backup(keptAs);
    } finally {
      current.close();
    }
  }
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const source = new Sqlite(backup, { readonly: true, fileMustExist: true });
  try {
    await source.backup(file);
  } finally {
    source.close();
  }
  // A stale WAL from the replaced database must not be replayed over the restored one.
  for (const extra of ['-wal', '-shm']) rmSync(`${file}${extra}`, { force: true });
  const migrations = await migrate('sqlite', url);
  return { keptAs, migrations };
}

export interface PgDumpPlan {
  /** The command line, with the password (if any) replaced. */
  shown: string;
  ran: boolean;
  bytes?: number;
}

/**
 * PostgreSQL: `pg_dump --format=custom` when the client tools are installed here, otherwise the
 * command to run where they are. Restore with `pg_restore --clean --if-exists -d <url> <file>`.
 */
export function backupPostgres(url: string, to: string, run = hasPgDump()): PgDumpPlan {
  const target = resolve(to);
  const shown = `pg_dump --format=custom --no-owner --file ${target} '${redact(url)}'`;
  if (!run) return { shown, ran: false };
  if (existsSync(target)) throw new BackupError(`${target} already exists: choose a new file name.`);
  mkdirSync(dirname(target), { recursive: true });
  const done = spawnSync('pg_dump', ['--format=custom', '--no-owner', '--file', target, '--dbname', url], {
    encoding: 'utf8',
  });
  if (done.status !== 0) {
    rmSync(target, { force: true });
    throw new BackupError(`pg_dump failed: ${(done.stderr || done.error?.message || '').trim()}`);
  }
  return { shown, ran: true, bytes: statSync(target).size };
}

export function hasPgDump(): boolean {
  return spawnSync('pg_dump', ['--version']).status === 0;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** A file name that sorts by time: metbot-2026-11-30T231500Z.db */
export function backupName(now: Date, extension: string): string {
  return `metbot-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}.${extension}`;
}
