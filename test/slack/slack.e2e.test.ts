import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDisplayName } from '../../src/store/staff-names';
import { providers } from '../support/databases';
import { SlackHarness } from './harness';
import { commandBody, eventBody, send, signature } from './slack-requests';
import { SlackWebApiStandIn } from './web-api-stand-in';

const CHILD = 'Testchild Example';
const practitioner = { user: 'UPRAC', name: 'tester.practitioner' };
const metMember = { user: 'UMET', name: 'tester.met' };

/** 09:00 London time on the test clock's day (2026-11-28, GMT), as Slack's datetimepicker gives it. */
const nineAm = Date.UTC(2026, 10, 28, 9, 0) / 1000;

describe.each(providers)('Slack, end to end over HTTP (%s)', (provider) => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await SlackHarness.start(provider);
    await h.person(practitioner.user, 'practitioner');
    await h.person(metMember.user, 'met-member');
  });
  afterAll(() => h.stop());

  it('answers a signed /met help at once, in the acknowledgement, naming the jobs, only to the asker', async () => {
    const before = h.slack.calls.length;
    const sent = await h.command('help', practitioner, 'C1');
    expect(sent.status).toBe(200);
    const answer = sent.json<{ response_type: string; text: string; blocks: unknown[] }>();
    expect(answer.response_type).toBe('ephemeral');
    for (const job of ['intel', 'missing', 'found', 'check', 'due', 'list', 'mine']) {
      expect(answer.text).toContain(`*${job}*`);
    }
    expect(answer.blocks.length).toBeGreaterThan(0);
    expect(h.slack.calls.length).toBe(before);
  });

  it('acknowledges other subcommands at once and answers after, as an ephemeral message', async () => {
    const sent = await h.command('mine', practitioner, 'C1');
    expect(sent.status).toBe(200);
    expect(sent.text).toBe('');
    const answer = h.slack.callsTo('chat.postEphemeral').at(-1)!;
    expect(answer.args).toMatchObject({ channel: 'C1', user: practitioner.user });
    expect(answer.args.text).toContain('What you have sent');
  });

  it('says it did not understand a subcommand it does not know, and points to help', async () => {
    const sent = await h.command('make tea', practitioner, 'C1');
    expect(sent.status).toBe(200);
    await h.idle();
    const answer = String(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text);
    expect(answer).toContain('Sorry, I did not understand that. Type *help*');
  });

  it('refuses unsigned, wrongly signed and 10-minute-old requests with 401, and answers none of them', async () => {
    const before = h.slack.calls.length;
    const body = commandBody('help', practitioner, 'C1');
    const form = 'application/x-www-form-urlencoded';
    expect((await send(h.url, body, form, { sign: false })).status).toBe(401);
    expect(
      (await send(h.url, body, form, { sign: signature(body, Date.now() / 1000, 'wrong') })).status,
    ).toBe(401);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    expect((await send(h.url, body, form, { timestamp: tenMinutesAgo })).status).toBe(401);
    await h.idle();
    expect(h.slack.calls.length).toBe(before);
  });

  it.each([
    ['{"type": "event_callback", ', 'application/json'],
    ['payload=%7Bnot-json', 'application/x-www-form-urlencoded'],
    ['null', 'application/json'],
    ['[]', 'application/json'],
    ['{}', 'application/json'],
    ['{"type":"event_callback","event":null}', 'application/json'],
    ['payload=null', 'application/x-www-form-urlencoded'],
    ['command=%2Fmet', 'application/x-www-form-urlencoded'],
  ])('refuses a signed but malformed body with 400: %s', async (body, type) => {
    const before = h.slack.calls.length;
    const sent = await send(h.url, body, type);
    expect(sent.status).toBe(400);
    expect(sent.text).toBe('');
    await h.idle();
    expect(h.slack.calls.length).toBe(before);
  });

  it('/met missing opens the form as a modal with the command trigger', async () => {
    await h.command('missing', practitioner, 'C1');
    const opened = h.slack.callsTo('views.open').at(-1)!;
    expect(opened.args.trigger_id).toMatch(/abcdef/);
    const view = opened.args.view as { title: { text: string }; private_metadata: string };
    expect(view.title.text).toBe('Report a child missing');
    expect(view.private_metadata).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fills the missing form in a modal: a wrong date is refused inline, a complete one is saved and confirmed', async () => {
    await h.command('missing', practitioner, 'C1');
    const modal = h.openedModal(practitioner);
    // The required questions come first; every step is the same view, updated in place.
    expect(modal.fields).toEqual(['child.name', 'child.inCare']);
    expect(await modal.submit({ 'child.name': CHILD, 'child.inCare': 'no' })).toMatchObject({
      response_action: 'update',
    });

    expect(modal.fields).not.toContain('placeName');
    await modal.choose('missingFrom', { missingFrom: 'care-foster' });
    expect(modal.fields).toContain('placeName');
    const lastSeen = {
      missingFrom: 'care-foster',
      placeName: 'Example House',
      'lastSeen.at': nineAm,
      'lastSeen.where': 'Example Road bus stop',
      description: 'Tall, red coat',
      policeTold: 'yes',
    };
    await modal.choose('policeTold', lastSeen);
    expect(modal.fields).toContain('policeReference');
    expect(await modal.submit({ ...lastSeen, policeReference: '44260012345' })).toMatchObject({
      response_action: 'update',
    });

    const wrong = await modal.submit({ 'child.dateOfBirth': '2030-01-01' });
    expect(wrong).toEqual({
      response_action: 'errors',
      errors: { 'child.dateOfBirth': 'That date is in the future.' },
    });
    // Picking a date of birth hides "Age" at once (dispatch_action, then views.update).
    expect(modal.fields).toContain('child.ageYears');
    await modal.choose('child.dateOfBirth', { 'child.dateOfBirth': '2012-03-14' });
    expect(modal.fields).not.toContain('child.ageYears');
    expect(await modal.submit({ 'child.dateOfBirth': '2012-03-14' })).toMatchObject({
      response_action: 'update',
    });
    expect(await modal.submit({})).toMatchObject({ response_action: 'update' });
    const summary = await modal.submit({});
    expect(summary.response_action).toBe('update');
    expect(JSON.stringify(summary.view)).toContain(CHILD);
    expect(modal.depth).toBe(1);

    const closed = await modal.submit();
    expect(closed).toEqual({ response_action: 'clear' });

    const records = await h.database.db.record.findMany({ where: { type: 'missing' } });
    const saved = records.at(-1)!;
    expect(saved.reference).toMatch(/^MIS-2026-\d{6}$/);
    const episode = await h.database.db.missingEpisode.findUnique({ where: { missingRecordId: saved.id } });
    expect(episode).toMatchObject({ missingFrom: 'care-foster' });
    // Sealed in the row, bound to it (issue 17).
    expect(episode!.policeReference).not.toContain('44260012345');
    expect(h.cipher.open('MissingEpisode', 'policeReference', episode!.id, episode!.policeReference!)).toBe(
      '44260012345',
    );
    const confirmation = h.slack.callsTo('chat.postMessage').at(-1)!;
    expect(confirmation.args.channel).toBe(practitioner.user);
    expect(confirmation.args.text).toContain(`Saved as ${saved.reference}`);
    const draft = `modal:${modal.view.private_metadata}`;
    expect(await h.database.db.conversation.count({ where: { channel: draft } })).toBe(0);
  });

  it('files a missing notification through a DM conversation, step by step', async () => {
    const lines = [
      'missing',
      CHILD,
      'no',
      '1',
      'today 09:00',
      'Example Road bus stop',
      'Tall, red coat',
      'yes',
      'skip all',
      'send',
    ];
    const before = h.slack.callsTo('chat.postMessage').length;
    for (const line of lines) await h.dm(practitioner, line);
    const answers = h.slack.callsTo('chat.postMessage').slice(before);
    expect(answers).toHaveLength(lines.length);
    expect(answers.every((call) => call.args.channel === SlackWebApiStandIn.dmOf(practitioner.user))).toBe(
      true,
    );
    expect(answers[1]!.args.text).toContain('Is the child in care?');
    const done = String(answers.at(-1)!.args.text);
    const reference = /Saved as (MIS-2026-\d{6})/.exec(done)?.[1];
    expect(reference).toBeDefined();
    const record = await h.database.db.record.findUnique({ where: { reference: reference! } });
    expect(record?.type).toBe('missing');
  });

  it('answers an event once when Slack delivers it twice (the second with X-Slack-Retry-Num: 1)', async () => {
    const before = h.slack.callsTo('chat.postMessage').length;
    const event = {
      type: 'message',
      channel: SlackWebApiStandIn.dmOf(practitioner.user),
      channel_type: 'im',
      user: practitioner.user,
      text: 'help',
      ts: '1700000001.000100',
    };
    const body = eventBody(event, 'EvRetried1');
    expect((await send(h.url, body, 'application/json')).status).toBe(200);
    await h.idle();
    const retry = await send(h.url, body, 'application/json', {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await h.idle();
    expect(h.slack.callsTo('chat.postMessage').length).toBe(before + 1);
  });

  it('never enrols a Slack Connect guest (a DM from a user of another team), though it enrols the home team', async () => {
    const before = h.slack.callsTo('chat.postMessage').length;
    await h.dm({ user: 'UGUEST' }, 'help', undefined, { user_team: 'T0OTHER' });
    await h.dm({ user: 'UHOME' }, 'help', undefined, { user_team: 'T1' });
    const told = h.slack.callsTo('chat.postMessage').slice(before);
    expect(told[0]!.args.text).toContain('I do not know you yet');
    expect(told[1]!.args.text).not.toContain('I do not know you yet');
    const users = await h.database.db.user.findMany({
      where: { platformUserId: { in: ['UGUEST', 'UHOME'] } },
    });
    expect(users.map((user) => [user.workspace, user.platformUserId])).toEqual([['T1', 'UHOME']]);
  });

  it('lets an admin grant a role to a mentioned person the bot has not met; it applies when they first speak, named from users.info', async () => {
    await h.person('UADMIN', 'admin', 'Ada Admin');
    const before = h.slack.callsTo('chat.postMessage').length;
    await h.dm({ user: 'UADMIN' }, 'admin grant <@UNEWADMIN> admin');
    const granted = h.slack.callsTo('chat.postMessage').slice(before);
    expect(String(granted[0]!.args.text)).toContain(
      '@UNEWADMIN will be an admin when they first speak to me.',
    );
    expect(String(granted[0]!.args.text)).not.toContain('Admin commands:');
    // They first speak with a slash command, which carries their handle: the profile's name wins.
    await h.command(
      'admin deadletters',
      { user: 'UNEWADMIN', name: 'new.admin' },
      SlackWebApiStandIn.dmOf('UNEWADMIN'),
    );
    const user = await h.database.db.user.findFirstOrThrow({ where: { platformUserId: 'UNEWADMIN' } });
    // The stand-in's users.info: display name "Tester", real name "Tester Example".
    expect(user).toMatchObject({ workspace: 'T1', role: 'admin' });
    // The name is sealed in the row (issue 17): opened, it is the profile's.
    expect(user.displayName).not.toContain('Tester');
    expect(openDisplayName(h.cipher, user)).toBe('Tester');
    expect(await h.database.db.pendingGrant.count()).toBe(0);
  });

  it("does not answer a bot's message, its own, or an edit", async () => {
    const before = h.slack.calls.length;
    await h.dm(practitioner, 'help', undefined, { bot_id: 'BOTHER', subtype: 'bot_message' });
    await h.dm(practitioner, 'help', undefined, { bot_id: 'BOTHER' });
    await h.dm({ user: 'UBOT' }, 'help', undefined, { bot_id: 'BBOT' });
    await h.dm(practitioner, 'help', undefined, { subtype: 'message_changed' });
    expect(h.slack.calls.length).toBe(before);
  });

  it("never sends a child's full name to a channel, but shows it to a MET member in their DM with the bot", async () => {
    for (const ask of ['missing now', 'list', 'due', 'mine', 'check']) {
      await h.command(ask, metMember, 'C1');
      await h.command(ask, practitioner, 'C2');
    }
    const toChannels = h.callsToChannels();
    expect(toChannels.length).toBeGreaterThanOrEqual(10);
    const missingNow = toChannels.filter((call) => String(call.args.text).includes('Missing now'));
    expect(missingNow.length).toBeGreaterThan(0);
    expect(String(missingNow[0]!.args.text)).toContain('T.E.');
    for (const call of toChannels) expect(JSON.stringify(call.args)).not.toContain('Testchild');

    await h.command('missing now', metMember, SlackWebApiStandIn.dmOf(metMember.user));
    expect(String(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text)).toContain(CHILD);
  });
});
