import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { runAdmin } from '../../src/admin';
import { fixedClock } from '../../src/domain/clock';
import { FieldCipher } from '../../src/store/field-crypto';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, sqliteBytes, type TestDatabase } from '../support/databases';

/**
 * Issue 17: the staff identities metbot keeps beside roles and alerts are sealed, bound to their
 * row: the email a role waits for (matched by a keyed hash when the person first speaks), who
 * granted, proposed or confirmed it, and who acknowledged an alert.
 */
const emails = {
  waiting: 'jo.sealtest@example.org',
  proposed: 'kit.sealtest@example.org',
  interviewer: 'iva.sealtest@example.org',
};
const handle = 'slack:T-SEAL:U-SEAL-IW2';
const legacyEmail = 'lee.legacysealtest@example.org';
const names = { admin: 'Ada Sealtestadmin', member: 'Mo Sealtestmember', duty: 'Dee Sealtestduty' };

describe.each(providers)('sealed staff identities on %s', (provider) => {
  const key = randomBytes(32);
  const newKey = randomBytes(32);
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let core: TestCore;
  let database: TestDatabase;
  let admin: Actor;
  let member: Actor;
  let duty: Actor;
  let alertId: string;
  const episodes: string[] = [];
  const slack = { platform: 'slack', workspace: 'T-SEAL' };

  async function cli(env: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, NODE_ENV: 'test', ...env },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  /** The rows that keep staff identities, as the database holds them, and on SQLite the file's bytes. */
  async function stored(): Promise<{ rows: string; file: Buffer }> {
    const rows = JSON.stringify([
      await database.db.$queryRawUnsafe('SELECT * FROM "PendingGrant"'),
      await database.db.$queryRawUnsafe('SELECT * FROM "RoleProposal"'),
      await database.db.$queryRawUnsafe('SELECT * FROM "Alert"'),
      await database.db.$queryRawUnsafe(
        'SELECT "interviewerEmail", "interviewerHandle", "interviewerEmailHash", "interviewerHandleHash" FROM "MissingEpisode"',
      ),
      await database.db.$queryRawUnsafe('SELECT "actor", "detail" FROM "AuditEvent"'),
      await database.db.$queryRawUnsafe('SELECT "displayName" FROM "User"'),
    ]);
    return { rows, file: provider === 'sqlite' ? sqliteBytes(database.url) : Buffer.alloc(0) };
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock, cipher: new FieldCipher(key) }));
    admin = await testActor(core, 'U-SEAL-ADM', 'admin', names.admin);
    member = await testActor(core, 'U-SEAL-MET', 'met-member', names.member);
    duty = await testActor(core, 'U-SEAL-DUTY', 'duty-officer', names.duty);
    const practitioner = await testActor(core, 'U-SEAL-PRAC', 'practitioner', 'Pat Sealtest');
    // A role waiting for an email, one proposed for an email and confirmed, one proposed for a user.
    await core.admin.grant(admin, { ...slack, email: emails.waiting }, 'duty-officer');
    await core.admin.grant(admin, { ...slack, email: emails.proposed }, 'met-member');
    await core.admin.confirmRole(member, '', { ...slack, email: emails.proposed });
    await core.admin.grant(admin, { userId: practitioner.id }, 'met-member');
    await core.submissions.submitIntelligence(
      practitioner,
      intelligenceAnswers({ child: { name: 'Sealchild Example', ageYears: 13 }, immediateDanger: true }),
    );
    const [alert] = await database.db.alert.findMany({ where: { rule: 'immediate-danger' } });
    alertId = alert!.id;
    await core.alerts.acknowledge(duty, alertId);
    // Return interviews assigned to people not on the bot yet: by email, and by a mention.
    for (const [i, who] of [{ email: emails.interviewer }, { handle, name: 'U-SEAL-IW2' }].entries()) {
      const { reference } = await core.submissions.submitMissing(
        practitioner,
        missingAnswers({ child: { name: `Sealchild Missing${i}`, ageYears: 12, inCare: false } }),
      );
      await core.interviews.assign(member, reference, who);
      const { id } = await database.db.record.findUniqueOrThrow({ where: { reference } });
      episodes.push(
        (await database.db.missingEpisode.findUniqueOrThrow({ where: { missingRecordId: id } })).id,
      );
    }
  });
  afterAll(() => database.destroy());

  it('keeps no email in clear anywhere, and no grantor, proposer, confirmer, acknowledger or actor by name in these rows', async () => {
    const { rows, file } = await stored();
    for (const secret of [...Object.values(emails), ...Object.values(names), handle])
      expect(rows).not.toContain(secret);
    // The audit trail names people by user id, in its actor column and its details, and their
    // names are sealed in the User rows (test/security/sealed-staff-names.test.ts). An email is
    // nowhere in the file.
    for (const email of Object.values(emails)) expect(file.includes(Buffer.from(email))).toBe(false);

    const cipher = new FieldCipher(key);
    const grants = await database.db.pendingGrant.findMany({ orderBy: { createdAt: 'asc' } });
    expect(grants).toHaveLength(2);
    for (const grant of grants) {
      expect(grant.email).toMatch(/^v2\./);
      expect(cipher.open('PendingGrant', 'grantedBy', grant.id, grant.grantedBy)).toBe(names.admin);
      // Bound to the row: the same value does not open in another grant.
      expect(() => cipher.open('PendingGrant', 'email', randomUUID(), grant.email!)).toThrow();
    }
    const confirmed = grants.find((g) => g.confirmedById)!;
    expect(cipher.open('PendingGrant', 'confirmedBy', confirmed.id, confirmed.confirmedBy!)).toBe(
      names.member,
    );
    const proposal = await database.db.roleProposal.findFirstOrThrow();
    expect(cipher.open('RoleProposal', 'proposedBy', proposal.userId, proposal.proposedBy)).toBe(names.admin);
    expect((await core.alerts.view(alertId)).acknowledged).toMatch(
      new RegExp(`^Acknowledged by ${names.duty} at \\d\\d:\\d\\d$`),
    );
  });

  it('finds a grant by the exact email only: a look-alike address gets nothing', async () => {
    const lookAlike = await core.users.resolve(
      {
        ...slack,
        platformUserId: 'U-LOOK',
        email: 'jo-sealtest@example.org',
        displayName: 'Lookalike Example',
      },
      'slack',
    );
    // Enrolled as everyone is in these tests, and nothing more: no grant, no proposal is theirs.
    expect(lookAlike?.roles).toEqual(['practitioner']);
    expect(await database.db.roleProposal.count({ where: { userId: lookAlike!.id } })).toBe(0);
    expect(await database.db.pendingGrant.count()).toBe(2);
  });

  it('keys rotate re-seals them under a new key and remakes the email hash; a grant from before is sealed too', async () => {
    // A grant written in clear before this version: found by its email until keys rotate seals it.
    const legacyId = randomUUID();
    await database.db.pendingGrant.create({
      data: {
        id: legacyId,
        ...slack,
        email: legacyEmail,
        role: 'duty-officer',
        grantedById: admin.id,
        grantedBy: names.admin,
        createdAt: clock.now(),
      },
    });
    const both = { DATA_KEY: newKey.toString('base64'), DATA_KEYS_RETIRED: key.toString('base64') };
    const status = await cli(both, 'keys', 'status');
    expect(status.text).toMatch(/PendingGrant\.email\s+plain\s+1/);
    expect(status.text).not.toContain(legacyEmail);
    expect((await cli(both, 'keys', 'rotate')).code).toBe(0);
    const after = await cli({ DATA_KEY: newKey.toString('base64') }, 'keys', 'status');
    expect(after.text).toContain('Everything is sealed under the current key');

    const cipher = new FieldCipher(newKey);
    for (const grant of await database.db.pendingGrant.findMany()) {
      const email = cipher.open('PendingGrant', 'email', grant.id, grant.email!);
      expect(grant.emailHash).toBe(cipher.exactHash(email));
    }
    const { rows, file } = await stored();
    expect(rows).not.toContain(legacyEmail);
    expect(file.includes(Buffer.from(legacyEmail))).toBe(false);

    // With the new key alone, the people waiting are found by their email when they first speak.
    const fresh = await createTestCore(provider, { database, clock, cipher: new FieldCipher(newKey) });
    const jo = await fresh.core.users.resolve(
      { ...slack, platformUserId: 'U-JO', email: 'Jo.Sealtest@example.org', displayName: 'Jo Sealtest' },
      'slack',
    );
    // An admin's grant of a role that sees children's details still waits for its confirmation.
    const waiting = await database.db.roleProposal.findUniqueOrThrow({ where: { userId: jo!.id } });
    expect(waiting.role).toBe('duty-officer');
    expect(new FieldCipher(newKey).open('RoleProposal', 'proposedBy', jo!.id, waiting.proposedBy)).toBe(
      names.admin,
    );
    const kit = await fresh.core.users.resolve(
      { ...slack, platformUserId: 'U-KIT', email: emails.proposed, displayName: 'Kit Sealtest' },
      'slack',
    );
    expect(kit?.roles).toContain('met-member');
    const lee = await fresh.core.users.resolve(
      { ...slack, platformUserId: 'U-LEE', email: legacyEmail, displayName: 'Lee Legacysealtest' },
      'slack',
    );
    expect(lee?.roles).toContain('duty-officer');
    expect(await database.db.pendingGrant.count({ where: { id: legacyId } })).toBe(0);
    expect((await fresh.core.alerts.view(alertId)).acknowledged).toContain(names.duty);

    // The interviewers assigned before they used the bot are matched by email and by platform id.
    // On the terminal a user id that is an email address counts as their email.
    const iva = await testActor(fresh.core, emails.interviewer, 'practitioner', 'Iva Sealtest');
    await fresh.core.submissions.awaitingInterview(iva);
    const second = await fresh.core.users.resolve(
      { ...slack, platformUserId: 'U-SEAL-IW2', displayName: 'Ivo Sealtest' },
      'slack',
    );
    await fresh.core.submissions.awaitingInterview(second!);
    const claimed = await database.db.missingEpisode.findMany({ where: { id: { in: episodes } } });
    expect(new Map(claimed.map((e) => [e.id, e.interviewerId]))).toEqual(
      new Map([
        [episodes[0], iva.id],
        [episodes[1], second!.id],
      ]),
    );
  });
});
