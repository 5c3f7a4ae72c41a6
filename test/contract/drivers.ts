import { terminalSession } from '../../adapters/console/session';
import type { Actor } from '../../src/access/actor';
import type { Role } from '../../src/domain/policy';
import type { WholeBot } from '../security/whole-bot';
import { commandBody, eventBody, send } from '../slack/slack-requests';
import { SlackWebApiStandIn, type WebApiCall } from '../slack/web-api-stand-in';
import {
  activity,
  type ConnectorCall,
  mentionText,
  type Place,
  personalChat,
  post,
  tenant,
} from '../teams/support';

/** Someone using metbot in a contract test; every name is invented. */
export interface Person {
  /** Unique within a test run: a Slack member id, a Teams object id, a terminal user id. */
  id: string;
  name: string;
  role: Role;
}

/**
 * How a contract test talks to one surface: words typed as a person types them, and what the
 * bot said back, as text. A surface is done when it passes test/contract/ with its driver.
 */
export interface SurfaceDriver {
  readonly name: 'terminal' | 'slack' | 'teams';
  /** Makes the person known to metbot with this role, as an admin's grant would. */
  enrol(person: Person): Promise<Actor>;
  /** Words typed in private (the terminal, a Slack DM, a Teams personal chat): the bot's answer. */
  say(person: Person, text: string): Promise<string>;
  /** Words where everyone present reads the answer (a Slack channel, a Teams channel). */
  inChannel?(person: Person, text: string): Promise<string>;
  /** The same message delivered twice, as the platform retries it: how many answers came. */
  deliveredTwice?(person: Person, text: string): Promise<number>;
}

/**
 * Every string under a `text` key, however deep (Block Kit blocks, Adaptive Card elements), and
 * each fact of an Adaptive Card's FactSet as a reader sees it ("Name: …").
 */
export function textsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsIn);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  if (typeof record.title === 'string' && typeof record.value === 'string')
    return [`${record.title}: ${record.value}`];
  return Object.entries(record).flatMap(([key, value]) =>
    key === 'text' && typeof value === 'string' ? [value] : textsIn(value),
  );
}

export function terminalDriver(whole: WholeBot): SurfaceDriver {
  const { core } = whole.bot;
  const sessions = new Map<string, ReturnType<typeof terminalSession>>();
  const enrol = async (person: Person) => {
    const actor = await core.users.ensure(
      { platform: 'console', workspace: 'local', platformUserId: person.id, displayName: person.name },
      person.role,
      'Example Agency',
      'console',
    );
    sessions.set(person.id, terminalSession(core, actor));
    return actor;
  };
  return {
    name: 'terminal',
    enrol,
    async say(person, text) {
      if (!sessions.has(person.id)) await enrol(person);
      return (await sessions.get(person.id)!.answer(text)).join('\n');
    },
  };
}

const SLACK_CHANNEL = 'C0CONTRACT';

export function slackDriver(whole: WholeBot): SurfaceDriver {
  const { slack, base, bot } = whole;
  const after = async (before: number, where: (call: WebApiCall) => boolean) => {
    await bot.idle();
    return slack.calls.slice(before).filter(where);
  };
  const toDm = (person: Person) => (call: WebApiCall) =>
    call.args.channel === SlackWebApiStandIn.dmOf(person.id) && call.method.startsWith('chat.');
  const dm = (person: Person, text: string, eventId?: string) =>
    eventBody(
      {
        type: 'message',
        channel: SlackWebApiStandIn.dmOf(person.id),
        channel_type: 'im',
        user: person.id,
        text,
        ts: `${Date.now() / 1000}`,
      },
      eventId,
    );
  const deliver = async (body: string, headers: Record<string, string> = {}) => {
    const sent = await send(base, body, 'application/json', { headers });
    if (sent.status !== 200) throw new Error(`Slack event answered ${sent.status}`);
  };
  return {
    name: 'slack',
    enrol: (person) =>
      bot.core.users.ensure(
        { platform: 'slack', workspace: 'T1', platformUserId: person.id, displayName: person.name },
        person.role,
        'Example Agency',
        'slack',
      ),
    async say(person, text) {
      const before = slack.calls.length;
      await deliver(dm(person, text));
      return (await after(before, toDm(person))).flatMap((call) => textsIn(call.args)).join('\n');
    },
    async inChannel(person, text) {
      const before = slack.calls.length;
      const body = commandBody(
        text,
        { user: person.id },
        SLACK_CHANNEL,
        `${slack.url}/respond/${SLACK_CHANNEL}`,
      );
      const sent = await send(base, body, 'application/x-www-form-urlencoded');
      if (sent.status !== 200) throw new Error(`/met answered ${sent.status}`);
      const posted = await after(
        before,
        (call) => call.method === 'response_url' || /^[CG]/.test(String(call.args.channel ?? '')),
      );
      // An acknowledgement's own body is shown in the channel too.
      return [sent.text, ...posted.flatMap((call) => textsIn(call.args))].join('\n');
    },
    async deliveredTwice(person, text) {
      const before = slack.calls.length;
      const body = dm(person, text, `EvTwice${Date.now()}`);
      await deliver(body);
      await deliver(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      return (await after(before, toDm(person))).filter((call) => call.method === 'chat.postMessage').length;
    },
  };
}

const teamsChannel: Place = { id: '19:contract@thread.tacv2', type: 'channel' };

export function teamsDriver(whole: WholeBot): SurfaceDriver {
  const { connector, base, bot } = whole;
  const teamsPerson = (person: Person) => ({
    id: `29:${person.id}`,
    aadObjectId: person.id,
    name: person.name,
  });
  const textOf = (calls: ConnectorCall[]) =>
    calls.flatMap((call) => textsIn({ text: call.body.text, attachments: call.body.attachments })).join('\n');
  /**
   * The bot's answers in the place the words were said. Only that place counts: a receipt the
   * outbox sends someone else meanwhile ("MIS-… has reached the police") is not an answer.
   */
  const deliver = async (body: Record<string, unknown>, place: Place) => {
    const before = connector.calls.length;
    const response = await post(`${base}/api/messages`, body);
    if (response.status !== 200) throw new Error(`/api/messages answered ${response.status}`);
    await bot.idle();
    return connector.calls.slice(before).filter((call) => call.conversationId.startsWith(place.id));
  };
  return {
    name: 'teams',
    enrol: (person) =>
      bot.core.users.ensure(
        { platform: 'teams', workspace: tenant, platformUserId: person.id, displayName: person.name },
        person.role,
        'Example Agency',
        'teams',
      ),
    async say(person, text) {
      const who = teamsPerson(person);
      const place = personalChat(who);
      return textOf(await deliver(activity(connector.url, who, place, { text }), place));
    },
    async inChannel(person, text) {
      const who = teamsPerson(person);
      return textOf(
        await deliver(activity(connector.url, who, teamsChannel, mentionText(text)), teamsChannel),
      );
    },
    async deliveredTwice(person, text) {
      const who = teamsPerson(person);
      const place = personalChat(who);
      const once = activity(connector.url, who, place, { text });
      return (await deliver(once, place)).length + (await deliver(once, place)).length;
    },
  };
}

export const driversOf = (whole: WholeBot): SurfaceDriver[] => [
  terminalDriver(whole),
  slackDriver(whole),
  teamsDriver(whole),
];
