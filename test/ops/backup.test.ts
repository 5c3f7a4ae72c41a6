import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin';
import { verifyAuditChain } from '../../src/store/audit';
import { openDatabase } from '../../src/store/database';
import { intelligenceAnswers } from '../gateway/support/fixtures';
import { createTestCore, testActor } from '../support/core';
import { providers } from '../support/databases';

async function admin(url: string, ...argv: string[]) {
  const out: string[] = [];
  const code = await runAdmin(
    argv,
    { DATABASE_URL: url },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  return { code, text: out.join('\n') };
}

describe('npm run admin -- backup and restore on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metbot-backup-'));

  it('restores the records of the backup, drops what came after, and the audit chain still verifies', async () => {
    const { core, database } = await createTestCore('sqlite');
    afterAll(() => database.destroy());
    const actor = await testActor(core, 'U-BACKUP', 'practitioner', 'Bea Backup');
    const before = await core.submissions.submitIntelligence(actor, intelligenceAnswers());
    const backup = join(dir, 'first.db');

    // The online backup runs while the database is open and in use.
    const made = await admin(database.url, 'backup', '--to', backup);
    expect(made).toMatchObject({ code: 0 });
    expect(made.text).toContain(`Backed up to ${backup}`);
    expect(existsSync(backup)).toBe(true);
    expect((await admin(database.url, 'backup', '--to', backup)).text).toContain('already exists');

    const after = await core.submissions.submitIntelligence(
      actor,
      intelligenceAnswers({ where: 'Later Street' }),
    );
    const eventsBefore = (await verifyAuditChain(database.db)).events;

    // Refused while metbot has the database open …
    const refused = await admin(database.url, 'restore', backup);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('looks in use');

    // … done once it has stopped.
    await database.close();
    const restored = await admin(database.url, 'restore', backup);
    expect(restored.code, restored.text).toBe(0);
    expect(restored.text).toContain('The database it replaced is kept as');

    const reopened = await openDatabase(database.url);
    try {
      const references = (await reopened.db.record.findMany()).map((r) => r.reference);
      expect(references).toEqual([before.reference]);
      expect(references).not.toContain(after.reference);
      const chain = await verifyAuditChain(reopened.db);
      expect(chain.ok).toBe(true);
      expect(chain.events).toBeGreaterThan(0);
      expect(chain.events).toBeLessThan(eventsBefore);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a file that is not a metbot database', async () => {
    const url = `file:${join(dir, 'target.db')}`;
    const notOne = await admin(url, 'restore', join(dir, 'nothing-here.db'));
    expect(notOne).toMatchObject({ code: 1 });
    expect(notOne.text).toContain('There is no file');
    expect((await admin(url, 'restore')).code).toBe(2);
  });
});

describe.skipIf(!providers.includes('postgresql'))('npm run admin -- backup on PostgreSQL', () => {
  it('runs pg_dump when it is installed, or says the command to run', async () => {
    const { database } = await createTestCore('postgresql');
    try {
      const file = join(mkdtempSync(join(tmpdir(), 'metbot-pgdump-')), 'metbot.dump');
      const done = await admin(database.url, 'backup', '--to', file);
      expect(done.code, done.text).toBe(0);
      expect(done.text).toContain(`pg_dump --format=custom --no-owner --file ${file}`);
      if (done.text.startsWith('Backed up')) expect(existsSync(file)).toBe(true);
    } finally {
      await database.destroy();
    }
  });
});
