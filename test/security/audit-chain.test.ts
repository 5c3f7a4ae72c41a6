import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin';
import { checkAuditAtStart } from '../../src/audit/audit-checks';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { startBot } from '../../src/main';
import {
  type AuditAction,
  appendAudit,
  appendAuditMany,
  GENESIS,
  verifyAuditChain,
} from '../../src/store/audit';
import { AUDIT_KEY_INFO, auditKeyring, deriveKey } from '../../src/store/audit-key';
import { openDatabase, type Provider } from '../../src/store/database';
import {
  createTestDatabase,
  createTestDatabaseUrl,
  providers,
  type TestDatabase,
} from '../support/databases';

const auditKey = randomBytes(32);
const AUDIT_KEY = auditKey.toString('base64');
const keyring = auditKeyring({ auditKey });

/** A day of ordinary events: references and ids only, as the services write them. */
async function writeEvents(database: TestDatabase, count: number) {
  for (let i = 1; i <= count; i += 1) {
    await database.db.$transaction((tx) =>
      appendAudit(
        tx,
        database.provider,
        {
          actorId: `user-${i % 3}`,
          actor: `Testworker Example ${i % 3}`,
          surface: 'slack',
          action: (['create', 'read', 'update'] as const)[i % 3]!,
          recordType: 'record',
          recordId: `INT-2026-00000${i}`,
          at: new Date(Date.UTC(2026, 2, 4, 9, i)),
        },
        keyring,
      ),
    );
  }
}

/** `npm run admin -- audit verify` in this process, with only AUDIT_KEY to go on (as an operator runs it). */
async function verify(database: TestDatabase, ...more: string[]) {
  const out: string[] = [];
  const code = await runAdmin(
    ['audit', 'verify', ...more],
    { NODE_ENV: 'production', DATABASE_URL: database.url, AUDIT_KEY },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  return { code, text: out.join('\n') };
}

/** Direct SQL, as someone with write access to the database but not the key would use it. */
function sql(provider: Provider, text: string): string {
  // Every statement here numbers its parameters in the order they appear.
  return provider === 'postgresql' ? text : text.replace(/\$\d+/g, '?');
}

interface Row {
  seq: number;
  at: Date;
  actorId: string | null;
  actor: string;
  surface: string;
  action: string;
  recordType: string;
  recordId: string;
  detail: string | null;
  prevHash: string;
  hash: string;
  keyId: string | null;
}

async function rows(database: TestDatabase): Promise<Row[]> {
  return database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
}

async function setRow(database: TestDatabase, seq: number, row: Omit<Row, 'seq'>) {
  await database.db.$executeRawUnsafe(
    sql(
      database.provider,
      'UPDATE "AuditEvent" SET "at" = $1, "actorId" = $2, "actor" = $3, "surface" = $4, "action" = $5, ' +
        '"recordType" = $6, "recordId" = $7, "detail" = $8, "prevHash" = $9, "hash" = $10, "keyId" = $11 WHERE "seq" = $12',
    ),
    row.at,
    row.actorId,
    row.actor,
    row.surface,
    row.action,
    row.recordType,
    row.recordId,
    row.detail,
    row.prevHash,
    row.hash,
    row.keyId,
    seq,
  );
}

/**
 * What an attacker without the key can best do: recompute every seal from the change on, with
 * a key of their own (keeping the key id) or with the old unkeyed SHA-256.
 */
async function rechain(database: TestDatabase, from: number, seal: (prev: string, row: Row) => string) {
  const all = await rows(database);
  let prev = all.find((row) => row.seq === from - 1)?.hash ?? GENESIS;
  for (const row of all.filter((r) => r.seq >= from)) {
    const hash = seal(prev, row);
    await setRow(database, row.seq, { ...row, prevHash: prev, hash });
    prev = hash;
  }
}

function fieldsOf(prev: string, row: Row) {
  return [
    prev,
    row.at.toISOString(),
    row.actorId,
    row.actor,
    row.surface,
    row.action as AuditAction,
    row.recordType,
    row.recordId,
    row.detail,
  ];
}

describe.each(providers)('the keyed audit chain on %s', (provider) => {
  let database: TestDatabase;

  afterEach(async () => {
    await database?.destroy();
  });

  async function fresh(count = 6) {
    database = await createTestDatabase(provider);
    await writeEvents(database, count);
  }

  it('verifies an untouched chain, and says so', async () => {
    await fresh();
    expect(await verify(database)).toEqual({
      code: 0,
      text: 'The audit chain verifies: 6 events, each sealed and in order.',
    });
  });

  it('keeps many events appended in one statement in their order, each field as given', async () => {
    await fresh(2);
    // A list view and the 60 children it showed (issue 14), with a time to the millisecond,
    // quotes and no actor id or detail on some.
    const at = new Date('2026-11-28T23:59:59.987Z');
    const entries = Array.from({ length: 61 }, (_, i) => ({
      actorId: i % 7 === 0 ? null : `user-${i}`,
      actor: i % 7 === 0 ? 'system' : `user-${i}`,
      surface: 'dashboard',
      action: 'read' as const,
      recordType: i === 0 ? 'dashboard-list' : 'person',
      recordId: i === 0 ? 'due list' : `child-${i}`,
      ...(i % 5 === 0 ? {} : { detail: `due list "page" ${i}` }),
      at: new Date(at.getTime() + i),
    }));
    await database.db.$transaction((tx) => appendAuditMany(tx, provider, entries, keyring));
    const stored = await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' }, skip: 2 });
    expect(
      stored.map(({ actorId, actor, surface, action, recordType, recordId, detail, at }) => ({
        actorId,
        actor,
        surface,
        action,
        recordType,
        recordId,
        ...(detail === null ? {} : { detail }),
        at,
      })),
    ).toEqual(entries);
    expect(await verify(database)).toEqual({
      code: 0,
      text: 'The audit chain verifies: 63 events, each sealed and in order.',
    });
  });

  it('catches a rewritten event, even when every later seal is recomputed without the key', async () => {
    await fresh();
    const third = (await rows(database))[2]!;
    await database.db.$executeRawUnsafe(
      sql(provider, 'UPDATE "AuditEvent" SET "action" = $1 WHERE "seq" = $2'),
      'read',
      third.seq,
    );
    expect(await verify(database)).toMatchObject({
      code: 1,
      text: expect.stringContaining(`broken at event ${third.seq}`),
    });
    const guessed = randomBytes(32);
    await rechain(database, third.seq, (prev, row) =>
      createHmac('sha256', guessed)
        .update(JSON.stringify([row.keyId, ...fieldsOf(prev, row)]))
        .digest('hex'),
    );
    const check = await verify(database);
    expect(check.code).toBe(1);
    expect(check.text).toContain(`broken at event ${third.seq}`);
    expect(check.text).toContain('seal were changed');
    // Passing it off as an event written before the chain was keyed does not work either.
    await rechain(database, third.seq, (prev, row) =>
      createHash('sha256')
        .update(JSON.stringify(fieldsOf(prev, row)))
        .digest('hex'),
    );
    await database.db.$executeRawUnsafe(
      sql(provider, 'UPDATE "AuditEvent" SET "keyId" = NULL WHERE "seq" >= $1'),
      third.seq,
    );
    expect((await verify(database)).text).toContain(`broken at event ${third.seq}`);
  });

  it('catches a deleted event, first or in the middle', async () => {
    await fresh();
    const all = await rows(database);
    await database.db.$executeRawUnsafe(
      sql(provider, 'DELETE FROM "AuditEvent" WHERE "seq" = $1'),
      all[3]!.seq,
    );
    expect(await verify(database)).toMatchObject({
      code: 1,
      text: expect.stringMatching(new RegExp(`broken at event ${all[4]!.seq}.*does not follow`)),
    });
    await database.db.$executeRawUnsafe(
      sql(provider, 'DELETE FROM "AuditEvent" WHERE "seq" = $1'),
      all[0]!.seq,
    );
    expect((await verify(database)).text).toContain(`broken at event ${all[1]!.seq}`);
  });

  it('catches reordered events', async () => {
    await fresh();
    const [, second, third] = await rows(database);
    // The hash column is unique: park one row's seal while the two swap places.
    await setRow(database, second!.seq, { ...third!, hash: 'parked' });
    await setRow(database, third!.seq, second!);
    await setRow(database, second!.seq, third!);
    expect(await verify(database)).toMatchObject({
      code: 1,
      text: expect.stringContaining(`broken at event ${second!.seq}`),
    });
  });

  it('catches events cut from the end against a signed checkpoint, which cannot itself be forged', async () => {
    await fresh();
    const dir = mkdtempSync(join(tmpdir(), 'metbot-checkpoint-'));
    try {
      const file = join(dir, 'checkpoint.json');
      const out: string[] = [];
      const made = await runAdmin(
        ['audit', 'checkpoint', '--out', file],
        { NODE_ENV: 'production', DATABASE_URL: database.url, AUDIT_KEY },
        { out: (l) => out.push(l), err: (l) => out.push(l) },
      );
      expect({ made, out }).toMatchObject({ made: 0, out: [expect.stringContaining('event 6 (6 events)')] });
      expect((await verify(database, '--checkpoint', file)).code).toBe(0);

      const all = await rows(database);
      await database.db.$executeRawUnsafe(
        sql(provider, 'DELETE FROM "AuditEvent" WHERE "seq" >= $1'),
        all[4]!.seq,
      );
      // The chain alone cannot tell that its end was cut: that is what the checkpoint is for.
      expect((await verify(database)).code).toBe(0);
      const cut = await verify(database, '--checkpoint', file);
      expect(cut.code).toBe(1);
      expect(cut.text).toContain(`event ${all[5]!.seq}, the last at the checkpoint`);
      expect(cut.text).toContain('the chain was cut');

      const forged = {
        ...JSON.parse(readFileSync(file, 'utf8')),
        seq: all[3]!.seq,
        hash: all[3]!.hash,
        events: 4,
      };
      writeFileSync(file, JSON.stringify(forged));
      expect((await verify(database, '--checkpoint', file)).text).toContain('signature does not match');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero from the command line, where only the key in the environment is known', {
    timeout: 120_000,
  }, async () => {
    await fresh(3);
    const first = (await rows(database))[0]!;
    await database.db.$executeRawUnsafe(
      sql(provider, 'UPDATE "AuditEvent" SET "recordId" = $1 WHERE "seq" = $2'),
      'INT-2026-999999',
      first.seq,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/admin.ts', 'audit', 'verify'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: database.url, AUDIT_KEY },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`The audit chain is broken at event ${first.seq}`);
    // The wrong key does not pass it off either: every event fails under a key that did not seal it.
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', 'src/admin.ts', 'audit', 'verify'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        AUDIT_KEY: randomBytes(32).toString('base64'),
      },
      encoding: 'utf8',
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('an audit key this installation does not hold');
  });
});

describe.each(providers)('start-up and scheduled checkpoints on %s', (provider) => {
  let url: string;
  let drop: () => Promise<void>;
  let dir: string;
  const dataKey = randomBytes(32);

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabaseUrl(provider));
    dir = mkdtempSync(join(tmpdir(), 'metbot-checkpoints-'));
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const envFor = (more: Record<string, string> = {}) => ({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: url,
    DATA_DIR: dir,
    DATA_KEY: dataKey.toString('base64'),
    AUDIT_CHECKPOINT_DIR: join(dir, 'checkpoints'),
    ...more,
  });
  const clock = fixedClock(new Date('2026-03-04T12:00:00Z'));

  it('writes a signed checkpoint on the timer, sealed under the key derived from DATA_KEY', async () => {
    const env = envFor();
    const bot = await startBot(loadConfig(env), createLogger('silent'), env, { clock, serve: false });
    try {
      await bot.database.db.$transaction((tx) =>
        appendAudit(tx, bot.database.provider, {
          actorId: null,
          actor: 'system',
          surface: 'test',
          action: 'read',
          recordType: 'record',
          recordId: 'INT-2026-000001',
          at: clock.now(),
        }),
      );
      const latest = join(dir, 'checkpoints', 'latest.json');
      // Fired once the timer has moved on a day (in the same transaction as the checkpoint).
      const fired = async () =>
        existsSync(latest) &&
        (
          await bot.database.db.timer.findFirst({ where: { kind: 'audit-checkpoint', status: 'pending' } })
        )?.dueAt.toISOString() === '2026-03-05T12:00:00.000Z';
      for (let i = 0; i < 200 && !(await fired()); i += 1) await new Promise((r) => setTimeout(r, 50));
      const checkpoint = JSON.parse(readFileSync(latest, 'utf8'));
      expect(checkpoint).toMatchObject({ kind: 'audit-checkpoint', madeAt: '2026-03-04T12:00:00.000Z' });
      const derived = auditKeyring({ auditKey: deriveKey(dataKey, AUDIT_KEY_INFO) });
      expect(checkpoint.keyId).toBe(derived.current.id);
      expect(await fired()).toBe(true);
      expect(await verifyAuditChain(bot.database.db, { keyring: derived })).toMatchObject({ ok: true });
    } finally {
      await bot.stop();
    }
  });

  it('refuses to start when the latest events were changed (AUDIT_START_CHECK=refuse), or warns', async () => {
    const database = await openDatabase(url);
    try {
      const last = await database.db.auditEvent.findFirst({ orderBy: { seq: 'desc' } });
      expect(last).not.toBeNull();
      await database.db.auditEvent.update({ where: { seq: last!.seq }, data: { actor: 'Someone Else' } });
    } finally {
      await database.close();
    }
    const refuse = envFor({ AUDIT_START_CHECK: 'refuse' });
    await expect(
      startBot(loadConfig(refuse), createLogger('silent'), refuse, { clock, serve: false }),
    ).rejects.toThrow(/The audit trail does not verify: event \d+: its contents or its seal were changed/);
    const warn = envFor({ AUDIT_START_CHECK: 'warn' });
    const bot = await startBot(loadConfig(warn), createLogger('silent'), warn, { clock, serve: false });
    await bot.stop();
  });
});

describe.each(providers)('a chain written before it was keyed, on %s', (provider) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database?.destroy();
  });

  /** Events as the earlier version wrote them: unkeyed SHA-256 links, no key id. */
  async function unkeyedEvents(count: number) {
    let prev = GENESIS;
    for (let i = 1; i <= count; i += 1) {
      const row = {
        at: new Date(Date.UTC(2026, 0, 5, 10, i)),
        actorId: 'user-1',
        actor: 'Testworker Example',
        surface: 'console',
        action: 'read',
        recordType: 'record',
        recordId: `INT-2026-00000${i}`,
        detail: null,
      };
      const hash = createHash('sha256')
        .update(JSON.stringify(fieldsOf(prev, { ...row, seq: 0, prevHash: prev, hash: '', keyId: null })))
        .digest('hex');
      await database.db.auditEvent.create({ data: { ...row, prevHash: prev, hash } });
      prev = hash;
    }
  }

  const settings = {
    AUDIT_START_CHECK: 'refuse' as const,
    AUDIT_START_CHECK_EVENTS: 1000,
    AUDIT_KEYS_RETIRED: [],
    AUDIT_CHECKPOINT_HOURS: 24,
  };

  it('is sealed under the key at start-up when it is whole, and then verifies', async () => {
    database = await createTestDatabase(provider);
    await unkeyedEvents(4);
    expect((await verify(database)).code).toBe(1);
    await checkAuditAtStart(database.db, database.provider, keyring, settings, createLogger('silent'));
    expect(await verify(database)).toEqual({
      code: 0,
      text: 'The audit chain verifies: 4 events, each sealed and in order.',
    });
  });

  it('is not sealed when it was changed: start-up refuses and names the event', async () => {
    database = await createTestDatabase(provider);
    await unkeyedEvents(4);
    const second = (await rows(database))[1]!;
    await database.db.$executeRawUnsafe(
      sql(provider, 'UPDATE "AuditEvent" SET "actor" = $1 WHERE "seq" = $2'),
      'Someone Else',
      second.seq,
    );
    await expect(
      checkAuditAtStart(database.db, database.provider, keyring, settings, createLogger('silent')),
    ).rejects.toThrow(`event ${second.seq} of the earlier, unkeyed chain does not match`);
    expect(await database.db.auditEvent.count({ where: { keyId: null } })).toBe(4);
  });
});
