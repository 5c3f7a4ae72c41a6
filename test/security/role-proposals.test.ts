import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, fixedClock } from '../../src/domain/clock';
import { AdminService } from '../../src/people/admin.service';
import { rolesOf } from '../../src/people/users.service';
import type { FieldCipher } from '../../src/store/field-crypto';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/** Issue 17: a proposal of a role that sees children's details expires, and is confirmed once. */
describe.each(providers)('role proposals on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;
  const clock = fixedClock('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, { clock }));
  });
  const held = async (userId: string) => {
    const user = await database.db.user.findUniqueOrThrow({ where: { id: userId } });
    return rolesOf(database.db, userId, user.role);
  };

  afterAll(async () => {
    await database.destroy();
  });

  it('refuses a confirmation after ROLE_PROPOSAL_DAYS, and the person keeps their roles', async () => {
    const admin = await testActor(core, 'rp-adm', 'admin', 'Ava Proposer');
    const person = await testActor(core, 'rp-late', 'practitioner', 'Lia Later');
    const member = await testActor(core, 'rp-met', 'met-member', 'Max Member');
    const service = new AdminService(database.db, provider, clock, cipher, undefined, undefined, {
      proposalDays: 7,
    });
    expect(await service.grant(admin, { userId: person.id }, 'met-member')).toMatchObject({ proposed: true });
    clock.advance(7 * DAY);
    await expect(service.confirmRole(member, person.id)).rejects.toThrow('That proposal has expired');
    expect(await held(person.id)).toEqual(['practitioner']);
    // Proposed again, it can be confirmed within the days.
    await service.grant(admin, { userId: person.id }, 'met-member');
    clock.advance(7 * DAY - 1000);
    await expect(service.confirmRole(member, person.id)).resolves.toMatchObject({ role: 'met-member' });
  });

  it('lets only one of two confirmations at the same instant add the role', async () => {
    const admin = await testActor(core, 'rp-adm2', 'admin', 'Aki Proposer');
    const person = await testActor(core, 'rp-twice', 'practitioner', 'Tam Twice');
    const first = await testActor(core, 'rp-met-a', 'met-member', 'Mia First');
    const second = await testActor(core, 'rp-met-b', 'met-member', 'Moe Second');
    await core.admin.grant(admin, { userId: person.id }, 'duty-officer');
    const before = await database.db.auditEvent.count({ where: { recordId: person.id } });
    const outcomes = await Promise.allSettled([
      core.admin.confirmRole(first, person.id),
      core.admin.confirmRole(second, person.id),
    ]);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String((lost[0] as PromiseRejectedResult).reason)).toMatch(
      /has just been confirmed or changed|no role waiting/,
    );
    // One role change, one audit entry, one notice: never two.
    expect((await held(person.id)).sort()).toEqual(['duty-officer', 'practitioner']);
    expect(await database.db.auditEvent.count({ where: { recordId: person.id } })).toBe(before + 1);
    expect(await database.db.roleProposal.count({ where: { userId: person.id } })).toBe(0);
  });

  it('treats a role for someone not met yet the same way: it expires, and is confirmed once', async () => {
    const admin = await testActor(core, 'rp-adm3', 'admin', 'Ali Proposer');
    const first = await testActor(core, 'rp-met-c', 'met-member', 'Mae First');
    const second = await testActor(core, 'rp-met-d', 'met-member', 'Mel Second');
    const who = (id: string) => ({ platform: 'console', workspace: 'local', platformUserId: id });
    expect(await core.admin.grant(admin, who('rp-unmet-late'), 'met-member')).toMatchObject({
      pending: true,
    });
    clock.advance(7 * DAY);
    await expect(core.admin.confirmRole(first, '', who('rp-unmet-late'))).rejects.toThrow(
      'That proposal has expired',
    );
    await core.admin.grant(admin, who('rp-unmet-twice'), 'met-member');
    const grant = await database.db.pendingGrant.findFirstOrThrow({
      where: { platformUserId: 'rp-unmet-twice' },
    });
    const audited = () =>
      database.db.auditEvent.count({ where: { recordType: 'pending-grant', recordId: grant.id } });
    const before = await audited();
    const outcomes = await Promise.allSettled([
      core.admin.confirmRole(first, '', who('rp-unmet-twice')),
      core.admin.confirmRole(second, '', who('rp-unmet-twice')),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(await audited()).toBe(before + 1);
  });
});
