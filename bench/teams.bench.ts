import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import express from 'express';
import { createTeamsFeatureWith } from '../adapters/teams/index';
import { loadConfig } from '../src/config';
import { createCore } from '../src/core';
import { fixedClock } from '../src/domain/clock';
import { createLogger } from '../src/logger';
import { createApp, listen } from '../src/server';
import type { Provider } from '../src/store/database';
import { createTestDatabase } from '../test/support/databases';
import { testCipher } from '../test/support/keys';
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
 * `npm run bench -- teams` (issue 20): a `help` activity, and a typed answer to a form's question,
 * each sent to /api/messages and answered through a local connector stand-in, at 1, 10 and 50 in
 * flight. The baseline is a bare botbuilder CloudAdapter bot that does one database read and one
 * write per activity (the draft it would continue, the activity's id) and replies, on the same
 * database, in the same run. Each server runs in its own process; this one sends the load and
 * plays the connector. BENCH_SECONDS sets the seconds per server per level (default 8).
 */
const SERVE = '--teams-bench-serve';
const tenant = 'tenant-bench-1';
const bot = { id: '28:metbot-bench', name: 'metbot' };

/** The bare bot: CloudAdapter with no app id (Emulator mode, as metbot's local trial). */
async function serveBare(provider: Provider): Promise<void> {
  const database = await createTestDatabase(provider);
  const { db } = database;
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({ MicrosoftAppType: 'MultiTenant' }),
  );
  const app = express();
  app.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
    await adapter.process(req, res, async (context) => {
      const { activity } = context;
      await db.conversation.findUnique({
        where: { userId_channel: { userId: activity.from.id, channel: activity.conversation.id } },
      });
      await db.inboundEvent.create({ data: { key: `teams:${activity.conversation.id}:${activity.id}` } });
      await context.sendActivity(`You said: ${activity.text ?? ''}`);
    });
  });
  const log = createLogger('silent');
  const running = await listen(app, 0, '127.0.0.1', log);
  serveStats(running.port, async () => {
    await running.close();
    await database.destroy();
  });
}

/** metbot as main.ts builds it, with only the Teams feature, unauthenticated on loopback. */
async function serveMetbot(provider: Provider): Promise<void> {
  const database = await createTestDatabase(provider);
  const log = createLogger('silent');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, ENROL_TEAMS_TENANTS: tenant });
  const clock = fixedClock('2026-11-28T12:00:00Z');
  const core = createCore({ config, database, cipher: testCipher(), log, clock });
  const made = await createTeamsFeatureWith()({
    env: { TEAMS_UNAUTHENTICATED_LOCAL: 'true' },
    config,
    core,
    log,
  });
  if (!made.on) throw new Error(`Teams is off: ${made.why}`);
  const running = await listen(createApp(database, [made.feature]), 0, '127.0.0.1', log);
  serveStats(running.port, async () => {
    await running.close();
    await database.destroy();
  });
}

/** The connector stand-in: answers every reply at once, and counts them. */
async function startConnector(): Promise<{ url: string; replies: () => number; close(): Promise<void> }> {
  let replies = 0;
  const server: HttpServer = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      replies += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"sent-${replies}"}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    replies: () => replies,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function activity(serviceUrl: string, user: number, text: string): string {
  const conversation = `a:personal-bench-${user}`;
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:bench-${user}`, aadObjectId: `aad-bench-${user}`, name: `Benchuser${user} Example` },
    recipient: bot,
    conversation: { id: conversation, conversationType: 'personal', tenantId: tenant, isGroup: false },
    channelData: { tenant: { id: tenant } },
    locale: 'en-GB',
    text,
  });
}

function sender(connector: string, text: string): Send {
  return async (server, user) => {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: activity(connector, user, text),
    });
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`${server.target.kind}: ${text} answered ${response.status}`);
  };
}

export async function bench(): Promise<string[]> {
  const connector = await startConnector();
  const script = fileURLToPath(import.meta.url);
  const servers: Server[] = [];
  try {
    for (const target of targets()) {
      servers.push(await startServer(script, target, [SERVE, target.kind, target.provider]));
    }
    const help = sender(connector.url, 'help');
    // Sanity: every server answers help with one message to the connector.
    for (const server of servers) {
      const before = connector.replies();
      await help(server, 0);
      if (connector.replies() !== before + 1) throw new Error(`${server.target.kind} did not answer help`);
    }
    const lines = await measure('Teams `help`', servers, help);
    // Each person starts the intelligence form; every measured answer is one the form asks
    // again ("perhaps" to a yes/no question), so each request does the same work: the draft
    // read, the answer checked, the draft saved, the question sent.
    const start = sender(connector.url, 'intel');
    const answer = sender(connector.url, 'perhaps');
    for (const server of servers) {
      for (let user = 0; user < USERS; user += 1) {
        await start(server, user);
        await answer(server, user);
      }
    }
    lines.push('', ...(await measure('Teams typed step of a form', servers, answer)));
    return lines;
  } finally {
    await stopServers(servers);
    await connector.close();
  }
}

if (process.argv[2] === SERVE) {
  const [kind, provider] = [process.argv[3] as Target['kind'], process.argv[4] as Provider];
  await (kind === 'bare' ? serveBare(provider) : serveMetbot(provider));
}
