import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { ReceiptTransport } from '../../src/alerts/receipt-delivery';
import type { Surfaces } from '../../src/alerts/surfaces';
import type { OutboxDelivery } from '../../src/outbox/transport';
import { messageButton, type Person as SlackPerson } from '../slack/slack-requests';
import { SlackWebApiStandIn, type WebApiCall } from '../slack/web-api-stand-in';
import type { TestCore } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import { type SlackAndTeams, startSlackAndTeams } from '../support/slack-and-teams';
import {
  bot,
  type Connector,
  type ConnectorCall,
  cardOf,
  elements,
  mentionText,
  personalChat,
  type Person as TeamsPerson,
  type Place as TeamsPlace,
  textOf,
} from '../teams/support';

// Slack people (user ids) and Teams people (Entra object ids); every name is invented.
const slackDuty: SlackPerson = { user: 'UDUTY', name: 'ada' };
const slackPractitioner: SlackPerson = { user: 'UPRAC', name: 'pat' };
const slackAdmin: SlackPerson = { user: 'UADMIN', name: 'adam' };
const teamsDuty: TeamsPerson = { id: '29:duty', aadObjectId: 'aad-duty', name: 'Dee Example' };
const teamsPractitioner: TeamsPerson = { id: '29:prac', aadObjectId: 'aad-prac', name: 'Pam Example' };
const teamsAdmin: TeamsPerson = { id: '29:admin', aadObjectId: 'aad-admin', name: 'Ann Example' };

const SLACK_DUTY = 'C0DUTY';
const SLACK_SECOND = 'C0SECOND';
const teamsDutyChannel: TeamsPlace = { id: '19:duty@thread.tacv2', type: 'channel' };

/** A child in each kind of alert, with a date of birth where the form takes one. */
const children = {
  danger: { name: 'Testchild Dangerfield', dob: ['2012-04-03', '03/04/2012', '3 Apr 2012'] },
  missing: { name: 'Testchild Missington', dob: ['2013-05-06', '06/05/2013', '6 May 2013'] },
  cse: { name: 'Testchild Highcheck', dob: [] },
  trafficking: { name: 'Testchild Crossing', dob: [] },
};

describe.each(providers)('duty alerts on Slack and Teams on %s', (provider) => {
  let both: SlackAndTeams;
  let core: TestCore;
  let database: TestDatabase;
  let slack: SlackWebApiStandIn;
  let connector: Connector;
  let surfaces: Surfaces;
  const alertIds: Record<keyof typeof children, string> = {
    danger: '',
    missing: '',
    cse: '',
    trafficking: '',
  };

  beforeAll(async () => {
    both = await startSlackAndTeams(provider, { slackDutyChannel: SLACK_DUTY });
    ({ core, database, slack, connector } = both);
    surfaces = core.surfaces;
    await both.slackPerson(slackDuty, 'duty-officer', 'Ada Example');
    await both.slackPerson(slackPractitioner, 'practitioner', 'Pat Example');
    await both.slackPerson(slackAdmin, 'admin', 'Adam Example');
    await both.teamsPerson(teamsDuty, 'duty-officer');
    await both.teamsPerson(teamsPractitioner, 'practitioner');
    await both.teamsPerson(teamsAdmin, 'admin');
  });
  afterAll(() => both?.stop());

  const slackInteract = (payload: Record<string, unknown>) => both.slackInteract(payload);
  const slackCommand = (text: string, who: SlackPerson, channel: string) =>
    both.slackCommand(text, who, channel);
  const teamsSay = (from: TeamsPerson, place: TeamsPlace, fields: Record<string, unknown>) =>
    both.teamsSay(from, place, fields);

  /** What the outbox worker does for the alert destination, every post delivered: how many. */
  async function deliverAlerts(): Promise<number> {
    const results = await both.deliverAlerts();
    expect(results.every((result) => result.ok)).toBe(true);
    return results.length;
  }

  /** Saves a complete form as a practitioner would (the chat, a modal and a card all end here). */
  async function file(actor: Actor, formId: string, raw: Record<string, string | string[]>) {
    const checked = await core.engine.validateAll(core.catalogue.spec(formId, actor), raw);
    if (!checked.ok) throw new Error(`${formId}: ${JSON.stringify(checked.errors)}`);
    return core.chat.submit(actor, formId, checked.values);
  }

  const practitionerActor = () =>
    core.users.resolve(
      {
        platform: 'slack',
        workspace: 'T1',
        platformUserId: slackPractitioner.user,
        displayName: 'Pat Example',
      },
      'slack',
    ) as Promise<Actor>;

  async function alertFor(recordId: string): Promise<string> {
    return (await database.db.alert.findFirstOrThrow({ where: { recordId } })).id;
  }

  /** Where an alert was posted, as the alert keeps it to update it in place. */
  async function postOf(alertId: string, platform: string, key: string): Promise<string> {
    const alert = await database.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    const posts = JSON.parse(alert.posts) as { platform: string; key: string; messageId: string }[];
    const found = posts.find((p) => p.platform === platform && p.key === key);
    if (!found) throw new Error(`${alertId} was not posted to ${platform} ${key}`);
    return found.messageId;
  }

  /** The Slack message an alert was posted as, in a channel, with its blocks. */
  async function slackPost(alertId: string, channel = SLACK_DUTY) {
    const call = slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === channel && JSON.stringify(c.args.blocks).includes(alertId));
    if (!call) throw new Error(`no Slack post of ${alertId} in ${channel}`);
    const ts = await postOf(alertId, 'slack', channel);
    return { channel, ts, blocks: call.args.blocks as unknown[], text: String(call.args.text) };
  }

  /** The Teams card an alert was posted as, in the duty channel, and its activity id. */
  async function teamsPost(alertId: string): Promise<{ call: ConnectorCall; id: string }> {
    const call = connector.calls.find(
      (c) =>
        c.method === 'POST' &&
        c.conversationId === teamsDutyChannel.id &&
        JSON.stringify(c.body).includes(alertId),
    );
    if (!call) throw new Error(`no Teams post of ${alertId}`);
    return { call, id: await postOf(alertId, 'teams', teamsDutyChannel.id) };
  }

  const buttonsOf = (blocks: unknown[]) =>
    (blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);

  // ---------------------------------------------------------------------------------------------

  it('makes duty channels: DUTY_SLACK_CHANNEL, "/met setup duty here" and "@metbot setup duty here" (admins only)', async () => {
    const duty = () =>
      database.db.chatAddress.findMany({
        where: { purpose: 'duty' },
        orderBy: [{ platform: 'asc' }, { key: 'asc' }],
      });
    expect((await duty()).map((row) => [row.platform, row.key, row.kind])).toEqual([
      ['slack', SLACK_DUTY, 'channel'],
    ]);

    await slackCommand('setup duty here', slackPractitioner, SLACK_SECOND);
    expect(String(slack.callsTo('chat.postEphemeral').at(-1)?.args.text)).toContain('only for admins');
    await slackCommand('setup duty here', slackAdmin, SLACK_SECOND);
    expect(String(slack.callsTo('chat.postEphemeral').at(-1)?.args.text)).toContain(
      'This channel will now get the duty alerts',
    );

    // Teams: the bot is added to the channel (its reference is stored), then an admin asks.
    await teamsSay(teamsAdmin, teamsDutyChannel, { type: 'conversationUpdate', membersAdded: [bot] });
    const thread = { ...teamsDutyChannel, id: `${teamsDutyChannel.id};messageid=1700000000001` };
    const refused = await teamsSay(teamsPractitioner, thread, mentionText('setup duty here'));
    expect(textOf(refused[0])).toContain('only for admins');
    const done = await teamsSay(teamsAdmin, thread, mentionText('setup duty here'));
    expect(textOf(done[0])).toContain('This channel will now get the duty alerts');

    const rows = await duty();
    expect(rows.map((row) => [row.platform, row.key, row.kind])).toEqual([
      ['slack', SLACK_DUTY, 'channel'],
      ['slack', SLACK_SECOND, 'channel'],
      ['teams', teamsDutyChannel.id, 'channel'],
    ]);
    const reference = JSON.parse(rows[2]!.address);
    expect(reference).toMatchObject({ serviceUrl: connector.url, conversation: { id: teamsDutyChannel.id } });
  });

  it('posts an alert with Acknowledge and View details to every duty channel on both platforms', async () => {
    const saved = await file(await practitionerActor(), 'intelligence', {
      immediateDanger: 'yes',
      'child.name': children.danger.name,
      'child.dateOfBirth': children.danger.dob[1]!,
      whatHappened: 'Threatened with a knife by an older man',
      where: 'Example Lane',
      whenHappened: 'This morning',
      howKnown: 'saw-it',
      sourceEvaluation: '1',
      intelligenceAssessment: 'A',
      handling: 'P',
      childAware: 'does-not-know',
    });
    alertIds.danger = await alertFor(saved.recordId);
    expect(await deliverAlerts()).toBe(1);

    for (const channel of [SLACK_DUTY, SLACK_SECOND]) {
      const posted = await slackPost(alertIds.danger, channel);
      expect(buttonsOf(posted.blocks)).toEqual([
        expect.objectContaining({ action_id: 'alert_ack', value: alertIds.danger }),
        expect.objectContaining({ action_id: 'alert_view', value: alertIds.danger }),
      ]);
      const shown = JSON.stringify(posted.blocks);
      expect(shown).toContain('Immediate danger reported');
      expect(shown).toContain(saved.reference);
      expect(shown).toContain('T.D.');
      expect(shown).toContain('just now');
    }

    const { call } = await teamsPost(alertIds.danger);
    const card = cardOf(call)!;
    expect(card.version).toBe('1.5');
    const actions = elements(card).filter((e) => e.type === 'Action.Submit');
    expect(actions.map((a) => [a.title, a.data])).toEqual([
      ['Acknowledge', { metbot: { alert: alertIds.danger, action: 'ack' } }],
      ['View details', { metbot: { alert: alertIds.danger, action: 'view' } }],
    ]);
    expect(JSON.stringify(card)).toContain(saved.reference);

    const alert = await database.db.alert.findUniqueOrThrow({ where: { id: alertIds.danger } });
    expect(
      JSON.parse(alert.posts).map((p: { platform: string; key: string }) => [p.platform, p.key]),
    ).toEqual(
      expect.arrayContaining([
        ['slack', SLACK_DUTY],
        ['slack', SLACK_SECOND],
        ['teams', teamsDutyChannel.id],
      ]),
    );
  });

  it('refuses a practitioner who presses Acknowledge, saying which roles may', async () => {
    const posted = await slackPost(alertIds.danger);
    const before = slack.calls.length;
    const sent = await slackInteract(messageButton(posted, 'alert_ack', slackPractitioner));
    expect(sent.status).toBe(200);
    const said = slack.calls.slice(before).filter((c) => c.method === 'chat.postEphemeral');
    expect(said).toHaveLength(1);
    expect(said[0]!.args).toMatchObject({ channel: SLACK_DUTY, user: slackPractitioner.user });
    expect(String(said[0]!.args.text)).toContain('acknowledging alerts is only for duty officers');
    expect(slack.calls.slice(before).some((c) => c.method === 'chat.update')).toBe(false);
    const alert = await database.db.alert.findUniqueOrThrow({ where: { id: alertIds.danger } });
    expect(alert.acknowledgedAt).toBeNull();
  });

  it('acknowledged in Slack, the alert is updated in place in Slack and in Teams', async () => {
    const posted = await slackPost(alertIds.danger);
    const slackBefore = slack.calls.length;
    const teamsBefore = connector.calls.length;
    expect((await slackInteract(messageButton(posted, 'alert_ack', slackDuty))).status).toBe(200);
    // The pressed copy changes at once.
    const quick = slack.calls.slice(slackBefore).filter((c) => c.method === 'chat.update');
    expect(quick.map((c) => [c.args.channel, c.args.ts])).toEqual([[SLACK_DUTY, posted.ts]]);

    // Then every copy, through the outbox's update.
    expect(await deliverAlerts()).toBe(1);
    const updates = slack.calls.slice(slackBefore).filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => [c.args.channel, c.args.ts])).toEqual(
      expect.arrayContaining([
        [SLACK_DUTY, posted.ts],
        [SLACK_SECOND, (await slackPost(alertIds.danger, SLACK_SECOND)).ts],
      ]),
    );
    for (const update of updates) {
      const blocks = update.args.blocks as unknown[];
      expect(JSON.stringify(blocks)).toContain('Acknowledged by Ada Example at 10:00');
      expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual(['alert_view']);
    }

    const { id } = await teamsPost(alertIds.danger);
    const puts = connector.calls.slice(teamsBefore).filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.conversationId, c.activityId])).toEqual([[teamsDutyChannel.id, id]]);
    const card = cardOf(puts[0])!;
    expect(JSON.stringify(card)).toContain('Acknowledged by Ada Example at 10:00');
    expect(
      elements(card)
        .filter((e) => e.type === 'Action.Submit')
        .map((a) => a.title),
    ).toEqual(['View details']);
  });

  it('"View details" in Slack opens a modal with the record for a duty officer, and refuses a practitioner', async () => {
    const posted = await slackPost(alertIds.danger);
    const before = slack.calls.length;
    const press = messageButton(posted, 'alert_view', slackDuty);
    await slackInteract(press);
    const calls = slack.calls.slice(before);
    expect(calls.map((c) => c.method)).toEqual(['views.open', 'views.update']);
    expect(calls[0]!.args.trigger_id).toBe(press.trigger_id);
    const modal = JSON.stringify(calls[1]!.args.view);
    expect(modal).toContain(children.danger.name);
    expect(modal).toContain('Threatened with a knife');
    expect(modal).toContain('Acknowledged by Ada Example');

    // Slack delivers the same press again: it is not handled twice.
    await slackInteract(press);
    expect(slack.calls.length).toBe(before + 2);

    await slackInteract(messageButton(posted, 'alert_view', slackPractitioner));
    const refused = JSON.stringify(slack.callsTo('views.update').at(-1)!.args.view);
    expect(refused).toContain("seeing a child's details is only for");
    expect(refused).not.toContain(children.danger.name);

    const audit = await database.db.auditEvent.findMany({
      where: { action: 'read', detail: 'alert immediate-danger' },
    });
    expect(audit).toHaveLength(1);
  });

  it('in Teams, Acknowledge updates every copy, and details go only to a personal chat', async () => {
    const saved = await file(await practitionerActor(), 'check-trafficking', {
      'child.name': children.trafficking.name,
      // Arrived recently, so the port of entry is asked.
      'context.arrival': 'recent',
      'indicators.community': [],
      'indicators.port-of-entry': ['no-passport-or-id'],
      'indicators.sponsor': [],
      'indicators.resident-in-uk': [],
      'indicators.internal': [],
    });
    alertIds.trafficking = await alertFor(saved.recordId);
    expect(await deliverAlerts()).toBe(1);
    const { id: cardId } = await teamsPost(alertIds.trafficking);
    const thread = { ...teamsDutyChannel, id: `${teamsDutyChannel.id};messageid=${cardId}` };
    const press = (who: TeamsPerson, action: 'ack' | 'view') =>
      teamsSay(who, thread, {
        value: { metbot: { alert: alertIds.trafficking, action } },
        replyToId: cardId,
      });

    const refused = await press(teamsPractitioner, 'ack');
    expect(textOf(refused[0])).toContain('acknowledging alerts is only for duty officers');

    // No personal chat yet: the details are not shown in the channel, nor read.
    const noChat = await press(teamsDuty, 'view');
    expect(noChat).toHaveLength(1);
    expect(textOf(noChat[0])).toContain('only shown in a personal chat');
    expect(JSON.stringify(noChat)).not.toContain(children.trafficking.name);

    await teamsSay(teamsDuty, personalChat(teamsDuty), { type: 'conversationUpdate', membersAdded: [bot] });
    const viewed = await press(teamsDuty, 'view');
    const toChat = viewed.find((c) => c.conversationId === personalChat(teamsDuty).id);
    expect(JSON.stringify(cardOf(toChat))).toContain(children.trafficking.name);
    const inChannel = viewed.filter((c) => c.conversationId.startsWith(teamsDutyChannel.id));
    expect(inChannel.map(textOf)).toEqual(['I have sent the details to our personal chat.']);

    const slackBefore = slack.calls.length;
    const acked = await press(teamsDuty, 'ack');
    // The pressed card is replaced at once; nothing is said in the channel.
    expect(acked.map((c) => [c.method, c.activityId])).toEqual([['PUT', cardId]]);
    expect(JSON.stringify(cardOf(acked[0]))).toContain('Acknowledged by Dee Example at 10:00');
    await deliverAlerts();
    const updates = slack.calls.slice(slackBefore).filter((c) => c.method === 'chat.update');
    expect(updates.map((c) => c.args.channel).sort()).toEqual([SLACK_DUTY, SLACK_SECOND]);
    expect(JSON.stringify(updates[0]!.args.blocks)).toContain('Acknowledged by Dee Example at 10:00');
  });

  it('never shows a child’s full name or date of birth in a channel, for every alert type', async () => {
    const actor = await practitionerActor();
    const missing = await file(actor, 'missing', {
      'child.name': children.missing.name,
      'child.inCare': 'yes',
      'child.dateOfBirth': children.missing.dob[1]!,
      missingFrom: 'care-residential',
      'lastSeen.at': '27/11/2026 21:30',
      'lastSeen.where': 'Example Park',
      description: 'Tall, blue hoodie',
      policeTold: 'yes',
    });
    alertIds.missing = await alertFor(missing.recordId);
    const cse = await file(actor, 'check-cse', {
      'child.name': children.cse.name,
      'child.ageYears': '14',
      'indicators.vulnerabilities': ['lives-in-care'],
      'indicators.moderate': ['truancy'],
      'indicators.significant': ['older-boyfriend', 'unexplained-gifts'],
      'indicators.exploitation-seen': ['disclosed-exploitation'],
      ownLevel: 'high',
      ownReason: 'Disclosed to a teacher',
    });
    alertIds.cse = await alertFor(cse.recordId);
    await deliverAlerts();

    const rules = await database.db.alert.findMany({ select: { rule: true } });
    expect(rules.map((r) => r.rule).sort()).toEqual([
      'immediate-danger',
      'missing-high-risk',
      'risk-check-high',
      'trafficking-indicator',
    ]);
    for (const id of Object.values(alertIds)) {
      await slackPost(id);
      await teamsPost(id);
    }

    const slackChannels = slack.calls.filter((c: WebApiCall) => /^[CG]/.test(String(c.args.channel ?? '')));
    const teamsChannel = connector.calls.filter((c) => c.conversationId.startsWith(teamsDutyChannel.id));
    expect(slackChannels.filter((c) => c.method === 'chat.postMessage')).toHaveLength(8);
    expect(teamsChannel.filter((c) => c.method === 'POST' && cardOf(c))).toHaveLength(4);
    const said = JSON.stringify([...slackChannels, ...teamsChannel]);
    for (const child of Object.values(children)) {
      expect(said).not.toContain(child.name);
      expect(said).not.toContain(child.name.split(' ')[1]);
      for (const dob of child.dob) expect(said).not.toContain(dob);
    }
  });

  it('tells a person in their Slack DM (a receipt), and in Teams only where there is a personal chat', async () => {
    const receipts = new ReceiptTransport(database.db, surfaces);
    const receipt = (userId: string): OutboxDelivery => ({
      id: 'r-1',
      destination: 'receipt',
      recordId: null,
      idempotencyKey: `receipt:${userId}`,
      attempt: 1,
      payload: {
        recordId: 'x',
        reference: 'INT-2026-000001',
        userId,
        destination: 'gateway-email',
        state: 'delivered',
      },
    });
    const userId = async (platform: string, platformUserId: string) =>
      (await database.db.user.findFirstOrThrow({ where: { platform, platformUserId } })).id;

    const before = slack.calls.length;
    expect(await receipts.send(receipt(await userId('slack', slackPractitioner.user)))).toEqual({ ok: true });
    const calls = slack.calls.slice(before);
    expect(calls.map((c) => [c.method, c.args.users ?? c.args.channel])).toEqual([
      ['conversations.open', slackPractitioner.user],
      ['chat.postMessage', SlackWebApiStandIn.dmOf(slackPractitioner.user)],
    ]);
    expect(String(calls[1]!.args.text)).toContain('INT-2026-000001 has reached the police');

    const teamsBefore = connector.calls.length;
    expect(await receipts.send(receipt(await userId('teams', teamsPractitioner.aadObjectId)))).toEqual({
      ok: true,
    });
    expect(connector.calls.length).toBe(teamsBefore);
    expect(await receipts.send(receipt(await userId('teams', teamsDuty.aadObjectId)))).toEqual({ ok: true });
    const told = connector.calls.slice(teamsBefore);
    expect(told.map((c) => [c.conversationId, textOf(c)])).toEqual([
      [
        personalChat(teamsDuty).id,
        "INT-2026-000001 has reached the police intelligence team's gateway. Thank you.",
      ],
    ]);
  });
});
