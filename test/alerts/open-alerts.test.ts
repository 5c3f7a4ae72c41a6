import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { timerHandlers } from '../../src/alerts/timer-handlers';
import { fixedClock, HOUR } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { Person as SlackPerson } from '../slack/slack-requests';
import { SlackWebApiStandIn } from '../slack/web-api-stand-in';
import { chatWith } from '../support/chat';
import { type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import { type SlackAndTeams, startSlackAndTeams } from '../support/slack-and-teams';
import {
  bot,
  type Connector,
  cardOf,
  mentionText,
  personalChat,
  type Person as TeamsPerson,
  type Place as TeamsPlace,
} from '../teams/support';

const log = createLogger('silent');

// Every name is invented.
const slackAdmin: SlackPerson = { user: 'UADMIN', name: 'adam' };
const slackDuty: SlackPerson = { user: 'UDUTY', name: 'ada' };
const slackMet: SlackPerson = { user: 'UMET', name: 'mo' };
const teamsDuty: TeamsPerson = { id: '29:duty', aadObjectId: 'aad-duty', name: 'Dee Example' };
const teamsAdmin: TeamsPerson = { id: '29:admin', aadObjectId: 'aad-admin', name: 'Ann Example' };
const SLACK_DUTY = 'C0DUTY';
const teamsDutyChannel: TeamsPlace = { id: '19:duty@thread.tacv2', type: 'channel' };

/** An intelligence report with immediate danger, typed in the terminal chat. */
const dangerScript = (child: string) => [
  'intel',
  'yes',
  '1', // about a child
  child,
  'skip all',
  'Threatened with a knife',
  'Example Lane',
  'Tonight',
  '1',
  '1',
  'A',
  'P',
  '1',
  'send',
];

describe.each(providers)('alerts with no duty place, then one, on %s', (provider) => {
  const clock = fixedClock('2026-11-28T10:00:00Z');
  // No DUTY_SLACK_CHANNEL: nobody has set up a duty place yet.
  let both: SlackAndTeams;
  let core: TestCore;
  let database: TestDatabase;
  let slack: SlackWebApiStandIn;
  let connector: Connector;
  let reporter: Actor;
  let reference = '';

  beforeAll(async () => {
    both = await startSlackAndTeams(provider, { clock });
    ({ core, database, slack, connector } = both);
    await both.slackPerson(slackAdmin, 'admin', 'Adam Example');
    await both.slackPerson(slackDuty, 'duty-officer', 'Ada Example');
    await both.teamsPerson(teamsDuty, 'duty-officer');
    await both.teamsPerson(teamsAdmin, 'admin');
    reporter = await testActor(core, 'p-1', 'practitioner', 'Jay Example');
  });
  afterAll(() => both?.stop());

  const deliverAlerts = () => both.deliverAlerts();
  const teamsSay = (from: TeamsPerson, place: TeamsPlace, fields: Record<string, unknown>) =>
    both.teamsSay(from, place, fields);
  /** Everything the bot sent to Slack in answer to a `/met` command, as one string. */
  async function slackCommand(text: string, who: SlackPerson, channel: string): Promise<string> {
    const before = slack.calls.length;
    await both.slackCommand(text, who, channel);
    return JSON.stringify(slack.calls.slice(before).map((c) => c.args));
  }

  const theAlert = () => database.db.alert.findFirstOrThrow({ where: { reference } });

  it(`keeps an alert open, not delivered, when no duty place is set up, and tells the reporter so (${provider})`, async () => {
    const said = await chatWith(core, reporter, 'dm').script(dangerScript('Jay Example'));
    reference = /INT-2026-\d{6}/.exec(said)![0];
    expect(said).toContain('No duty team can be reached yet, because none is set up');
    expect(said).toContain('duty officers will see it when they type *alerts*');
    expect(said).not.toContain('will be alerted');

    const [result] = await deliverAlerts();
    expect(result).toMatchObject({
      ok: false,
      retry: true,
      error: expect.stringContaining('Nobody to send it to'),
    });
    const message = await database.db.outboxMessage.findFirstOrThrow({ where: { destination: 'alert' } });
    expect(message.status).toBe('pending');
    const alert = await theAlert();
    expect(alert).toMatchObject({ acknowledgedAt: null, posts: '[]' });
  });

  it(`shows the open alert to duty officers with "alerts" in the terminal, Slack and Teams, never the name (${provider})`, async () => {
    const duty = await testActor(core, 'd-1', 'duty-officer', 'Kit Example');
    const terminal = await chatWith(core, duty, 'dm').say('alerts');
    expect(terminal).toContain('Open alerts');
    expect(terminal).toContain(`${reference} · Immediate danger reported`);
    expect(terminal).toContain('J.E.');
    expect(terminal).toContain('nobody yet');
    expect(terminal).toContain(`ack ${reference}`);

    const inSlack = await slackCommand('alerts', slackDuty, 'C0GENERAL');
    expect(inSlack).toContain(reference);
    expect(inSlack).toContain('Immediate danger reported');

    await teamsSay(teamsDuty, personalChat(teamsDuty), { type: 'conversationUpdate', membersAdded: [bot] });
    const inTeams = JSON.stringify(await teamsSay(teamsDuty, personalChat(teamsDuty), { text: 'alerts' }));
    expect(inTeams).toContain(reference);
    expect(inTeams).toContain('J.E.');

    for (const shown of [terminal, inSlack, inTeams]) expect(shown).not.toContain('Jay Example');
    expect(await chatWith(core, reporter, 'dm').say('alerts')).toContain(
      'seeing the open alerts is only for duty officers and MET group members',
    );
  });

  it(`posts the open alert when "setup duty here" is typed in Slack, then in Teams (${provider})`, async () => {
    expect(await slackCommand('setup duty here', slackAdmin, SLACK_DUTY)).toContain(
      'Alerts that are still open will be posted here too',
    );
    // The post still waiting to be retried is brought forward, not sent twice side by side.
    const waiting = await database.db.outboxMessage.findMany({
      where: { destination: 'alert', status: 'pending' },
    });
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.nextAttemptAt).toEqual(clock.now());
    const results = await deliverAlerts();
    expect(results).toEqual([{ ok: true }]);
    const alert = await theAlert();
    const posted = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SLACK_DUTY);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]!.args.blocks)).toContain(alert.id);
    expect(JSON.stringify(posted[0]!.args)).toContain(reference);

    await teamsSay(teamsAdmin, teamsDutyChannel, { type: 'conversationUpdate', membersAdded: [bot] });
    const thread = { ...teamsDutyChannel, id: `${teamsDutyChannel.id};messageid=1700000000001` };
    await teamsSay(teamsAdmin, thread, mentionText('setup duty here'));
    const before = connector.calls.length;
    expect((await deliverAlerts()).every((r) => r.ok)).toBe(true);
    const cards = connector.calls.slice(before).filter((c) => c.conversationId === teamsDutyChannel.id);
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cardOf(cards[0]))).toContain(reference);

    const places = JSON.parse((await theAlert()).posts).map((p: { platform: string }) => p.platform);
    expect(places.sort()).toEqual(['slack', 'teams']);
    expect(slack.calls.some((c) => JSON.stringify(c.args).includes('Jay Example'))).toBe(false);
  });

  it(`tells the next reporter that the duty team will be alerted (${provider})`, async () => {
    const said = await chatWith(core, reporter, 'dm2').script(dangerScript('Sam Example'));
    expect(said).toContain('The duty team will be alerted.');
    expect(said).not.toContain('No duty team');
    expect((await deliverAlerts()).every((r) => r.ok)).toBe(true);
  });

  it(`acknowledges with "ack <reference>" from Teams, and every post says so (${provider})`, async () => {
    const slackBefore = slack.calls.length;
    const said = JSON.stringify(
      await teamsSay(teamsDuty, personalChat(teamsDuty), { text: `ack ${reference}` }),
    );
    expect(said).toContain(`${reference} is acknowledged`);
    expect((await deliverAlerts()).every((r) => r.ok)).toBe(true);
    const updates = slack.calls.slice(slackBefore).filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => c.args.channel)).toEqual([SLACK_DUTY]);
    expect(JSON.stringify(updates[0]!.args.blocks)).toContain('Acknowledged by Dee Example');
    expect(await slackCommand('alerts', slackDuty, 'C0GENERAL')).not.toContain(reference);
    expect(
      await chatWith(core, await testActor(core, 'd-1', 'duty-officer'), 'dm').say('ack INT-2026-999999'),
    ).toContain('No open alert has the reference INT-2026-999999');
  });

  it(`escalates only to people who can be reached, skipping the lead professional (${provider})`, async () => {
    const scheduler = new Scheduler(
      database.db,
      database.provider,
      core.clock,
      timerHandlers(core.alerts),
      log,
    );
    // A missing child in care: duty, then the lead professional (a name, not a user), then the MET coordinator.
    const reportMissing = async (child: string) => {
      const said = await chatWith(core, reporter, 'dm3').script([
        'missing',
        child,
        'yes', // in care
        '3',
        'today 07:00',
        'Example Road',
        'Green coat',
        'yes',
        'skip all',
        'send',
      ]);
      await deliverAlerts();
      const missing = /MIS-2026-\d{6}/.exec(said)![0];
      return () => database.db.alert.findFirstOrThrow({ where: { reference: missing } });
    };

    // Nobody for the MET coordinator yet: the alert stays with the duty team, open.
    const unreachable = await reportMissing('Lee Example');
    clock.advance(2 * HOUR);
    await scheduler.tick();
    expect(await unreachable()).toMatchObject({ audience: 'duty', escalatedAt: null, acknowledgedAt: null });

    // A MET member on Slack can be reached: the next one goes to them, past the lead professional.
    await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: slackMet.user, displayName: 'Mo Example' },
      'met-member',
      'Example Agency',
      'slack',
    );
    const reachable = await reportMissing('Ray Example');
    clock.advance(2 * HOUR);
    await scheduler.tick();
    expect(await reachable()).toMatchObject({ audience: 'met-coordinator', escalatedAt: expect.any(Date) });
    const before = slack.calls.length;
    expect((await deliverAlerts()).every((r) => r.ok)).toBe(true);
    const toMo = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(toMo.map((c) => c.args.channel)).toEqual([SlackWebApiStandIn.dmOf(slackMet.user)]);
  });
});
