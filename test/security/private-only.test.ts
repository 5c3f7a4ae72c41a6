import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import {
  activity,
  type Connector,
  channel,
  mentionText,
  post,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  tenant,
  textOf,
} from '../teams/support';

const askInPrivate = /I only answer \*(history|admin)\* in a private chat with me/;

describe.each(providers)('commands that show names, reasons or audit entries, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let reference: string;
  const clock = fixedClock('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock }));
    const practitioner = await testActor(core, 'p-private', 'practitioner', 'Pat Example');
    const saved = await chatWith(core, practitioner, 'p-dm').script(
      missingScript('Testchild Private', 'today 08:30'),
    );
    reference = /MIS-2026-\d{6}/.exec(saved)![0];
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('answer in a channel only with a short reply to ask in a direct message', async () => {
    const admin = await testActor(core, 'a-private', 'admin', 'Ann Admin');
    const member = await testActor(core, 'm-private', 'met-member', 'Mo Member');
    const inChannel = (actor: typeof admin) => chatWith(core, actor, 'shared-channel', false);
    await chatWith(core, member, 'm-dm').say(`nominate ${reference} high Seen with older males`);
    for (const [actor, said] of [
      [member, `history ${reference}`],
      [admin, `admin audit ${reference}`],
      [admin, 'admin deadletters'],
      [admin, 'admin grant @someone met-member'],
    ] as const) {
      const answer = await inChannel(actor).say(said);
      expect(answer, said).toMatch(askInPrivate);
      expect(answer, said).not.toMatch(/older males|Mo Member|Ann Admin|Pat Example|Testchild/);
    }
    // In private they answer as before.
    expect(await chatWith(core, member, 'm-dm').say(`history ${reference}`)).toContain('older males');
    expect(await chatWith(core, admin, 'a-dm').say(`admin audit ${reference}`)).toContain(
      `Who has read or changed ${reference}`,
    );
  });

  it('the due list names the interviewer only in private', async () => {
    const duty = await testActor(core, 'd-private', 'duty-officer', 'Dee Duty');
    const practitioner = await testActor(core, 'p-private', 'practitioner', 'Pat Example');
    clock.set('2026-11-28T18:00:00Z');
    await chatWith(core, practitioner, 'p-dm').script([
      'found',
      '1',
      'today 17:45',
      'At home',
      '3',
      '2',
      'skip all',
      'send',
    ]);
    expect(await chatWith(core, duty, 'd-dm').say(`assign ${reference} Ivy Interviewer`)).toContain(
      'Ivy Interviewer will do the return interview',
    );
    expect(await chatWith(core, duty, 'd-dm').say('due')).toContain('Interviewer: Ivy Interviewer');
    const inChannel = await chatWith(core, duty, 'shared-channel', false).say('due');
    expect(inChannel).toContain(reference);
    expect(inChannel).not.toContain('Ivy');
  });
});

describe.each(providers)('private-only commands in a Teams channel, over HTTP, on %s', (provider) => {
  let connector: Connector;
  let teams: TeamsBot;
  beforeAll(async () => {
    connector = await startConnector();
    teams = await startTeamsBot(provider);
  });
  afterAll(async () => {
    await teams?.close();
    await connector?.close();
  });

  it('admin audit and admin deadletters in a channel are told to ask in a personal chat', async () => {
    const admin = { id: '29:admin-p', aadObjectId: 'aad-admin-p', name: 'Ann Example' };
    await teams.core.users.ensure(
      { platform: 'teams', workspace: tenant, platformUserId: admin.aadObjectId, displayName: admin.name },
      'admin',
      'Example Agency',
      'teams',
    );
    for (const said of ['admin audit MIS-2026-000001', 'admin deadletters', 'history MIS-2026-000001']) {
      const before = connector.calls.length;
      const response = await post(teams.url, activity(connector.url, admin, channel, mentionText(said)));
      expect(response.status).toBe(200);
      const replies = connector.calls.slice(before);
      expect(replies).toHaveLength(1);
      expect(textOf(replies[0])).toMatch(/I only answer \*\*(admin|history)\*\* in a private chat/);
    }
  });
});
