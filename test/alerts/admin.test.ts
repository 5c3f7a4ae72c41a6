import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

describe.each(providers)('running the bot from chat on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider));
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
    expect(done).toContain('Nia Newcomer is now a MET group member.');
    const user = await database.db.user.findFirstOrThrow({
      where: { platformUserId: 'new-1' },
      include: { agency: true },
    });
    expect(user).toMatchObject({ role: 'met-member', agency: { name: 'Example Council' } });
    expect(await chatWith(core, admin).say('admin grant @new-1 chief')).toContain('There is no role "chief"');
  });

  it("finds a mentioned person only in the admin's own workspace: the same id elsewhere is someone else", async () => {
    const admin = await testActor(core, 'adm-2', 'admin', 'Ada Admin');
    await core.users.ensure(
      { platform: 'console', workspace: 'elsewhere', platformUserId: 'far-1', displayName: 'Fay Faraway' },
      'practitioner',
      null,
      'console',
    );
    expect(await chatWith(core, admin).say('admin grant @far-1 met-member')).toContain('Admin commands:');
    const far = await database.db.user.findFirstOrThrow({ where: { platformUserId: 'far-1' } });
    expect(far.role).toBe('practitioner');
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
    const { core, database } = await createTestCore(provider);
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
      expect(await member.say(`accept ${reference}`)).toMatch(/on the MET list, high risk, review by/);
      expect(await member.say(`level ${reference} medium Engaging with youth worker`)).toContain(
        'medium risk',
      );
      expect(await member.say(`remove ${reference} Risk reduced`)).toContain('removed from the MET list');
      const history = await member.say(`history ${reference}`);
      expect(history).toMatch(/nominated[\s\S]*active[\s\S]*Engaging with youth worker[\s\S]*Risk reduced/);
      expect(await member.say('level')).toContain('MET list commands');
    } finally {
      await database.destroy();
    }
  });
});
