import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackFeature, createSlackSurface } from '../../adapters/slack/index';
import { readSlackSettings } from '../../adapters/slack/settings';
import { ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import { testCipher } from '../support/keys';
import { SlackHarness } from './harness';
import { SIGNING_SECRET, send } from './slack-requests';

const practitioner = { user: 'UPRAC', name: 'tester.practitioner' };
const duty = { user: 'UDUTY', name: 'tester.duty' };
const nineAm = Date.UTC(2026, 10, 28, 9, 0) / 1000;

/** Log lines, parsed, to check what was logged (and what was not). */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

async function fillMissing(h: SlackHarness, who: typeof practitioner, name: string) {
  await h.command('missing', who, 'C1');
  const modal = h.openedModal(who);
  await modal.submit({ 'child.name': name, 'child.inCare': 'yes' });
  const lastSeen = {
    missingFrom: 'home',
    'lastSeen.at': nineAm,
    'lastSeen.where': 'Example Road',
    description: 'Blue coat',
    policeTold: 'no',
  };
  await modal.choose('policeTold', lastSeen);
  const policeStep = JSON.stringify(modal.view);
  await modal.submit(lastSeen);
  await modal.submit({ 'child.ageYears': '14' });
  await modal.submit({});
  const summary = await modal.submit({});
  return { modal, summary, policeStep };
}

describe('Slack surface', () => {
  let h: SlackHarness;
  let logged: ReturnType<typeof capture>;
  beforeAll(async () => {
    logged = capture();
    h = await SlackHarness.start('sqlite', logged.log);
    await h.person(practitioner.user, 'practitioner');
    await h.person(duty.user, 'duty-officer');
  });
  afterAll(() => h.stop());

  it('escapes what people typed, so a name cannot ping the channel, mention someone or hide a link', async () => {
    const hostile = 'Testchild <!channel> <@U999> <https://evil.example|Example>';
    const { modal, summary, policeStep } = await fillMissing(h, practitioner, hostile);
    expect(summary.response_action).toBe('update');
    const shown = JSON.stringify(summary.view);
    expect(shown).toContain('Testchild &lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.example|Example&gt;');
    expect(shown).not.toContain('<!channel>');
    // "Police told: no" shows the 999 notice at once.
    expect(policeStep).toContain('Please call 999 now');
    await modal.submit();
    const texts = h.slack.calls.map((call) => JSON.stringify(call.args));
    expect(texts.some((text) => /<!channel>|<@U999>|<https:\/\/evil/.test(text))).toBe(false);
  });

  it('retries a 429 (after Retry-After) and a 500 from the Web API, and answers once', async () => {
    h.slack.fail('chat.postEphemeral', { status: 429, retryAfter: 0 }, { status: 500 });
    const before = h.slack.callsTo('chat.postEphemeral').length;
    await h.command('mine', practitioner, 'C1');
    expect(h.slack.callsTo('chat.postEphemeral').length).toBe(before + 3);
  });

  it('answers every command that help lists, not help again (/met figures, /met history)', async () => {
    await h.command('figures', duty, 'C1');
    const figures = String(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text);
    expect(figures).not.toContain('If a child is in immediate danger, call 999 now.');
    await h.command('history MIS-2026-999999', duty, 'C1');
    const history = String(h.slack.callsTo('chat.postEphemeral').at(-1)!.args.text);
    expect(history).not.toContain('If a child is in immediate danger, call 999 now.');
    expect(history).not.toBe(figures);
  });

  it('answers by the response URL where the bot cannot post (not in the channel)', async () => {
    h.slack.fail('chat.postEphemeral', { error: 'channel_not_found' });
    await h.command('mine', practitioner, 'G1');
    const answered = h.slack.callsTo('response_url').at(-1)!;
    expect(answered.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answered.args.text)).toContain('What you have sent');
  });

  it('logs a confirmation it could not send, with the reference, and still keeps the record', async () => {
    const { modal } = await fillMissing(h, practitioner, 'Testchild Example');
    h.slack.fail('chat.postMessage', { error: 'channel_not_found' });
    expect(await modal.submit()).toEqual({ response_action: 'clear' });
    const record = await h.database.db.record.findFirst({
      where: { type: 'missing' },
      orderBy: { createdAt: 'desc' },
    });
    const line = logged.lines.find(
      (l) => l.reference === record!.reference && /DM failed/.test(String(l.msg)),
    );
    expect(line).toBeDefined();
    expect(JSON.stringify(logged.lines)).not.toContain('Testchild');
  });

  it('shows App Home: submissions for everyone; due and missing now, with names, for a duty officer', async () => {
    const open = (user: string) => ({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' });
    await h.event(open(practitioner.user));
    const mine = JSON.stringify(h.slack.callsTo('views.publish').at(-1)!.args);
    expect(mine).toContain('What you have sent');
    expect(mine).toContain('MIS-2026-');
    expect(mine).not.toContain('Missing now');
    await h.event(open(duty.user));
    const published = h.slack.callsTo('views.publish').at(-1)!.args;
    expect(published.user_id).toBe(duty.user);
    const theirs = JSON.stringify(published);
    expect(theirs).toContain('Return interviews due');
    expect(theirs).toContain('Missing now');
    expect(theirs).toContain('Testchild Example');
    const before = h.slack.callsTo('views.publish').length;
    await h.event({ ...open(duty.user), tab: 'messages' });
    expect(h.slack.callsTo('views.publish').length).toBe(before);
  });

  it('turns a message into intelligence with the message shortcut, text and link filled in', async () => {
    await h.interact({
      type: 'message_action',
      callback_id: 'share_as_intelligence',
      trigger_id: `${Date.now()}.1.shortcut`,
      team: { id: 'T1', domain: 'example' },
      user: { id: practitioner.user, name: practitioner.name, team_id: 'T1' },
      channel: { id: 'C9', name: 'safeguarding' },
      message: {
        type: 'message',
        user: 'U5',
        ts: '1700000000.000200',
        text: 'Seen &amp; heard: a car &lt;AB12&gt;',
      },
      response_url: `${h.slack.url}/respond/C9`,
    });
    const modal = h.openedModal(practitioner);
    expect(modal.view.title.text).toBe('Share intelligence');
    await modal.submit({ immediateDanger: 'no', 'child.name': 'Testchild Example' });
    const narrative = modal.view.blocks.find((b) => b.block_id === 'whatHappened')!;
    const prefilled = String(narrative.element!.initial_value);
    expect(prefilled).toContain('Seen & heard: a car <AB12>');
    expect(prefilled).toContain('https://example.slack.com/archives/C9/p1700000000000200');
  });

  it('takes intelligence about a place with no child named in the modal, with no child question (issue 16)', async () => {
    await h.command('intel', practitioner, 'C1');
    const modal = h.openedModal(practitioner);
    expect(modal.fields).toContain('child.name');
    await modal.choose('about', { immediateDanger: 'no', about: 'place' });
    expect(modal.fields).toEqual(['immediateDanger', 'about']);
    await modal.submit({ immediateDanger: 'no', about: 'place' });
    await modal.submit({
      whatHappened: 'Older men take girls into the flat.',
      where: 'Example Road',
      whenHappened: 'Friday nights',
      howKnown: 'saw-it',
    });
    const seen: string[] = [...modal.fields];
    await modal.submit({});
    seen.push(...modal.fields);
    expect(modal.fields).toContain('placeList');
    // Left out, the place is asked for at once, beside its question.
    expect(await modal.submit({})).toEqual({
      response_action: 'errors',
      errors: { placeList: 'Please give the place this is about.' },
    });
    await modal.submit({ placeList: 'The flat above the chip shop, PO1 2AB' });
    const grading = { sourceEvaluation: '2', intelligenceAssessment: 'A', handling: 'P' };
    let answer: Record<string, unknown> = {};
    for (let step = 0; step < 4 && answer.response_action !== 'clear'; step += 1) {
      seen.push(...modal.fields);
      // A view shows what was typed before; the stand-in sends back only what it is given.
      answer = await modal.submit(modal.fields.includes('handling') ? grading : {});
    }
    expect(answer, JSON.stringify(answer).slice(0, 400)).toEqual({ response_action: 'clear' });
    expect(seen.filter((field) => /^(child\.|associates|childAware|sharingBasis)/.test(field))).toEqual([]);
    const [saved] = await h.database.db.record.findMany({
      where: { type: 'intelligence' },
      orderBy: { reference: 'desc' },
      take: 1,
    });
    expect(saved).toMatchObject({ type: 'intelligence', childId: null });
  });

  it("answers Slack's URL check when the request URL is saved in the app's settings", async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'challenge-123', type: 'url_verification' });
    const sent = await send(h.url, body, 'application/json');
    expect(sent.status).toBe(200);
    expect(sent.json()).toEqual({ challenge: 'challenge-123' });
  });

  it('goes Back one step at a time in a five-step modal, keeping what was typed (issue 15, item 10)', async () => {
    await h.command('missing', practitioner, 'C1');
    const modal = h.openedModal(practitioner);
    const shown = () => modal.stepTitle.replace(/^Step \d+ of \d+: /, '');
    expect(modal.view.blocks.some((b) => b.block_id === 'metbot_nav')).toBe(false);
    await modal.submit({ 'child.name': 'Testchild Example', 'child.inCare': 'no' });
    await modal.submit({
      missingFrom: 'home',
      'lastSeen.at': nineAm,
      'lastSeen.where': 'Example Road',
      description: 'Blue coat',
      policeTold: 'no',
    });
    await modal.submit({ 'child.ageYears': '14' });
    expect(modal.stepTitle).toBe('Step 4 of 5: Where they may be');
    // Typed on step 4 but not sent: Back keeps it.
    await modal.back({ phone: '07700 900123' });
    expect(shown()).toBe('More about the child');
    expect(modal.view.blocks.find((b) => b.block_id === 'child.ageYears')?.element?.initial_value).toBe('14');
    await modal.back({ 'child.ageYears': '14' });
    expect(shown()).toBe('Last seen and police');
    await modal.back();
    expect(shown()).toBe('The child');
    expect(modal.view.blocks.some((b) => b.block_id === 'metbot_nav')).toBe(false);
    // Forward again to the summary, then Back from it to the last step.
    await modal.submit({ 'child.name': 'Testchild Example', 'child.inCare': 'no' });
    expect(shown()).toBe('Last seen and police');
    await modal.submit({
      missingFrom: 'home',
      'lastSeen.at': nineAm,
      'lastSeen.where': 'Example Road',
      description: 'Blue coat',
      policeTold: 'no',
    });
    await modal.submit({ 'child.ageYears': '14' });
    const kept = modal.view.blocks.find((b) => b.block_id === 'phone')?.element?.initial_value;
    expect(kept).toBe('07700 900123');
    await modal.submit({ phone: '07700 900123' });
    const summary = await modal.submit({});
    expect(String(summary.view && (summary.view as { callback_id: string }).callback_id)).toBe(
      'metbot:summary',
    );
    await modal.back();
    expect(shown()).toBe('Known risks');
    // One view throughout: Slack's own close button cancels, it never lands on an older step.
    expect(modal.depth).toBe(1);
    expect((modal.view.close as { text: string }).text).toBe('Cancel');
  });

  it('tells the user when a form has gone (expired or unknown draft)', async () => {
    await h.command('missing', practitioner, 'C1');
    const modal = h.openedModal(practitioner);
    modal.view = { ...modal.view, private_metadata: '00000000-0000-0000-0000-000000000000' };
    const answer = await modal.submit({ 'child.name': 'Testchild Example', 'child.inCare': 'no' });
    expect(answer.response_action).toBe('update');
    expect(JSON.stringify(answer.view)).toContain('no longer open');
  });
});

describe('Slack settings', () => {
  const deps = async () => {
    const { createTestCore } = await import('../support/core');
    const { core, database } = await createTestCore('sqlite');
    return { core, database, cipher: testCipher(), log: createLogger('silent'), config: {} as never };
  };

  it('is off, saying what turns it on, when neither secret is set', async () => {
    const d = await deps();
    const result = await createSlackFeature({ ...d, env: {} });
    expect(result).toEqual({
      on: false,
      name: 'slack',
      why: expect.stringContaining('SLACK_SIGNING_SECRET'),
    });
    await d.database.destroy();
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not'],
    [
      { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxp-1' },
      'SLACK_BOT_TOKEN must be a bot token starting xoxb-',
    ],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_APP_TOKEN is set but'],
    [{ DUTY_SLACK_CHANNEL: 'C0DUTY' }, 'DUTY_SLACK_CHANNEL is set but Slack is off'],
    [
      { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', DUTY_SLACK_CHANNEL: '#duty' },
      'DUTY_SLACK_CHANNEL must be a channel id like C0123ABCD',
    ],
  ])('stops start-up with one clear line for %o', async (env, message) => {
    const d = await deps();
    const attempt = Promise.resolve().then(() => createSlackFeature({ ...d, env }));
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
    await d.database.destroy();
  });

  it('takes SLACK_API_URL over https, or over http only on a loopback address (issue 17)', () => {
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' };
    for (const url of [
      'https://slack.com/api/',
      'https://proxy.example/api/',
      'http://127.0.0.1:9/api/',
      'http://[::1]:9/api/',
    ]) {
      expect(readSlackSettings({ ...env, SLACK_API_URL: url })?.apiUrl).toBe(url);
    }
    for (const url of [
      'http://slack.com/api/',
      'http://proxy.example/api/',
      'http://localhost:9/api/',
      'http://10.0.0.1/api/',
    ]) {
      expect(() => readSlackSettings({ ...env, SLACK_API_URL: url })).toThrow(
        `Invalid setting: SLACK_API_URL must be an https URL ending /api/ (http:// only on a loopback address: 127.0.0.1 or [::1]) (it is "${url}")`,
      );
    }
  });

  it('asks Slack who the bot is when its ids are not set', async () => {
    const d = await deps();
    const { SlackWebApiStandIn } = await import('./web-api-stand-in');
    const slack = await new SlackWebApiStandIn().start();
    const env = {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_API_URL: slack.apiUrl,
    };
    const result = await createSlackFeature({ ...d, env });
    expect(result.on).toBe(true);
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    await slack.stop();
    await d.database.destroy();
  });

  it('builds a Socket Mode app, with no HTTP route, when an app-level token is set', async () => {
    const d = await deps();
    const settings = {
      signingSecret: 's',
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      botId: 'B',
      botUserId: 'U',
    };
    const { feature } = createSlackSurface(d, settings, {});
    expect(feature.name).toBe('slack (Socket Mode)');
    const routes: unknown[] = [];
    feature.mount?.({ use: (...args: unknown[]) => routes.push(args) } as never);
    expect(routes).toEqual([]);
    await d.database.destroy();
  });
});
