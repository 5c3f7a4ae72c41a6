import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../src/store/audit';
import { sqliteFile } from '../../src/store/migrate';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';

describe.each(providers)('store on %s', (provider) => {
  let database: TestDatabase;
  const cipher = testCipher();

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('stores identifying details encrypted: the stored bytes hold no plaintext', async () => {
    const name = 'Zebedee Testperson-Plaintext';
    const person = await database.db.person.create({
      data: {
        kind: 'child',
        initials: 'ZT',
        nameEnc: cipher.encrypt(name),
        dateOfBirthEnc: cipher.encrypt('2011-02-03'),
        lookupHash: cipher.lookupHash(name),
      },
    });
    const raw = await database.db.$queryRawUnsafe<Record<string, unknown>[]>(
      'SELECT * FROM "Person" WHERE id = $1'.replace('$1', provider === 'sqlite' ? '?' : '$1'),
      person.id,
    );
    expect(JSON.stringify(raw)).not.toContain('Zebedee');
    expect(JSON.stringify(raw)).not.toContain('2011-02-03');
    if (provider === 'sqlite') {
      await database.db.$queryRawUnsafe('PRAGMA wal_checkpoint(FULL)');
      const bytes = readFileSync(sqliteFile(database.url));
      expect(bytes.includes(Buffer.from('Zebedee'))).toBe(false);
    }
    const back = await database.db.person.findUniqueOrThrow({ where: { id: person.id } });
    expect(cipher.decrypt(back.nameEnc)).toBe(name);
  });

  it('keeps an audit chain and names the first tampered event', async () => {
    for (const action of ['create', 'read', 'update', 'read'] as const) {
      await database.db.$transaction((tx) =>
        appendAudit(tx, database.provider, {
          actorId: 'user-1',
          actor: 'Ada Example',
          surface: 'console',
          action,
          recordType: 'record',
          recordId: 'rec-1',
          at: new Date(),
        }),
      );
    }
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, events: 4 });
    const third = (await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } }))[2]!;
    await database.db.auditEvent.update({ where: { seq: third.seq }, data: { actor: 'Someone Else' } });
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: third.seq });
  });

  it('finds a removed event as a broken link', async () => {
    const events = await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    await database.db.auditEvent.update({
      where: { seq: events[2]!.seq },
      data: { actor: events[2]!.actor },
    });
    await database.db.auditEvent.delete({ where: { seq: events[1]!.seq } });
    const check = await verifyAuditChain(database.db);
    expect(check).toMatchObject({
      ok: false,
      brokenAt: events[2]!.seq,
      reason: expect.stringContaining('follow'),
    });
  });
});
