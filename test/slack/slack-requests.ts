import { createHmac } from 'node:crypto';

/** What Slack sends, signed as Slack signs it: v0 HMAC-SHA256 of `v0:timestamp:body`. */
export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface Sent {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface SendOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** false sends no signature; a string sends that signature. */
  sign?: boolean | string;
  headers?: Record<string, string>;
}

export async function send(
  url: string,
  body: string,
  contentType: string,
  options: SendOptions = {},
): Promise<Sent> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (options.sign !== false) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] =
      typeof options.sign === 'string' ? options.sign : signature(body, timestamp);
  }
  const response = await fetch(`${url}/slack/events`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

export interface Person {
  user: string;
  name?: string;
  team?: string;
}

let triggers = 0;
export const newTrigger = () => `${Date.now()}.${++triggers}.abcdef0123456789`;

/** A slash command, form-encoded as Slack posts it. */
export function commandBody(text: string, who: Person, channel: string, responseUrl?: string): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: who.team ?? 'T1',
    team_domain: 'example',
    channel_id: channel,
    channel_name: channel.startsWith('D') ? 'directmessage' : 'general',
    user_id: who.user,
    user_name: who.name ?? 'tester',
    command: '/met',
    text,
    api_app_id: 'A1',
    response_url: responseUrl ?? 'https://hooks.slack.com/commands/T1/1/x',
    trigger_id: newTrigger(),
  }).toString();
}

/** An interaction (`payload=` JSON, form-encoded). */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

let events = 0;
/** An Events API callback. */
export function eventBody(event: Record<string, unknown>, eventId = `Ev${++events}`, team = 'T1'): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: team,
    api_app_id: 'A1',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: 'UBOT', is_bot: true }],
  });
}

// ------------------------------------------------------------------------------------------------
// Views as Slack holds them, and the state a person's answers give them.

export interface OpenView {
  id: string;
  hash: string;
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: Block[];
  [key: string]: unknown;
}

export interface Block {
  type: string;
  block_id?: string;
  element?: {
    type: string;
    action_id: string;
    options?: { text: { text: string }; value: string }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type Answers = Record<string, string | string[] | number>;

/** view.state.values for these answers (every input present, unanswered ones empty, as Slack does). */
export function stateFor(view: OpenView, answers: Answers) {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const { type, action_id, options = [] } = block.element;
    const given = answers[block.block_id];
    const pick = (value: string) => {
      const found = options.find((o) => o.value === value);
      if (!found) throw new Error(`${block.block_id}: no option ${value}`);
      return found;
    };
    let state: Record<string, unknown>;
    switch (type) {
      case 'radio_buttons':
      case 'static_select':
        state = { selected_option: given === undefined ? null : pick(String(given)) };
        break;
      case 'checkboxes':
      case 'multi_static_select':
        state = { selected_options: ((given as string[] | undefined) ?? []).map(pick) };
        break;
      case 'datepicker':
        state = { selected_date: given ?? null };
        break;
      case 'datetimepicker':
        state = { selected_date_time: given ?? null };
        break;
      default:
        state = { value: given === undefined ? null : String(given) };
    }
    values[block.block_id] = { [action_id]: { type, ...state } };
  }
  return { values };
}

export function viewSubmission(view: OpenView, answers: Answers, who: Person) {
  return {
    type: 'view_submission',
    team: { id: who.team ?? 'T1', domain: 'example' },
    user: {
      id: who.user,
      username: who.name ?? 'tester',
      name: who.name ?? 'tester',
      team_id: who.team ?? 'T1',
    },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: newTrigger(),
    view: { ...view, state: stateFor(view, answers), team_id: 'T1', app_id: 'A1', bot_id: 'BBOT' },
  };
}

export function blockAction(view: OpenView, field: string, answers: Answers, who: Person) {
  const block = view.blocks.find((b) => b.block_id === field);
  if (!block?.element) throw new Error(`no input ${field} in the view`);
  const state = stateFor(view, answers);
  return {
    type: 'block_actions',
    team: { id: who.team ?? 'T1', domain: 'example' },
    user: {
      id: who.user,
      username: who.name ?? 'tester',
      name: who.name ?? 'tester',
      team_id: who.team ?? 'T1',
    },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'view', view_id: view.id },
    trigger_id: newTrigger(),
    view: { ...view, state, team_id: 'T1', app_id: 'A1', bot_id: 'BBOT' },
    actions: [
      {
        type: block.element.type,
        action_id: block.element.action_id,
        block_id: field,
        ...state.values[field]![block.element.action_id],
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A button pressed in a view (block_actions from a modal), with what was typed in it so far. */
export function buttonAction(view: OpenView, actionId: string, answers: Answers, who: Person) {
  const block = view.blocks.find((b) =>
    ((b.elements as { action_id?: string }[] | undefined) ?? []).some((e) => e.action_id === actionId),
  );
  if (!block) throw new Error(`no button ${actionId} in the view`);
  return {
    type: 'block_actions',
    team: { id: who.team ?? 'T1', domain: 'example' },
    user: {
      id: who.user,
      username: who.name ?? 'tester',
      name: who.name ?? 'tester',
      team_id: who.team ?? 'T1',
    },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'view', view_id: view.id },
    trigger_id: newTrigger(),
    view: { ...view, state: stateFor(view, answers), team_id: 'T1', app_id: 'A1', bot_id: 'BBOT' },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: block.block_id,
        text: { type: 'plain_text', text: 'Back' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A button pressed on a message the bot posted (block_actions from a message, not a view). */
export function messageButton(
  message: { channel: string; ts: string; blocks: unknown[]; text?: string },
  actionId: string,
  who: Person,
  responseUrl?: string,
) {
  const button = message.blocks
    .flatMap((block) => {
      const b = block as { type: string; block_id?: string; elements?: Record<string, unknown>[] };
      return b.type === 'actions'
        ? (b.elements ?? []).map((e): Record<string, unknown> => ({ ...e, block_id: b.block_id }))
        : [];
    })
    .find((element) => element.action_id === actionId);
  if (!button) throw new Error(`no button ${actionId} on the message`);
  return {
    type: 'block_actions',
    team: { id: who.team ?? 'T1', domain: 'example' },
    user: { id: who.user, username: who.name ?? 'tester', team_id: who.team ?? 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: newTrigger(),
    channel: { id: message.channel, name: 'duty' },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text ?? '',
      blocks: message.blocks,
      bot_id: 'BBOT',
    },
    response_url: responseUrl ?? 'https://hooks.slack.com/actions/T1/1/x',
    actions: [{ ...button, action_ts: `${Date.now() / 1000}` }],
  };
}
