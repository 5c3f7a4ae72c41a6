import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { runAdmin } from '../../src/admin';
import { openInitials, openYearOfBirth } from '../../src/children/demographics';
import { fixedClock } from '../../src/domain/clock';
import { FieldCipher } from '../../src/store/field-crypto';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, sqliteBytes, type TestDatabase } from '../support/databases';

/**
 * Issue 17: a child's initials, year of birth and ethnicity as typed are sealed, bound to the row;
 * beside them only the coarse values the figures count. Rows from before are sealed by `keys rotate`.
 */
const child = {
  name: 'Quorra Xylo Zenith',
  initials: 'Q.X.Z.',
  ethnicity: 'Kalderash Roma Sealtest',
};
const legacy = { initials: 'L.G.', yearOfBirth: 2011, ethnicity: 'Irish Sealtest Legacy' };

describe.each(providers)('sealed demographics on %s', (provider) => {
  const key = randomBytes(32);
  const newKey = randomBytes(32);
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let core: TestCore;
  let database: TestDatabase;
  let practitioner: Actor;
  let reference: string;

  async function admin(env: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, NODE_ENV: 'test', ...env },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  /** Every Person and Alert row as the database holds it, and on SQLite the file's bytes. */
  async function stored(): Promise<Buffer> {
    const rows = JSON.stringify([
      await database.db.$queryRawUnsafe('SELECT * FROM "Person"'),
      await database.db.$queryRawUnsafe('SELECT * FROM "Alert"'),
      await database.db.$queryRawUnsafe('SELECT * FROM "AuditEvent"'),
    ]);
    const parts: Buffer[] = [Buffer.from(rows)];
    if (provider === 'sqlite') parts.push(sqliteBytes(database.url));
    return Buffer.concat(parts);
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock, cipher: new FieldCipher(key) }));
    practitioner = await testActor(core, 'U-DEMO', 'practitioner', 'Pat Demographics');
    reference = (
      await core.submissions.submitMissing(
        practitioner,
        missingAnswers({
          child: {
            name: child.name,
            ageYears: 14,
            gender: 'girl',
            ethnicity: child.ethnicity,
            inCare: false,
          },
        }),
      )
    ).reference;
    // An immediate-danger report raises an alert, which carries the initials to the duty channel.
    await core.submissions.submitIntelligence(
      practitioner,
      intelligenceAnswers({ child: { name: child.name, ageYears: 14 }, immediateDanger: true }),
    );
  });
  afterAll(() => database.destroy());

  it('stores no initials, year of birth or ethnicity in clear; keeps the age band and broad group', async () => {
    const { childId } = await database.db.record.findUniqueOrThrow({ where: { reference } });
    const person = await database.db.person.findUniqueOrThrow({ where: { id: childId! } });
    expect(person).toMatchObject({
      yearOfBirth: null,
      ageBand: 2, // 14 in 2026: 13 to 15
      gender: 'girl',
      ethnicGroup: 'white',
      inCare: false,
    });
    for (const sealed of [person.initials, person.yearOfBirthEnc, person.ethnicity])
      expect(sealed).toMatch(/^v2\./);
    const cipher = new FieldCipher(key);
    expect(openInitials(cipher, person)).toBe(child.initials);
    expect(openYearOfBirth(cipher, person)).toBe(2012);
    // Bound to the row: the same value does not open as another child's.
    expect(() => cipher.open('Person', 'initials', randomUUID(), person.initials)).toThrow();

    const bytes = await stored();
    for (const secret of [child.initials, child.ethnicity, child.name]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // Where they are shown, they are opened: the duty channel's alert, and the MET group's lists.
    const [alert] = await database.db.alert.findMany({ where: { rule: 'immediate-danger' } });
    expect(alert!.initials).toMatch(/^v2\./);
    expect((await core.alerts.view(alert!.id)).initials).toBe(child.initials);
    const episodes = await core.submissions.openEpisodes(practitioner);
    expect(episodes.find((e) => e.reference === reference)?.initials).toBe(child.initials);
  });

  it('seals rows written in clear before, with keys rotate: batched, audited, and safe to run again', async () => {
    const id = randomUUID();
    await database.db.person.create({
      data: {
        id,
        kind: 'child',
        nameEnc: new FieldCipher(key).seal('Person', 'nameEnc', id, 'Legacy Sealtest'),
        ...legacy,
      },
    });
    const alertId = randomUUID();
    await database.db.alert.create({
      data: { id: alertId, rule: 'immediate-danger', initials: legacy.initials, audience: 'duty' },
    });
    // Still read as they are until then.
    expect((await core.alerts.view(alertId)).initials).toBe(legacy.initials);
    const env = { DATA_KEY: key.toString('base64') };
    const before = await admin(env, 'keys', 'status');
    expect(before.text).toMatch(/Person\.initials\s+plain\s+1/);
    expect(before.text).toMatch(/Person\.yearOfBirth\s+plain\s+1/);
    expect(before.text).not.toContain(legacy.initials);

    const audited = await database.db.auditEvent.count({ where: { recordType: 'data-key' } });
    const sealed = await admin(env, 'keys', 'rotate', '--batch', '1');
    expect(sealed.code).toBe(0);
    const person = await database.db.person.findUniqueOrThrow({ where: { id } });
    expect(person).toMatchObject({ yearOfBirth: null, ageBand: 2, ethnicGroup: 'white' });
    const cipher = new FieldCipher(key);
    expect(openInitials(cipher, person)).toBe(legacy.initials);
    expect(openYearOfBirth(cipher, person)).toBe(legacy.yearOfBirth);
    expect(cipher.open('Person', 'ethnicity', id, person.ethnicity!)).toBe(legacy.ethnicity);
    expect((await core.alerts.view(alertId)).initials).toBe(legacy.initials);
    expect(await database.db.auditEvent.count({ where: { recordType: 'data-key' } })).toBeGreaterThan(
      audited,
    );
    const bytes = await stored();
    for (const secret of [legacy.ethnicity, `"${legacy.initials}"`])
      expect(bytes.includes(Buffer.from(secret))).toBe(false);

    const again = await admin(env, 'keys', 'rotate');
    expect(again.text).toMatch(/Person: 0 of \d+ rows sealed again/);
    expect(again.text).toMatch(/Alert: 0 of \d+ rows sealed again/);
    expect((await admin(env, 'keys', 'status')).text).toContain('Everything is sealed under the current key');
  });

  it('recomputes a perpetrator look-up hash under the new key, and mends one a past rotation left behind', async () => {
    const member = await testActor(core, 'U-DEMO-MET', 'met-member', 'Mo Demographics');
    const perpetrator = 'Perry Sealtest-Perpetrator';
    await core.sectionK.recordDisruption(member, {
      reference,
      kind: 'cawn',
      occurredAt: clock.now(),
      perpetrator,
    });
    const both = { DATA_KEY: newKey.toString('base64'), DATA_KEYS_RETIRED: key.toString('base64') };
    expect((await admin(both, 'keys', 'rotate')).code).toBe(0);
    const expected = new FieldCipher(newKey).lookupHash(perpetrator);
    const row = await database.db.disruption.findFirstOrThrow({ where: { childId: { not: '' } } });
    expect(row.perpetratorHash).toBe(expected);
    expect(row.perpetratorHash).not.toBe(new FieldCipher(key).lookupHash(perpetrator));
    // A rotation before this fix sealed the perpetrator anew but left the hash under the old key.
    await database.db.disruption.update({
      where: { id: row.id },
      data: { perpetratorHash: new FieldCipher(key).lookupHash(perpetrator) },
    });
    expect((await admin(both, 'keys', 'rotate')).code).toBe(0);
    expect((await database.db.disruption.findUniqueOrThrow({ where: { id: row.id } })).perpetratorHash).toBe(
      expected,
    );
  });
});
