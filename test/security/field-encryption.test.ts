import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { runAdmin } from '../../src/admin';
import { enqueueMessage } from '../../src/outbox/enqueue';
import { OutboxRepository } from '../../src/outbox/outbox.repository';
import { SubjectAccessService } from '../../src/records/subject-access.service';
import { FieldCipher, SealedValueError } from '../../src/store/field-crypto';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, sqliteBytes, type TestDatabase } from '../support/databases';

/** Issue 17: what each newly sealed field holds in these tests; none may be found in the database. */
const secrets = {
  policeReference: 'PR-SEALED-4471',
  interviewer: 'Ivy Exampleinterviewer',
  leadProfessional: 'Leah Examplelead',
  metReason: 'Seen with older men at Sealtest park',
  removalReason: 'Moved out of the Sealtest area',
  ownReason: 'Disclosed to a Sealtest teacher',
  deliveryError: 'HTTP 400: unknown field Sealtestfield',
};

describe.each(providers)('field encryption on %s (issue 17)', (provider) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  let core: TestCore;
  let database: TestDatabase;
  let member: Actor;
  let practitioner: Actor;
  let missing: string;
  let intelligence: string;

  async function admin(env: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, NODE_ENV: 'test', ...env },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  /** The child's MET list reasons as the service reads them (sorted: the changes share one clock time). */
  async function reasons(on: TestCore, actor: Actor) {
    return (await on.metList.history(actor, { reference: missing })).map((h) => h.reason).sort();
  }

  /** The child of a report, as stored. */
  async function childOf(reference: string) {
    const { childId } = await database.db.record.findUniqueOrThrow({ where: { reference } });
    return database.db.person.findUniqueOrThrow({ where: { id: childId! } });
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { cipher: new FieldCipher(oldKey) }));
    practitioner = await testActor(core, 'U-PRAC', 'practitioner', 'Pat Practitioner');
    member = await testActor(core, 'U-MET', 'met-member', 'Mo Member');
    const child = { name: 'Testchild Sealed', ageYears: 14, gender: 'girl' as const, inCare: false };
    missing = (
      await core.submissions.submitMissing(
        practitioner,
        missingAnswers({ child, policeReference: secrets.policeReference }),
      )
    ).reference;
    await core.interviews.assign(member, missing, { name: secrets.interviewer });
    intelligence = (
      await core.submissions.submitIntelligence(
        practitioner,
        intelligenceAnswers({ child: { name: 'Otherchild Sealed', ageYears: 13 } }),
      )
    ).reference;
    await core.metList.nominate(member, {
      child: { reference: missing },
      level: 'high',
      reason: secrets.metReason,
      leadProfessional: secrets.leadProfessional,
    });
    await core.metList.remove(member, { child: { reference: missing }, reason: secrets.removalReason });
    const check = await core.submissions.submitRiskCheck(practitioner, 'cse', {
      child: { name: 'Riskchild Sealed', ageYears: 15 },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
      ownLevel: 'high',
      ownReason: secrets.ownReason,
    });
    expect(
      (await database.db.riskCheck.findFirstOrThrow({ where: { recordId: check.recordId } })).chosenReason,
    ).toMatch(/^v2\./);
    // A delivery that failed, with the gateway's answer kept as its last error.
    const outbox = new OutboxRepository(database.db, provider, new FieldCipher(oldKey));
    await database.db.$transaction((tx) =>
      enqueueMessage(tx, new FieldCipher(oldKey), {
        destination: 'sealtest',
        recordId: null,
        idempotencyKey: 'sealtest-1',
        payload: { hello: 'world' },
        at: new Date('2026-11-28T10:00:00Z'),
      }),
    );
    const [claimed] = await outbox.claim('w1', ['sealtest'], new Date('2026-11-28T10:00:00Z'), 60_000, 1);
    await outbox.dead(claimed!, 'w1', secrets.deliveryError, new Date('2026-11-28T10:00:00Z'));
  });
  afterAll(() => database.destroy());

  it('keeps no plaintext of the newly sealed fields in any row, nor in the SQLite file', async () => {
    const db = database.db;
    const rows = JSON.stringify([
      await db.missingEpisode.findMany(),
      await db.metListEntry.findMany(),
      await db.metLevelChange.findMany(),
      await db.riskCheck.findMany(),
      await db.outboxMessage.findMany(),
      await db.auditEvent.findMany(),
    ]);
    for (const secret of Object.values(secrets)) expect(rows).not.toContain(secret);
    expect(rows).toContain('v2.');
    if (provider === 'sqlite') {
      const bytes = sqliteBytes(database.url);
      for (const secret of [...Object.values(secrets), 'Testchild Sealed']) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
      }
    }
    // And they still read where they belong.
    expect(await reasons(core, member)).toEqual([secrets.metReason, secrets.removalReason].sort());
  });

  it('binds a value to its table, column and row: one moved to another row fails to open, with a kind chat answer', async () => {
    const db = database.db;
    const cipher = new FieldCipher(oldKey);
    const first = await childOf(missing);
    const second = await childOf(intelligence);
    expect(cipher.open('Person', 'nameEnc', first!.id, first!.nameEnc)).toBe('Testchild Sealed');
    expect(() => cipher.open('Person', 'nameEnc', second!.id, first!.nameEnc)).toThrow(SealedValueError);
    expect(() => cipher.open('Person', 'dateOfBirthEnc', first!.id, first!.nameEnc)).toThrow(
      SealedValueError,
    );
    expect(() => cipher.open('Record', 'nameEnc', first!.id, first!.nameEnc)).toThrow(SealedValueError);

    // An attacker with write access to the database swaps two MET reasons between rows.
    const changes = await db.metLevelChange.findMany();
    const reasonOf = (c: (typeof changes)[number]) => cipher.open('MetLevelChange', 'reason', c.id, c.reason);
    const nominated = changes.find((c) => reasonOf(c) === secrets.metReason);
    const removed = changes.find((c) => reasonOf(c) === secrets.removalReason);
    await db.metLevelChange.update({ where: { id: nominated!.id }, data: { reason: removed!.reason } });
    await expect(core.metList.history(member, { reference: missing })).rejects.toBeInstanceOf(
      SealedValueError,
    );
    const said = await chatWith(core, member).say(`history ${missing}`);
    expect(said).toBe(core.prompts.messages.sealedMismatch);
    expect(said).not.toContain(secrets.removalReason);
    await db.metLevelChange.update({ where: { id: nominated!.id }, data: { reason: nominated!.reason } });
    expect(await reasons(core, member)).toEqual([secrets.metReason, secrets.removalReason].sort());
  });

  it('rotates every value to a new key; with the old key dropped everything still reads and the child is still found', async () => {
    // A value from before v2 (unbound, under the old key itself) is rotated too.
    const person = await childOf(missing);
    await database.db.person.update({
      where: { id: person.id },
      data: { nameEnc: new FieldCipher(oldKey).encrypt('Testchild Sealed') },
    });
    const oldId = new FieldCipher(oldKey).keyId;
    const newId = new FieldCipher(newKey).keyId;
    const both = { DATA_KEY: newKey.toString('base64'), DATA_KEYS_RETIRED: oldKey.toString('base64') };

    const before = await admin(both, 'keys', 'status');
    expect(before.code).toBe(0);
    expect(before.text).toContain(`v2 ${oldId}`);
    expect(before.text).toContain(`v1 ${oldId}`);
    expect(before.text).toMatch(/values are not yet sealed under the current key/);
    expect(before.text).not.toContain('Testchild');

    const rotated = await admin(both, 'keys', 'rotate', '--batch', '2');
    expect(rotated.code).toBe(0);
    expect(rotated.text).toContain(`Sealing everything under key ${newId}`);
    // Run again: nothing left to do (resumable: what is done is skipped).
    const again = await admin(both, 'keys', 'rotate');
    expect(again.text).toMatch(/Person: 0 of \d+ rows sealed again/);
    expect(
      await database.db.auditEvent.count({ where: { recordType: 'data-key', recordId: newId } }),
    ).toBeGreaterThan(0);

    const onlyNew = { DATA_KEY: newKey.toString('base64') };
    const after = await admin(onlyNew, 'keys', 'status');
    expect(after.text).not.toContain(oldId);
    expect(after.text).toContain('Everything is sealed under the current key');

    // The old key is gone: a core with the new key alone reads everything.
    const fresh = await createTestCore(provider, { database, cipher: new FieldCipher(newKey) });
    const member2 = await testActor(fresh.core, 'U-MET', 'met-member', 'Mo Member');
    expect(await reasons(fresh.core, member2)).toEqual([secrets.metReason, secrets.removalReason].sort());
    const exported = await new SubjectAccessService(
      database.db,
      provider,
      new FieldCipher(newKey),
      fresh.clock,
    ).exportChild(member2, missing);
    expect(exported.child.name).toBe('Testchild Sealed');
    expect(JSON.stringify(exported)).toContain(secrets.policeReference);
    expect(JSON.stringify(exported)).toContain(secrets.leadProfessional);
    const episode = await database.db.missingEpisode.findFirstOrThrow({
      where: { policeReference: { not: null } },
    });
    const cipher = new FieldCipher(newKey);
    expect(cipher.open('MissingEpisode', 'policeReference', episode.id, episode.policeReference!)).toBe(
      secrets.policeReference,
    );
    expect(cipher.open('MissingEpisode', 'interviewerName', episode.id, episode.interviewerName!)).toBe(
      secrets.interviewer,
    );
    const dead = await database.db.outboxMessage.findFirstOrThrow({ where: { destination: 'sealtest' } });
    expect(cipher.open('OutboxMessage', 'lastError', dead.id, dead.lastError!)).toBe(secrets.deliveryError);
    // The child is found again by name (the look-up hash follows the key): a new report joins them.
    const again2 = await fresh.core.submissions.submitMissing(
      practitioner,
      missingAnswers({ child: { name: 'Testchild Sealed', ageYears: 14, inCare: false } }),
    );
    const records = await database.db.record.findMany({
      where: { reference: { in: [missing, again2.reference] } },
      select: { childId: true },
    });
    expect(new Set(records.map((r) => r.childId)).size).toBe(1);
    // The blind indexes follow the key too: a report about another child naming the same vehicle
    // as the intelligence sent under the old key is still linked to it (issue 19).
    expect(await database.db.link.count()).toBe(0);
    await fresh.core.submissions.submitIntelligence(
      practitioner,
      intelligenceAnswers({ child: { name: 'Thirdchild Sealed', ageYears: 12 } }),
    );
    expect(await database.db.link.count()).toBe(1);
  });
});
