import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { destinations } from '../../src/outbox/transport';
import { AdminService, type RoleChangeNotice } from '../../src/people/admin.service';
import { UserService } from '../../src/people/users.service';
import type { FieldCipher } from '../../src/store/field-crypto';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

describe.each(providers)('running the bot from chat on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let coreCipher: FieldCipher;

  beforeAll(async () => {
    ({ core, database, cipher: coreCipher } = await createTestCore(provider));
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('lets an admin give a role by mentioning someone, and refuses anyone else', async () => {
    const admin = await testActor(core, 'adm-1', 'admin', 'Ada Admin');
    await testActor(core, 'new-1', 'practitioner', 'Nia Newcomer');
    const refused = await chatWith(core, await testActor(core, 'p-x', 'practitioner')).say(
      'admin grant @new-1 met-member',
    );
    expect(refused).toContain('giving people roles is only for admins');
    const done = await chatWith(core, admin).say('admin grant @new-1 met-member Example Council');
    expect(done).toContain('Nia Newcomer will be a MET group member once a MET group member confirms it');
    expect(await database.db.user.findFirstOrThrow({ where: { platformUserId: 'new-1' } })).toMatchObject({
      role: 'practitioner',
    });
    expect(await chatWith(core, admin).say('admin confirm @new-1')).toContain(
      'Only a MET group member can confirm a role.',
    );
    const member = await testActor(core, 'met-1', 'met-member', 'Mo Member');
    expect(await chatWith(core, member).say('admin confirm @new-1')).toContain(
      'Nia Newcomer is now a MET group member, proposed by Ada Admin and confirmed by you.',
    );
    expect(await chatWith(core, member).say('admin confirm @new-1')).toContain(
      'There is no role waiting to be confirmed for that person.',
    );
    const trail = await database.db.auditEvent.findMany({
      where: { recordType: 'user', detail: { contains: 'met-member' }, recordId: { not: admin.id } },
      orderBy: { seq: 'asc' },
    });
    // The trail names each actor by id, never by name (issue 17: names are sealed in the User row).
    expect(trail.map((event) => [event.actor, event.detail])).toEqual([
      [admin.id, 'proposed role met-member (holds practitioner)'],
      [member.id, `role met-member added (held practitioner), proposed by user ${admin.id}`],
    ]);
    // A role that does not see children's details is given at once.
    await testActor(core, 'new-2', 'practitioner', 'Noa Newer');
    expect(await chatWith(core, admin).say('admin grant @new-2 admin')).toContain(
      'Noa Newer is now an admin, and still a practitioner.',
    );
    const user = await database.db.user.findFirstOrThrow({
      where: { platformUserId: 'new-1' },
      include: { agency: true },
    });
    expect(user).toMatchObject({ role: 'met-member', agency: { name: 'Example Council' } });
    expect(await chatWith(core, admin).say('admin grant @new-1 chief')).toContain('There is no role "chief"');
  });

  it('refuses anyone changing their own role, in chat and through the service, and audits nothing', async () => {
    const admin = await testActor(core, 'adm-self', 'admin', 'Sid Selfgrant');
    const before = await database.db.auditEvent.count();
    expect(await chatWith(core, admin).say('admin grant @adm-self met-member')).toContain(
      'You cannot change your own role',
    );
    expect(await chatWith(core, admin).say('admin grant @adm-self practitioner')).toContain(
      'You cannot change your own role',
    );
    await expect(core.admin.grant(admin, { userId: admin.id }, 'met-member')).rejects.toThrow(
      'You cannot change your own role',
    );
    const self = await database.db.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(self.role).toBe('admin');
    expect(await database.db.auditEvent.count()).toBe(before);
  });

  it('queues each role change for the MET coordinator, with who, whose, from and to, and audits it', async () => {
    const cipher = coreCipher;
    const routes = { 'met-list-change': [destinations.metCoordinator] };
    const service = new AdminService(database.db, provider, core.clock, cipher, { cipher, routes });
    const admin = await testActor(core, 'adm-tell', 'admin', 'Tia Teller');
    const person = await testActor(core, 'p-told', 'practitioner', 'Ned Noticed');
    const member = await testActor(core, 'm-tell', 'met-member', 'Mo Confirmer');
    expect(
      await service.grant(admin, { userId: person.id }, 'duty-officer', 'Example Council'),
    ).toMatchObject({
      proposed: true,
    });
    expect(
      await database.db.outboxMessage.count({ where: { destination: destinations.metCoordinator } }),
    ).toBe(0);
    await expect(service.confirmRole(person, person.id)).rejects.toThrow('Only a MET group member');
    await service.confirmRole(member, person.id);
    const queued = await database.db.outboxMessage.findMany({
      where: { destination: destinations.metCoordinator },
    });
    expect(queued).toHaveLength(1);
    const notice = cipher.openJson<RoleChangeNotice>(
      'OutboxMessage',
      'payloadEnc',
      queued[0]!.id,
      queued[0]!.payloadEnc,
    );
    expect(notice).toMatchObject({
      kind: 'role-change',
      changedBy: 'Tia Teller, confirmed by Mo Confirmer',
      person: 'Ned Noticed',
      from: 'practitioner',
      to: 'duty-officer, practitioner',
      agency: 'Example Council',
      changedAt: core.clock.now().toISOString(),
    });
    expect(queued[0]).toMatchObject({ recordId: null, idempotencyKey: notice.id, status: 'pending' });
    const audit = await database.db.auditEvent.findFirstOrThrow({
      where: { recordId: person.id },
      orderBy: { seq: 'desc' },
    });
    expect(audit).toMatchObject({
      action: 'update',
      actor: member.id,
      // Audit details carry ids and references, never a name.
      detail: `role duty-officer added (held practitioner), proposed by user ${admin.id}`,
    });
    // No coordinator routed: nothing queued.
    const quiet = new AdminService(database.db, provider, core.clock, cipher, { cipher, routes: {} });
    await quiet.grant(admin, { userId: person.id }, 'admin');
    expect(
      await database.db.outboxMessage.count({ where: { destination: destinations.metCoordinator } }),
    ).toBe(1);
  });

  it("finds a mentioned person only in the admin's own workspace: the same id elsewhere is someone else", async () => {
    const admin = await testActor(core, 'adm-2', 'admin', 'Ada Admin');
    await core.users.ensure(
      { platform: 'console', workspace: 'elsewhere', platformUserId: 'far-1', displayName: 'Fay Faraway' },
      'practitioner',
      null,
      'console',
    );
    // Someone not met in the admin's own workspace: a grant waits for them there.
    expect(await chatWith(core, admin).say('admin grant @far-1 met-member')).toContain(
      '@far-1 will be a MET group member once a MET group member confirms it',
    );
    const far = await database.db.user.findFirstOrThrow({ where: { platformUserId: 'far-1' } });
    expect(far.role).toBe('practitioner');
    expect(await database.db.userRole.count({ where: { userId: far.id } })).toBe(0);
    expect(
      await database.db.pendingGrant.findFirstOrThrow({ where: { platformUserId: 'far-1' } }),
    ).toMatchObject({ workspace: 'test', role: 'met-member', needsConfirmation: true });
  });

  it('answers who read a record', async () => {
    const practitioner = await testActor(core, 'p-aud', 'practitioner', 'Pat Auditee');
    const saved = await chatWith(core, practitioner, 'aud').script(
      missingScript('Testchild Audited', 'today 08:00'),
    );
    const reference = /MIS-\d{4}-\d{6}/.exec(saved)![0];
    await chatWith(core, await testActor(core, 'd-aud', 'duty-officer', 'Dee Duty')).say('missing now');
    const trail = await chatWith(core, await testActor(core, 'adm-1', 'admin', 'Ada Admin')).say(
      `admin audit ${reference}`,
    );
    expect(trail).toContain(`Who has read or changed ${reference}`);
    expect(trail).toMatch(/Pat Auditee[\s\S]*Did: create the record/);
    expect(trail).toMatch(/Dee Duty[\s\S]*Did: read the child[\s\S]*About: missing now/);
  });

  it('lists dead letters and puts one back on the queue', async () => {
    const message = await database.db.outboxMessage.create({
      data: {
        destination: 'gateway-email',
        idempotencyKey: 'k-dead',
        payloadEnc: 'x',
        status: 'dead',
        attempts: 12,
        lastError: '550 mailbox unavailable',
      },
    });
    const admin = await testActor(core, 'adm-1', 'admin', 'Ada Admin');
    const list = await chatWith(core, admin).say('admin deadletters');
    expect(list).toContain('550 mailbox unavailable');
    expect(await chatWith(core, admin).say(`admin retry ${message.id.slice(0, 8)}`)).toContain(
      '1 delivery put back',
    );
    expect(await database.db.outboxMessage.findUnique({ where: { id: message.id } })).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
  });

  it('makes a channel the duty channel', async () => {
    const admin = await testActor(core, 'adm-1', 'admin', 'Ada Admin');
    const place = {
      platform: 'console',
      key: 'C-DUTY',
      kind: 'channel' as const,
      address: '{"channel":"C-DUTY"}',
    };
    const said = await core.chat.handle({
      actor: admin,
      channel: 'C-DUTY',
      private: false,
      text: 'setup duty here',
      place,
    });
    expect(said[0]).toMatchObject({
      text: expect.stringContaining('This channel will now get the duty alerts.'),
    });
    expect(await database.db.chatAddress.findFirst({ where: { purpose: 'duty' } })).toMatchObject({
      key: 'C-DUTY',
    });
  });
});

describe.each(providers)('the MET list in chat on %s', (provider) => {
  it('goes from nomination to removal, with history, for MET members only', async () => {
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const { core, database } = await createTestCore(provider, { clock });
    try {
      const practitioner = await testActor(core, 'p-met', 'practitioner');
      const saved = await chatWith(core, practitioner, 'met').script(
        missingScript('Testchild Listed', 'today 08:00'),
      );
      const reference = /MIS-\d{4}-\d{6}/.exec(saved)![0];
      expect(
        await chatWith(core, practitioner).say(`nominate ${reference} high Seen with older males`),
      ).toContain('changing the MET list is only for MET group members');
      const member = chatWith(core, await testActor(core, 'm-met', 'met-member', 'Mo Example'));
      expect(await member.say(`nominate ${reference} high Seen with older males`)).toMatch(
        /T\.L\. is now nominated for the MET list, high risk\. Recorded as MET-\d{4}-\d{6}/,
      );
      clock.advance(60_000);
      expect(await member.say(`accept ${reference}`)).toMatch(/on the MET list, high risk, review by/);
      clock.advance(60_000);
      expect(await member.say(`level ${reference} medium Engaging with youth worker`)).toContain(
        'medium risk',
      );
      clock.advance(60_000);
      expect(await member.say(`remove ${reference} Risk reduced`)).toContain('removed from the MET list');
      const history = await member.say(`history ${reference}`);
      expect(history).toMatch(/nominated[\s\S]*active[\s\S]*Engaging with youth worker[\s\S]*Risk reduced/);
      expect(await member.say('level')).toContain('MET list commands');
    } finally {
      await database.destroy();
    }
  });
});

/** Issue 15: several roles per person, revoke, grants to people not met yet, refusals that name admins. */
describe.each(providers)('people and roles on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider));
  });
  afterAll(async () => {
    await database.destroy();
  });

  const member = () => testActor(core, 'r-met', 'met-member', 'Mo Member');
  const resolveAgain = (id: string) =>
    core.users.resolve({ platform: 'console', workspace: 'test', platformUserId: id }, 'console');

  it('lets an admin who is also a duty officer keep admin, and uses every role a person holds', async () => {
    const ada = await testActor(core, 'r-ada', 'admin', 'Ada Admin');
    const bo = await testActor(core, 'r-bo', 'admin', 'Bo Admin');
    // The issue: the only admin gave themselves duty officer and lost admin. Nobody grants themselves.
    expect(await chatWith(core, ada).say('admin grant @r-ada duty-officer')).toContain(
      'You cannot change your own role',
    );
    expect(await chatWith(core, bo).say('admin grant @r-ada duty-officer')).toContain(
      'Ada Admin will be a duty officer once a MET group member confirms it',
    );
    expect(await chatWith(core, await member()).say('admin confirm @r-ada')).toContain(
      'Ada Admin is now a duty officer, proposed by Bo Admin and confirmed by you.',
    );
    const both = await resolveAgain('r-ada');
    expect(both?.roles).toEqual(['duty-officer', 'admin']);
    // Both roles work: the due list (duty officer) and the dead letters (admin).
    expect(await chatWith(core, both!).say('due')).not.toContain('only for');
    expect(await chatWith(core, both!).say('admin deadletters')).toContain('Nothing has failed to deliver.');
    expect(await chatWith(core, bo).say('admin grant @r-ada admin')).toContain(
      'Ada Admin already holds that role: they are a duty officer and an admin.',
    );
  });

  it('removes one role with revoke, keeps the others, and never the last admin', async () => {
    const bo = (await resolveAgain('r-bo'))!;
    expect(await chatWith(core, bo).say('admin revoke @r-ada duty-officer')).toContain(
      'Ada Admin no longer holds the duty officer role. They are now an admin.',
    );
    expect((await resolveAgain('r-ada'))?.roles).toEqual(['admin']);
    expect(await chatWith(core, bo).say('revoke @r-ada met-member')).toContain(
      'Ada Admin does not hold the MET group member role: they are an admin.',
    );
    expect(await chatWith(core, bo).say('revoke @r-ada admin')).toContain("That is Ada Admin's only role");
    // An admin may give up their own admin role while another admin remains; the last one may not.
    await testActor(core, 'r-cy', 'practitioner', 'Cy Carer');
    expect(await chatWith(core, bo).say('admin grant @r-cy admin')).toContain(
      'Cy Carer is now an admin, and still a practitioner.',
    );
    expect(await chatWith(core, bo).say('admin revoke @r-ada admin')).toContain('That is Ada Admin');
    const cy = (await resolveAgain('r-cy'))!;
    expect(await chatWith(core, cy).say('admin revoke @r-cy admin')).toContain(
      'Cy Carer no longer holds the admin role. They are now a practitioner.',
    );
    expect((await resolveAgain('r-cy'))?.roles).toEqual(['practitioner']);
    await database.db.userRole.deleteMany({});
    await database.db.user.updateMany({
      where: { role: 'admin', platformUserId: { not: 'r-bo' } },
      data: { role: 'practitioner' },
    });
    await core.admin.grant(
      { ...bo, platform: 'admin', displayName: 'admin command line' },
      { userId: bo.id },
      'duty-officer',
    );
    const last = (await resolveAgain('r-bo'))!;
    expect(last.roles).toEqual(['duty-officer', 'admin']);
    expect(await chatWith(core, last).say('admin revoke @r-bo admin')).toContain(
      'You are the only admin, so you cannot remove your own admin role.',
    );
    const trail = await database.db.auditEvent.findMany({
      where: { recordType: 'user', detail: { contains: 'removed' } },
      orderBy: { seq: 'asc' },
    });
    expect(trail.map((event) => [event.actor, event.detail])).toEqual([
      [bo.id, 'role duty-officer removed (holds admin)'],
      [cy.id, 'role admin removed (holds practitioner)'],
    ]);
  });

  it('grants a role to someone not met yet, by id or email, taking effect when they first speak, even with enrolment off', async () => {
    const bo = (await resolveAgain('r-bo'))!;
    const closed = new UserService(database.db, provider, { clock: core.clock, cipher });
    const lee = { platform: 'console', workspace: 'test', platformUserId: 'u-lee', displayName: 'Lee Later' };
    const kim = {
      platform: 'console',
      workspace: 'test',
      platformUserId: 'u-kim',
      displayName: 'Kim Later',
      email: 'Kim.Later@example.org',
    };
    expect(await closed.resolve({ ...lee, platformUserId: 'u-nobody' }, 'console')).toBeNull();
    expect(await chatWith(core, bo).say('admin grant <@u-lee|Lee> met-member Example Council')).toContain(
      'Lee will be a MET group member once a MET group member confirms it by typing *admin confirm @u-lee*',
    );
    expect(await chatWith(core, bo).say('admin grant kim.later@example.org admin')).toContain(
      'kim.later@example.org will be an admin when they first speak to me.',
    );
    expect(await chatWith(core, bo).say('admin confirm @u-lee')).toContain(
      'Only a MET group member can confirm a role.',
    );
    expect(await chatWith(core, await member()).say('admin confirm @u-lee')).toContain(
      '@u-lee will be a MET group member when they first speak to me, proposed by Bo Admin and confirmed by you.',
    );
    const met = await closed.resolve(lee, 'console');
    expect(met).toMatchObject({
      displayName: 'Lee Later',
      role: 'met-member',
      agencyName: 'Example Council',
    });
    expect(met?.roles).toEqual(['met-member']);
    expect((await closed.resolve(kim, 'console'))?.roles).toEqual(['admin']);
    expect(await database.db.pendingGrant.count()).toBe(0);
    // Not confirmed before they speak: they are a practitioner, and the proposal waits for a MET member.
    await chatWith(core, bo).say('admin grant @u-sol duty-officer');
    const sol = await closed.resolve({ ...lee, platformUserId: 'u-sol', displayName: 'Sol Soon' }, 'console');
    expect(sol?.roles).toEqual(['practitioner']);
    expect(await chatWith(core, await member()).say('admin confirm @u-sol')).toContain(
      'Sol Soon is now a duty officer, proposed by Bo Admin and confirmed by you.',
    );
    // A grant waits in the admin's own workspace: the same id elsewhere is someone else.
    await chatWith(core, bo).say('admin grant @u-far admin');
    expect(
      await closed.resolve({ ...lee, workspace: 'elsewhere', platformUserId: 'u-far' }, 'console'),
    ).toBeNull();
    expect(await database.db.pendingGrant.count({ where: { platformUserId: 'u-far' } })).toBe(1);
    // A withdrawn grant never takes effect.
    await chatWith(core, bo).say('admin grant @u-gone admin');
    expect(await chatWith(core, bo).say('admin revoke @u-gone admin')).toContain(
      'The admin role waiting for @u-gone is withdrawn.',
    );
    expect(await closed.resolve({ ...lee, platformUserId: 'u-gone' }, 'console')).toBeNull();
    const audit = await database.db.auditEvent.findMany({
      where: { detail: { contains: 'first spoke' } },
      orderBy: { seq: 'asc' },
    });
    // Ids, never names: the names are sealed in the grant (issue 17).
    const mo = (await resolveAgain('r-met'))!;
    expect(audit.map((event) => event.detail)).toEqual([
      `role met-member added when they first spoke, granted by user ${bo.id}, confirmed by user ${mo.id}`,
      `role admin added when they first spoke, granted by user ${bo.id}`,
    ]);
  });

  it('names who holds the admin role in a refusal, and never sends an admin to ask themselves', async () => {
    const pat = await testActor(core, 'r-pat', 'practitioner', 'Pat Practitioner');
    const refused = await chatWith(core, pat).say('due');
    expect(refused).toContain('Sorry, the due list is only for duty officers and MET group members.');
    expect(refused).toMatch(/Bo Admin.* can give you that role: ask them\./);
    const kim = (await resolveAgain('u-kim'))!;
    expect(kim.roles).toEqual(['admin']);
    const asAdmin = await chatWith(core, kim).say('due');
    expect(asAdmin).toContain(
      'You hold the admin role, but nobody gives themselves a role. Another admin can give it to you: ask Bo Admin.',
    );
    expect(asAdmin).not.toContain('Kim Later');
  });
});
