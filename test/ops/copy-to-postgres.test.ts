import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin';
import { copyPlan, copyToPostgres } from '../../src/ops/copy-to-postgres';
import { verifyAuditChain } from '../../src/store/audit';
import { openDatabase } from '../../src/store/database';
import { sqliteFile } from '../../src/store/migrate';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, testActor } from '../support/core';
import { createTestDatabaseUrl, providers, type TestDatabase } from '../support/databases';

async function admin(url: string, ...argv: string[]) {
  const out: string[] = [];
  const code = await runAdmin(
    argv,
    { DATABASE_URL: url },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  return { code, text: out.join('\n') };
}

describe.skipIf(!providers.includes('postgresql'))('npm run admin -- copy --to <postgresql url>', () => {
  let sqlite: TestDatabase;
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const { core, database } = await createTestCore('sqlite');
    sqlite = database;
    const practitioner = await testActor(core, 'U-COPY', 'practitioner', 'Cora Copy');
    const duty = await testActor(core, 'U-DUTY', 'duty-officer', 'Dev Duty');
    await core.submissions.submitIntelligence(practitioner, intelligenceAnswers());
    await core.submissions.submitIntelligence(practitioner, intelligenceAnswers({ immediateDanger: true }));
    await core.submissions.submitMissing(practitioner, missingAnswers());
    await chatWith(core, duty).say('due');
    await chatWith(core, practitioner).say('intelligence'); // a draft conversation
    await database.close();
  });
  afterAll(async () => {
    await sqlite.destroy();
    for (const drop of drops) await drop();
  });

  async function emptyPostgres() {
    const made = await createTestDatabaseUrl('postgresql');
    drops.push(made.drop);
    return made.url;
  }

  it('copies every table with matching counts, and the audit chain verifies on PostgreSQL', async () => {
    const to = await emptyPostgres();
    const done = await admin(sqlite.url, 'copy', '--to', to);
    expect(done.code, done.text).toBe(0);
    expect(done.text).toMatch(/every count matches and the audit chain verifies \(\d+ events\)/);

    const source = await openDatabase(sqlite.url);
    const target = await openDatabase(to);
    try {
      const models = Object.keys(
        (source.db as unknown as { _runtimeDataModel: { models: object } })._runtimeDataModel.models,
      );
      expect(models).toContain('AuditEvent');
      for (const model of models) {
        const delegate = model[0]!.toLowerCase() + model.slice(1);
        const count = (db: unknown) =>
          (db as Record<string, { count(): Promise<number> }>)[delegate]!.count();
        expect(await count(target.db), model).toBe(await count(source.db));
        expect(done.text).toContain(`${model}: ${await count(source.db)}`);
      }
      expect(await source.db.record.count()).toBe(3);
      const [a, b] = await Promise.all(
        [source, target].map((d) => d.db.record.findMany({ orderBy: { reference: 'asc' } })),
      );
      expect(b).toEqual(a); // ciphertext, dates and flags unchanged
      expect((await verifyAuditChain(target.db)).ok).toBe(true);

      // The audit sequence continues after the copied events: a new event chains on.
      const last = await target.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
      const { core } = await createTestCore('postgresql', {
        database: { ...target, url: to, destroy: async () => {} },
      });
      await core.submissions.submitIntelligence(
        await testActor(core, 'U-AFTER', 'practitioner', 'Art After'),
        intelligenceAnswers(),
      );
      const next = await target.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
      expect(next.seq).toBeGreaterThan(last.seq);
      expect(await verifyAuditChain(target.db)).toMatchObject({ ok: true });
    } finally {
      await source.close();
      await target.close();
    }

    // Into a database that is no longer empty: refused, nothing added.
    const again = await admin(sqlite.url, 'copy', '--to', to);
    expect(again.code).toBe(1);
    expect(again.text).toContain('already holds');
  });

  it('refuses loudly a table it does not know how to copy, before writing anything to PostgreSQL', async () => {
    const file = sqliteFile(sqlite.url);
    const raw = new Sqlite(file);
    raw.exec('CREATE TABLE "Mystery" ("id" TEXT PRIMARY KEY)');
    raw.close();
    const to = await emptyPostgres();
    try {
      await expect(copyToPostgres(sqlite.url, to)).rejects.toThrow(
        'tables that are not Prisma models: Mystery. The copy does not know how to copy them',
      );
      const client = new pg.Client({ connectionString: to });
      await client.connect();
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      await client.end();
      expect(rows[0].n).toBe(0);
    } finally {
      const again = new Sqlite(file);
      again.exec('DROP TABLE "Mystery"');
      again.close();
    }
  });

  it('orders parents before children, from the foreign keys', async () => {
    const source = await openDatabase(sqlite.url);
    try {
      const order = copyPlan(source.db, sqliteFile(sqlite.url)).map((t) => t.model);
      expect(order.indexOf('Person')).toBeLessThan(order.indexOf('Record'));
      expect(order.indexOf('Agency')).toBeLessThan(order.indexOf('User'));
      expect(order.indexOf('MetListEntry')).toBeLessThan(order.indexOf('MetLevelChange'));
    } finally {
      await source.close();
    }
  });
});
