import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createSlackSurface } from '../adapters/slack/index';
import { createCore } from '../src/core';
import { fixedClock } from '../src/domain/clock';
import { createLogger } from '../src/logger';
import { createApp, listen } from '../src/server';
import type { Provider } from '../src/store/database';
import { commandBody, eventBody, SIGNING_SECRET, send } from '../test/slack/slack-requests';
import { testConfig } from '../test/support/core';
import { createTestDatabase } from '../test/support/databases';
import { testCipher } from '../test/support/keys';
import { bareBolt } from './bare-bolt';
import {
  measure,
  type Send,
  type Server,
  serveStats,
  startServer,
  stopServers,
  type Target,
  targets,
  USERS,
} from './hot-support';

/**
 * `npm run bench -- slack` (issue 20), beside slack.bench.ts's `/met help`: a DM answered (the
 * event acknowledged, de-duplicated, the person's draft read, the answer posted) and `/met due`
 * (acknowledged, the list read, the answer posted ephemerally), each timed from the signed
 * request to the answer reaching the Web API stand-in, at 1, 10 and 50 in flight. The baseline is
 * a bare Bolt app doing the same: one read and one write (the event id) for a DM; for `/met due`
 * one write (the command's replay key, which metbot keeps for every slash command: issue 17) and
 * one read; then the same Web API call. Same database, same run, each server in its own process.
 */
const SERVE = '--slack-hot-bench-serve';
const who = (user: number) => `UB${user}`;

async function serveBare(provider: Provider, apiUrl: string): Promise<void> {
  const database = await createTestDatabase(provider);
  const { db } = database;
  const log = createLogger('silent');
  const { bolt, receiver } = bareBolt(log, apiUrl);
  bolt.event('message', async ({ event, body, client }) => {
    const message = event as unknown as { channel: string; user: string };
    await db.conversation.findUnique({
      where: { userId_channel: { userId: message.user, channel: `slack:dm:${message.channel}` } },
    });
    await db.inboundEvent.create({ data: { key: `slack:event:${(body as { event_id: string }).event_id}` } });
    await client.chat.postMessage({ channel: message.channel, text: 'ok' });
  });
  bolt.command('/met', async ({ ack, body, command, client }) => {
    await db.inboundEvent.create({
      data: { key: `slack:command:${(body as { trigger_id: string }).trigger_id}` },
    });
    await ack();
    await db.missingEpisode.findMany({
      where: { returnedAt: { not: null }, interviewCompletedAt: null },
      take: 200,
    });
    await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: 'none due' });
  });
  const app = express();
  app.use(receiver.router);
  const running = await listen(app, 0, '127.0.0.1', log);
  serveStats(running.port, async () => {
    await running.close();
    await database.destroy();
  });
}

async function serveMetbot(provider: Provider, apiUrl: string): Promise<void> {
  const database = await createTestDatabase(provider);
  const log = createLogger('silent');
  const core = createCore({
    config: testConfig,
    database,
    cipher: testCipher(),
    log,
    clock: fixedClock('2026-11-28T12:00:00Z'),
  });
  for (let user = 0; user < USERS; user += 1) {
    const identity = {
      platform: 'slack',
      workspace: 'T1',
      platformUserId: who(user),
      displayName: `Benchuser${user} Example`,
    };
    await core.users.ensure(identity, 'met-member', 'Example Agency', 'slack');
  }
  const settings = {
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-bench',
    apiUrl,
    botId: 'BBOT',
    botUserId: 'UBOT',
  };
  const surface = createSlackSurface({ core, log }, settings, {});
  const running = await listen(createApp(database, [surface.feature]), 0, '127.0.0.1', log);
  serveStats(running.port, async () => {
    await running.close();
    await surface.feature.stop?.();
    await database.destroy();
  });
}

/**
 * The Web API stand-in: answers as Slack does, and settles whoever waits for the answer to a
 * user (chat.postMessage to their DM, chat.postEphemeral to them).
 */
async function startWebApi() {
  const waiting = new Map<string, () => void>();
  const server: HttpServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const args = Object.fromEntries(new URLSearchParams(raw));
      let answer: Record<string, unknown> = { ok: true };
      if (method === 'users.info') {
        answer = { ok: true, user: { id: args.user, profile: { display_name: `Bench ${args.user}` } } };
      } else if (method === 'conversations.open') {
        answer = { ok: true, channel: { id: `D${args.users}` } };
      } else if (method === 'chat.postMessage' || method === 'chat.postEphemeral') {
        answer = { ok: true, ts: `${Date.now() / 1000}`, channel: args.channel };
        const user = method === 'chat.postMessage' ? String(args.channel).slice(1) : String(args.user);
        waiting.get(user)?.();
        waiting.delete(user);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    /** Resolves when the next answer to `user` arrives. */
    answerTo: (user: string) => new Promise<void>((resolve) => waiting.set(user, resolve)),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

type WebApi = Awaited<ReturnType<typeof startWebApi>>;

function dm(api: WebApi): Send {
  return async (server, n) => {
    const user = who(n);
    const answered = api.answerTo(user);
    const event = {
      type: 'message',
      channel: `D${user}`,
      channel_type: 'im',
      user,
      text: 'help',
      ts: `${Date.now() / 1000}`,
    };
    const sent = await send(server.url, eventBody(event), 'application/json');
    if (sent.status !== 200) throw new Error(`${server.target.kind}: a DM answered ${sent.status}`);
    await answered;
  };
}

function due(api: WebApi): Send {
  return async (server, n) => {
    const user = who(n);
    const answered = api.answerTo(user);
    const body = commandBody('due', { user, name: `benchuser${n}` }, `D${user}`);
    const sent = await send(server.url, body, 'application/x-www-form-urlencoded');
    if (sent.status !== 200) throw new Error(`${server.target.kind}: /met due answered ${sent.status}`);
    await answered;
  };
}

export async function bench(): Promise<string[]> {
  const api = await startWebApi();
  const script = fileURLToPath(import.meta.url);
  const servers: Server[] = [];
  try {
    for (const target of targets()) {
      servers.push(await startServer(script, target, [SERVE, target.kind, target.provider, api.apiUrl]));
    }
    const lines = await measure('Slack DM answered', servers, dm(api));
    lines.push('', ...(await measure('Slack `/met due`', servers, due(api))));
    return lines;
  } finally {
    await stopServers(servers);
    await api.close();
  }
}

if (process.argv[2] === SERVE) {
  const [kind, provider, apiUrl] = [
    process.argv[3] as Target['kind'],
    process.argv[4] as Provider,
    process.argv[5]!,
  ];
  await (kind === 'bare' ? serveBare(provider, apiUrl) : serveMetbot(provider, apiUrl));
}
