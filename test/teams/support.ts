import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTeamsFeatureWith,
  type TeamsFeature,
  type TeamsFeatureOptions,
} from '../../adapters/teams/index';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createApp, listen } from '../../src/server';
import type { Provider } from '../../src/store/database';
import { createTestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';

export interface ConnectorCall {
  method: string;
  conversationId: string;
  replyToId?: string;
  /** The message a PUT replaces (updateActivity). */
  activityId?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for the Bot Framework connector (the serviceUrl in our activities): records
 * every message the bot sends (POST) or replaces (PUT …/activities/:id) and answers { id }, or a
 * status the test asks for. It answers the member look-up (GET …/members/:userId, which
 * TeamsInfo.getMember calls) from `roster`, and 404 for anyone not in it.
 */
export async function startConnector() {
  const calls: ConnectorCall[] = [];
  const failures: number[] = [];
  const roster = new Map<string, Record<string, unknown>>();
  const lookups: string[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url ?? '');
    if (member && req.method === 'GET') {
      const userId = decodeURIComponent(member[2]!);
      lookups.push(userId);
      const found = roster.get(userId);
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(found ?? { error: { code: 'MemberNotFoundInConversation', message: 'Not found' } }),
      );
      return;
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
    const put = req.method === 'PUT';
    if (!match || (req.method !== 'POST' && !(put && match[2]))) {
      res.writeHead(404).end();
      return;
    }
    const second = match[2] ? decodeURIComponent(match[2]) : undefined;
    calls.push({
      method: req.method ?? 'POST',
      conversationId: decodeURIComponent(match[1]!),
      ...(put ? { activityId: second } : { replyToId: second }),
      authorization: req.headers.authorization,
      body: raw ? JSON.parse(raw) : {},
    });
    const status = failures.shift();
    if (status) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'Failure', message: `stand-in answered ${status}` } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: put ? second : `sent-${calls.length}` }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    /** The people the member look-up knows, by their Teams user id. */
    roster,
    /** The user ids the bot looked up, in order. */
    lookups,
    /** The next answers are these statuses, in order, then 200 again. */
    fail: (...statuses: number[]) => failures.push(...statuses),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

export type Connector = Awaited<ReturnType<typeof startConnector>>;

/**
 * The app as main.ts runs it, with only the Teams feature, on a fresh database: unauthenticated
 * on loopback unless `env` sets an app id, enrolling people from the test tenant. `settings`
 * adds core settings (METBOT_ADMINS, the enrolment lists).
 */
export async function startTeamsBot(
  provider: Provider,
  env: Record<string, string> = { TEAMS_UNAUTHENTICATED_LOCAL: 'true' },
  options: TeamsFeatureOptions = {},
  settings: Record<string, string> = { ENROL_TEAMS_TENANTS: tenant },
) {
  const database = await createTestDatabase(provider);
  const log = createLogger('silent');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, ...settings });
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const cipher = testCipher();
  const core = createCore({ config, database, cipher, log, clock });
  const result = await createTeamsFeatureWith({ proactive: { baseDelayMs: 5, maxDelayMs: 20 }, ...options })({
    env,
    config,
    core,
    log,
  });
  if (!result.on) throw new Error(`Teams is off: ${result.why}`);
  const feature = result.feature as TeamsFeature;
  const server = await listen(createApp(database, [feature]), 0, '127.0.0.1', log);
  return {
    url: `http://127.0.0.1:${server.port}/api/messages`,
    core,
    cipher,
    database,
    clock,
    feature,
    close: async () => {
      await server.close();
      await database.destroy();
    },
  };
}

export type TeamsBot = Awaited<ReturnType<typeof startTeamsBot>>;

export const bot = { id: '28:metbot-app', name: 'metbot' };
export const tenant = 'tenant-example-1';

export interface Person {
  id: string;
  aadObjectId: string;
  name: string;
}

export const practitioner: Person = {
  id: '29:user-1',
  aadObjectId: 'aad-user-1',
  name: 'Testworker Example',
};
export const metMember: Person = { id: '29:user-2', aadObjectId: 'aad-user-2', name: 'Testmember Example' };

export interface Place {
  id: string;
  type: 'personal' | 'channel' | 'groupChat';
  tenantId?: string;
}

export const personalChat = (person: Person): Place => ({
  id: `a:personal-${person.aadObjectId}`,
  type: 'personal',
});
export const channel: Place = { id: '19:general@thread.tacv2', type: 'channel' };

/** A Bot Framework activity as Teams sends it. */
export function activity(
  serviceUrl: string,
  from: Person,
  place: Place,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const tenantId = place.tenantId ?? tenant;
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: from.id, aadObjectId: from.aadObjectId, name: from.name },
    recipient: bot,
    conversation: {
      id: place.id,
      conversationType: place.type,
      tenantId,
      isGroup: place.type !== 'personal',
    },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-GB',
    ...fields,
  };
}

/** A message that @mentions the bot, as Teams sends one from a channel. */
export function mentionText(text: string): Record<string, unknown> {
  const at = `<at>${bot.name}</at>`;
  return {
    text: `${at} ${text}`,
    entities: [{ type: 'mention', text: at, mentioned: bot }],
  };
}

export async function post(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: parsed };
}

export interface SentCard {
  version: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
}

/** The Adaptive Card a connector call carries, if any. */
export function cardOf(call: ConnectorCall | undefined): SentCard | undefined {
  const attachments = (call?.body.attachments ?? []) as { contentType: string; content: SentCard }[];
  return attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** Every element of a card, nested ones included. */
export function elements(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const children = ['body', 'items', 'columns', 'actions', 'card'].flatMap((key) => elements(record[key]));
  return typeof record.type === 'string' ? [record, ...children] : children;
}

export const textOf = (call: ConnectorCall | undefined): string => String(call?.body.text ?? '');
