import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { Actor } from '../src/access/actor';
import { loadConfig } from '../src/config';
import { createCore } from '../src/core';
import { ApiTokenService } from '../src/people/api-tokens.service';
import { auditKeyring, useAuditKeyring } from '../src/store/audit-key';
import { loadFieldCipher } from '../src/store/data-key';
import { openDatabase } from '../src/store/database';
import { type AnswerBook, fillIn } from '../test/contract/forms';
import { intelligenceAnswers } from '../test/gateway/support/fixtures';
import { parseMime } from '../test/gateway/support/mime';
import { startSmtpServer } from '../test/gateway/support/smtp';
import { commandBody, eventBody, SIGNING_SECRET, signature } from '../test/slack/slack-requests';
import { SlackWebApiStandIn } from '../test/slack/web-api-stand-in';
import { activity, personalChat, startConnector, tenant } from '../test/teams/support';

/**
 * `npm run soak`: three built instances on one PostgreSQL behind a round-robin proxy on loopback,
 * with simulated people on Slack, Teams and the partner API filing reports, answering forms and
 * asking `due`, while one instance is killed with SIGKILL every two minutes and restarted. At the
 * end it checks what was saved against what reached the SMTP gateway and the duty channel.
 *
 * SOAK_SECONDS (600), SOAK_USERS (50), SOAK_KILL_EVERY_SECONDS (120), SOAK_POSTGRES_URL
 * (TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres).
 */

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const userCount = Number(process.env.SOAK_USERS ?? 50);
const killEvery = Number(process.env.SOAK_KILL_EVERY_SECONDS ?? 120) * 1000;
const adminUrl =
  process.env.SOAK_POSTGRES_URL ??
  process.env.TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
const INSTANCES = 3;
const DUTY_CHANNEL = 'C0SOAKDUTY';
const ADMIN = 'USOAKADMIN';
const root = join(import.meta.dirname, '..');
const log = pino({ level: 'silent' });

const percentile = (values: number[], p: number) => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// --- the database, the peers and the instances ------------------------------------------------

const databaseName = `metbot_soak_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${databaseName}`);
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();

const smtp = await startSmtpServer();
const slack = await new SlackWebApiStandIn({ keepArgs: true }).start();
const connector = await startConnector();

// Always built afresh: a stale dist/ would soak yesterday's code.
await run('node', ['scripts/build.mjs']);

const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  DATA_DIR: mkdtempSync(join(tmpdir(), 'metbot-soak-')),
  DATA_KEY: randomBytes(32).toString('base64'),
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_TOKEN: 'xoxb-soak-token',
  SLACK_API_URL: slack.apiUrl,
  SLACK_BOT_ID: 'BBOT',
  SLACK_BOT_USER_ID: 'UBOT',
  TEAMS_UNAUTHENTICATED_LOCAL: 'true',
  ENROL_SLACK_TEAMS: 'T1',
  ENROL_TEAMS_TENANTS: tenant,
  METBOT_ADMINS: `slack:T1:${ADMIN}`,
  GATEWAY_EMAIL_TO: 'intel-gateway@police.example',
  GATEWAY_EMAIL_FROM: 'metbot@example.org',
  GATEWAY_SEND_MISSING: 'true',
  MET_COORDINATOR_EMAIL: 'met-coordinator@example.org',
  // The soak reads each instance's memory (heap, external) from /metrics, as Prometheus would.
  METRICS_TOKEN: randomBytes(24).toString('hex'),
  ...(process.env.SOAK_NODE_OPTIONS && { NODE_OPTIONS: process.env.SOAK_NODE_OPTIONS }),
};

/**
 * Each instance starts as in production: `npm run start:built`'s command, which the image's CMD
 * repeats (test/deploy/image.test.ts), V8's heap limits included. Run by node itself, not npm, so
 * that SIGKILL reaches it.
 */
const startBuilt = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts['start:built']!;
const [startCommand = 'node', ...startArgs] = startBuilt.split(/\s+/);

interface Instance {
  slot: number;
  port: number;
  child?: ChildProcess;
  up: boolean;
  /** The highest resident set (VmHWM) of any process in this slot, in MB. */
  peakMb: number;
  /** The scrape of /metrics with the highest resident set, in MB. */
  memory?: Memory;
  /** The most queries seen waiting for one of the instance's database connections. */
  poolWaiting: number;
  starts: number;
}
interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
}
/** Which slot and start each process was, by pid (an outbox lease names its owner's pid). */
const pids = new Map<number, string>();
const soakStart = Date.now();
const since = (at: number) => `${((at - soakStart) / 1000).toFixed(1)} s`;
const kills: { slot: number; at: number }[] = [];
const warnings = new Map<string, number>();
const instances: Instance[] = [];
for (let slot = 0; slot < INSTANCES; slot += 1)
  instances.push({ slot, port: await freePort(), up: false, peakMb: 0, starts: 0, poolWaiting: 0 });

function startInstance(instance: Instance): void {
  instance.starts += 1;
  const name = `soak-slot${instance.slot}-start${instance.starts}`;
  const child = spawn(startCommand, startArgs, {
    cwd: root,
    env: {
      ...env,
      PORT: String(instance.port),
      PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
      // The name given in EHLO tells the SMTP peer which instance sent each mail.
      GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?name=${name}`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The instances log warnings and errors only (LOG_LEVEL=warn): the report counts them by message.
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      let msg = line.slice(0, 120);
      try {
        const entry = JSON.parse(line) as {
          msg?: string;
          path?: string;
          formId?: string;
          err?: { message?: string; stack?: string };
        };
        // The end of the message: Prisma's begins with where it was called, and ends with why.
        const why = entry.err?.message?.replace(/\s+/g, ' ').slice(-100);
        // Where in metbot it failed: the first frame of its own (source-mapped) code.
        const frame = entry.err?.stack
          ?.split('\n')
          .find((at) => /\/(src|adapters)\//.test(at) && !at.includes('node_modules'))
          ?.trim()
          .replace(/^at /, '')
          .replace(/\(?\/.*\/(src|adapters)\//, '$1/');
        const what = entry.path ?? (entry.formId && `form ${entry.formId}`);
        msg = `${entry.msg ?? msg}${what ? ` [${what}]` : ''}${why ? ` (${why})` : ''}${frame ? ` at ${frame}` : ''}`;
      } catch {
        // Not a log line.
      }
      warnings.set(msg, (warnings.get(msg) ?? 0) + 1);
    }
  });
  instance.child = child;
  if (child.pid) pids.set(child.pid, name);
  child.on('exit', () => {
    if (instance.child === child) instance.up = false;
  });
}

async function waitReady(instance: Instance): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      const response = await fetch(`http://127.0.0.1:${instance.port}/readyz`);
      if (response.ok) {
        instance.up = true;
        return;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`instance ${instance.slot} did not become ready`);
}

function sampleRss(): void {
  for (const instance of instances) {
    const pid = instance.child?.pid;
    if (!pid || !instance.up) continue;
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) instance.peakMb = Math.max(instance.peakMb, Number(hwm[1]) / 1024);
    } catch {
      // The process has just gone.
    }
  }
}

const memoryMetrics = {
  rss: 'metbot_process_resident_memory_bytes',
  heapTotal: 'metbot_nodejs_heap_size_total_bytes',
  heapUsed: 'metbot_nodejs_heap_size_used_bytes',
  external: 'metbot_nodejs_external_memory_bytes',
} as const;

/** Reads each live instance's memory from its /metrics; keeps the reading with the highest RSS. */
async function scrapeMemory(): Promise<void> {
  await Promise.all(
    instances.map(async (instance) => {
      if (!instance.up) return;
      try {
        const response = await fetch(`http://127.0.0.1:${instance.port}/metrics`, {
          headers: { authorization: `Bearer ${env.METRICS_TOKEN}` },
          signal: AbortSignal.timeout(4000),
        });
        const text = await response.text();
        const read = (name: string) =>
          Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024 / 1024;
        const memory = Object.fromEntries(
          Object.entries(memoryMetrics).map(([key, name]) => [key, read(name)]),
        ) as unknown as Memory;
        if (!(memory.rss <= (instance.memory?.rss ?? 0))) instance.memory = memory;
        const waiting = Number(
          /^metbot_database_pool_connections\{state="waiting"\} (\d+)/m.exec(text)?.[1] ?? 0,
        );
        instance.poolWaiting = Math.max(instance.poolWaiting, waiting);
      } catch {
        // Killed, or too busy to answer in time: the next scrape will do.
      }
    }),
  );
}

// --- the load balancer ----------------------------------------------------------------------

let nextBackend = 0;
const proxy: Server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  // A refused connection (an instance killed and not yet back) goes to the next one; a request
  // cut after it reached an instance is answered 502, as a real balancer would.
  for (let tries = 0; tries < INSTANCES * 2; tries += 1) {
    const live = instances.filter((instance) => instance.up);
    if (!live.length) {
      await sleep(200);
      continue;
    }
    const target = live[nextBackend++ % live.length]!;
    const outcome = await new Promise<'done' | 'refused' | 'cut'>((done) => {
      const forward = request(
        { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => done('done'));
          answer.on('error', () => done('cut'));
        },
      );
      forward.on('error', (err: NodeJS.ErrnoException) =>
        done(err.code === 'ECONNREFUSED' ? 'refused' : 'cut'),
      );
      forward.end(body);
    });
    if (outcome === 'done') return;
    if (outcome === 'cut') {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
      return;
    }
    target.up = false;
  }
  if (!res.headersSent) res.writeHead(503).end();
});
await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
const proxyPort = (proxy.address() as AddressInfo).port;
const base = `http://127.0.0.1:${proxyPort}`;

startInstance(instances[0]!);
await waitReady(instances[0]!); // the first one migrates the empty database
for (const instance of instances.slice(1)) startInstance(instance);
await Promise.all(instances.slice(1).map(waitReady));

// The soak's own view of the database: the catalogue (to read questions), tokens, and counts.
const config = loadConfig({ ...env, PORT: '0' });
// The same chain as the instances': sealed under the audit key derived from DATA_KEY.
useAuditKeyring(auditKeyring({ dataKey: Buffer.from(env.DATA_KEY!, 'base64') }));
const database = await openDatabase(databaseUrl);
const core = createCore({ config, database, cipher: loadFieldCipher(config, log), log, routes: {} });

// --- what the simulated people send ---------------------------------------------------------

type Surface = 'slack' | 'teams' | 'api';
const latency: Record<Surface, number[]> = { slack: [], teams: [], api: [] };
const requests = { total: 0, fiveHundreds: 0, cut: 0, statuses: new Map<number, number>() };
/** Each 5xx answer, to tell those a kill cut from those an instance gave. */
const serverErrors: { at: number; status: number; surface: Surface }[] = [];

async function timed(surface: Surface, send: () => Promise<Response>): Promise<Response | undefined> {
  const started = performance.now();
  requests.total += 1;
  try {
    const response = await send();
    latency[surface].push(performance.now() - started);
    requests.statuses.set(response.status, (requests.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) {
      requests.fiveHundreds += 1;
      serverErrors.push({ at: Date.now(), status: response.status, surface });
    }
    return response;
  } catch {
    requests.cut += 1;
    return undefined;
  }
}

/** The texts each person has been sent, in order (Slack DM or Teams personal chat). */
const inbox = new Map<string, string[]>();
let slackSeen = 0;
let teamsSeen = 0;
const sorter = setInterval(() => {
  for (; slackSeen < slack.calls.length; slackSeen += 1) {
    const call = slack.calls[slackSeen]!;
    const channel = String(call.args.channel ?? '');
    if (call.method.startsWith('chat.') && channel.startsWith('D'))
      push(`slack:${channel}`, textsOf(call.args));
  }
  for (; teamsSeen < connector.calls.length; teamsSeen += 1) {
    const call = connector.calls[teamsSeen]!;
    push(
      `teams:${call.conversationId}`,
      textsOf({ text: call.body.text, attachments: call.body.attachments }),
    );
  }
}, 20);
const receipts = { count: 0 };
function push(key: string, text: string) {
  // A receipt for an earlier report arrives whenever the gateway takes it, not as an answer.
  if (/has reached the police intelligence team's gateway/.test(text)) {
    receipts.count += 1;
    return;
  }
  const list = inbox.get(key) ?? [];
  list.push(text);
  inbox.set(key, list);
}
function textsOf(node: unknown): string {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') out.push(inner);
        else walk(inner);
      }
  };
  walk(node);
  return out.join('\n');
}

/** Waits for the bot's answer in this inbox: new texts, then a quiet 150 ms; '' after 8 s. */
async function answerIn(key: string, before: number): Promise<string> {
  const deadline = Date.now() + 8000;
  let count = before;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(25);
    const now = inbox.get(key)?.length ?? 0;
    if (now !== count) {
      count = now;
      quietSince = Date.now();
    } else if (count > before && Date.now() - quietSince >= 150) break;
  }
  return (inbox.get(key) ?? []).slice(before).join('\n');
}

interface SoakPerson {
  id: string;
  surface: Surface;
  actor: Actor;
  key: string;
}
const lostAnswers = { count: 0, saveFailed: 0 };

async function say(person: SoakPerson, text: string): Promise<string> {
  const before = inbox.get(person.key)?.length ?? 0;
  if (person.surface === 'slack') {
    const eventId = `Ev${randomUUID()}`;
    const body = eventBody(
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
    // Slack retries a delivery that was not acknowledged, with the same event id.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await timed('slack', () =>
        fetch(`${base}/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signature(body, timestamp),
            ...(attempt && { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' }),
          },
          body,
        }),
      );
      if (response?.status === 200) break;
      await sleep(500);
    }
  } else {
    const who = { id: `29:${person.id}`, aadObjectId: person.id, name: `Soak ${person.id}` };
    const message = activity(connector.url, who, personalChat(who), { text });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await timed('teams', () =>
        fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        }),
      );
      if (response?.status === 200) break;
      await sleep(500);
    }
  }
  const answer = await answerIn(person.key, before);
  if (!answer) lostAnswers.count += 1;
  if (answer.includes('I could not save that just now')) lostAnswers.saveFailed += 1;
  return answer;
}

const child = (n: number): AnswerBook => ({
  'child.name': `Soakchild Example${n}`,
  'child.dateOfBirth': '03/04/2012',
  'child.inCare': 'yes',
  missingFrom: 'Residential care',
  'lastSeen.at': 'yesterday 18:00',
  returnedAt: 'today 00:05',
});

const forms = { started: 0, finished: 0, abandoned: 0 };
async function fill(person: SoakPerson, command: string, formId: string, book: AnswerBook) {
  forms.started += 1;
  const driver = { name: person.surface, say: (_: unknown, text: string) => say(person, text) };
  try {
    await fillIn(driver as never, {} as never, person.actor, core, command, formId, book);
    forms.finished += 1;
  } catch (err) {
    forms.abandoned += 1;
    if (process.env.SOAK_DEBUG && forms.abandoned <= 3) console.log(String(err).slice(-1500));
    await say(person, 'cancel');
  }
}

const endAt = Date.now() + seconds * 1000;
let childNumber = 0;

async function slackPerson(person: SoakPerson) {
  while (Date.now() < endAt) {
    await fill(person, 'intelligence', 'intelligence', child(++childNumber));
    await say(person, 'due');
  }
}
async function teamsPerson(person: SoakPerson) {
  while (Date.now() < endAt) {
    const book = child(++childNumber);
    await fill(person, 'missing', 'missing', book);
    await fill(person, 'returned', 'return', book);
  }
}
async function apiPerson(token: string) {
  while (Date.now() < endAt) {
    const response = await timed('api', () =>
      fetch(`${base}/api/v1/intelligence`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(intelligenceAnswers()),
      }),
    );
    const made = response?.status === 201 ? ((await response.json()) as { reference: string }) : undefined;
    if (made)
      await timed('api', () =>
        fetch(`${base}/api/v1/records/${made.reference}`, { headers: { authorization: `Bearer ${token}` } }),
      );
    await sleep(1000);
  }
}

// The admin makes a Slack channel the duty place, through the bot, before the load starts.
const setup = commandBody('setup duty here', { user: ADMIN, name: 'soak.admin' }, DUTY_CHANNEL);
const setupStamp = Math.floor(Date.now() / 1000);
const setupAnswer = await fetch(`${base}/slack/events`, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(setupStamp),
    'x-slack-signature': signature(setup, setupStamp),
  },
  body: setup,
});
if (setupAnswer.status !== 200) throw new Error(`setup duty here answered ${setupAnswer.status}`);

const people: Promise<void>[] = [];
const tokens = new ApiTokenService(database.db, database.provider, core.users, core.clock);
for (let n = 0; n < userCount; n += 1) {
  const kind: Surface = n % 5 === 4 ? 'api' : n % 2 === 0 ? 'slack' : 'teams';
  if (kind === 'api') {
    const { token } = await tokens.create(
      { name: 'soak', surface: 'admin' },
      { name: `soak-api-${n}`, role: 'practitioner', agency: 'Example Academy' },
    );
    people.push(apiPerson(token));
    continue;
  }
  const id = kind === 'slack' ? `USOAK${n}` : `soak-teams-${n}`;
  const actor = await core.users.ensure(
    {
      platform: kind,
      workspace: kind === 'slack' ? 'T1' : tenant,
      platformUserId: id,
      displayName: `Soak Person${n}`,
    },
    'practitioner',
    'Example Agency',
    kind,
  );
  const key = kind === 'slack' ? `slack:${SlackWebApiStandIn.dmOf(id)}` : `teams:a:personal-${id}`;
  const person: SoakPerson = { id, surface: kind, actor, key };
  people.push(kind === 'slack' ? slackPerson(person) : teamsPerson(person));
}

// Timers: interview reminders fall due 48 hours after a return; the soak brings those it sees
// forward into its own ten minutes, so that timers fire while instances are being killed.
const timerWindowEnd = endAt - 60_000;
const forward = setInterval(() => {
  const room = timerWindowEnd - Date.now();
  if (room <= 0) return;
  database.db
    .$executeRawUnsafe(
      `UPDATE "Timer" SET "dueAt" = now() + random() * interval '${Math.floor(room)} milliseconds'
       WHERE kind = 'interview-due-soon' AND status = 'pending' AND "dueAt" > now() + interval '1 day'`,
    )
    .catch((err) => console.error('could not bring timers forward', err));
}, 15_000);

const rss = setInterval(sampleRss, 500);
const scrapes = setInterval(() => void scrapeMemory(), 5000);
let killed = 0;
const killer = setInterval(async () => {
  const victim = instances[killed % INSTANCES]!;
  killed += 1;
  sampleRss();
  victim.up = false;
  victim.child?.kill('SIGKILL');
  kills.push({ slot: victim.slot, at: Date.now() });
  await sleep(200);
  startInstance(victim);
  await waitReady(victim).catch(() => undefined);
}, killEvery);

console.log(
  `soak: ${seconds} s, ${userCount} people, ${INSTANCES} instances, one killed every ${killEvery / 1000} s`,
);
await Promise.all(people);
clearInterval(killer);
clearInterval(forward);

// --- settling and counting ------------------------------------------------------------------

// Let the outbox and the timers finish with every instance up.
for (const instance of instances) if (!instance.up) await waitReady(instance).catch(() => undefined);
const settleUntil = Date.now() + 90_000;
for (;;) {
  const [{ pending } = { pending: 0 }] = (await database.db.$queryRawUnsafe(
    `SELECT count(*)::int AS pending FROM "OutboxMessage" WHERE status = 'pending'`,
  )) as { pending: number }[];
  const [{ due } = { due: 0 }] = (await database.db.$queryRawUnsafe(
    `SELECT count(*)::int AS due FROM "Timer" WHERE status = 'pending' AND "dueAt" <= now()`,
  )) as { due: number }[];
  if ((pending === 0 && due === 0) || Date.now() > settleUntil) break;
  await sleep(1000);
}
await sleep(500);
clearInterval(rss);
clearInterval(scrapes);
sampleRss();
clearInterval(sorter);

const records = (await database.db.$queryRawUnsafe(
  `SELECT reference, type FROM "Record" WHERE type IN ('intelligence', 'missing', 'return')`,
)) as { reference: string; type: string }[];
const mailsBySubject = new Map<string, number>();
/** Each gateway mail's arrival and sender, by reference, to explain any delivered twice. */
const arrivals = new Map<string, { at: number; client: string }[]>();
const messageIds = new Set<string>();
let duplicateMessageIds = 0;
for (const mail of smtp.received) {
  const headers = parseMime(mail.raw).headers;
  const id = headers.get('message-id') ?? '';
  if (messageIds.has(id)) duplicateMessageIds += 1;
  messageIds.add(id);
  const reference = /[A-Z]{2,3}-\d{4}-\d{6}/.exec(headers.get('subject') ?? '')?.[0];
  if (reference && headers.get('to')?.includes('intel-gateway')) {
    mailsBySubject.set(reference, (mailsBySubject.get(reference) ?? 0) + 1);
    arrivals.set(reference, [...(arrivals.get(reference) ?? []), { at: mail.at, client: mail.client }]);
  }
}
const notDelivered = records.filter((record) => !mailsBySubject.get(record.reference)).length;
const twice = records.filter((record) => (mailsBySubject.get(record.reference) ?? 0) > 1);
const deliveredTwice = twice.length;
// Why each was sent again: who sent each copy and when, against the kills and the outbox row.
const twiceRows = twice.length
  ? ((await database.db.$queryRawUnsafe(
      `SELECT r.reference, o.attempts, o."leaseOwner", o."deliveredAt", o."createdAt"
         FROM "OutboxMessage" o JOIN "Record" r ON r.id = o."recordId"
        WHERE o.destination = 'gateway-email' AND r.reference = ANY($1)`,
      twice.map((record) => record.reference),
    )) as {
      reference: string;
      attempts: number;
      leaseOwner: string | null;
      deliveredAt: Date | null;
      createdAt: Date;
    }[])
  : [];
// The window a kill can hit: from the gateway's 250 (its last copy) to the mark, stamped
// (deliveredAt) as the mark's transaction starts, so the commit's own round trips come on top.
const marks = (await database.db.$queryRawUnsafe(
  `SELECT r.reference, o."deliveredAt" FROM "OutboxMessage" o JOIN "Record" r ON r.id = o."recordId"
    WHERE o.destination = 'gateway-email' AND o.status = 'delivered'`,
)) as { reference: string; deliveredAt: Date }[];
const windows = marks.flatMap((mark) => {
  const last = arrivals.get(mark.reference)?.at(-1);
  return last ? [mark.deliveredAt.getTime() - last.at] : [];
});
const twiceLines = twiceRows.map((row) => {
  const copies = (arrivals.get(row.reference) ?? [])
    .map((copy) => {
      const killed = kills.filter((kill) => kill.at <= copy.at).at(-1);
      return `${copy.client} at ${since(copy.at)}${killed ? ` (last kill: slot ${killed.slot} at ${since(killed.at)})` : ''}`;
    })
    .join('; ');
  const owner = pids.get(Number(row.leaseOwner?.split(':')[1])) ?? row.leaseOwner;
  return `  ${row.reference}: queued at ${since(row.createdAt.getTime())}; copies: ${copies}; marked delivered by ${owner} at ${row.deliveredAt ? since(row.deliveredAt.getTime()) : 'never'} after ${row.attempts} attempts`;
});

// Every alert whose first audience is the duty place is posted there once (escalations go on).
const dutyRules = Object.entries(core.prompts.alerts.rules)
  .filter(([, rule]) => rule.audiences[0] === 'duty')
  .map(([id]) => id);
const alerts = (
  (await database.db.$queryRawUnsafe(`SELECT reference, rule FROM "Alert"`)) as {
    reference: string;
    rule: string;
  }[]
).filter((alert) => dutyRules.includes(alert.rule));
const posts = new Map<string, number>();
for (const call of slack.callsTo('chat.postMessage')) {
  if (call.args.channel !== DUTY_CHANNEL) continue;
  const reference = /[A-Z]{2,3}-\d{4}-\d{6}/.exec(textsOf(call.args))?.[0];
  if (reference) posts.set(reference, (posts.get(reference) ?? 0) + 1);
}
const alertsByReference = new Map<string, number>();
for (const alert of alerts)
  alertsByReference.set(alert.reference, (alertsByReference.get(alert.reference) ?? 0) + 1);
let alertsLost = 0;
let alertsDoubled = 0;
for (const [reference, count] of alertsByReference) {
  const posted = posts.get(reference) ?? 0;
  if (posted < count) alertsLost += count - posted;
  if (posted > count) alertsDoubled += posted - count;
}

const [timers] = (await database.db.$queryRawUnsafe(
  `SELECT count(*) FILTER (WHERE "dueAt" <= now())::int AS due,
          count(*) FILTER (WHERE status = 'fired')::int AS fired,
          count(*) FILTER (WHERE status = 'pending' AND "dueAt" <= now())::int AS missed
     FROM "Timer" WHERE kind = 'interview-due-soon'`,
)) as { due: number; fired: number; missed: number }[];
const [reminders] = (await database.db.$queryRawUnsafe(
  `SELECT count(*)::int AS doubled FROM (
     SELECT "recordId" FROM "Alert" WHERE rule = 'interview-due-soon' GROUP BY "recordId" HAVING count(*) > 1) d`,
)) as { doubled: number }[];

const timerKinds = (await database.db.$queryRawUnsafe(
  `SELECT kind, status, count(*)::int AS n FROM "Timer" GROUP BY kind, status ORDER BY kind, status`,
)) as { kind: string; status: string; n: number }[];
const fmt = (values: number[]) =>
  `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms (${values.length})`;
const lines = [
  `requests: ${requests.total}, 5xx ${requests.fiveHundreds} (${((100 * requests.fiveHundreds) / requests.total).toFixed(2)}%), cut before an answer ${requests.cut}`,
  `5xx against the kills: ${
    serverErrors
      .map((error) => {
        const kill = kills.filter((k) => k.at <= error.at).at(-1);
        const after = kill ? `${((error.at - kill.at) / 1000).toFixed(1)} s after a kill` : 'before any kill';
        return `${error.status} ${error.surface} at ${since(error.at)} (${after})`;
      })
      .join('; ') || 'none'
  }`,
  `statuses: ${[...requests.statuses].map(([status, count]) => `${status}×${count}`).join(', ')}`,
  `forms: ${forms.started} started, ${forms.finished} finished, ${forms.abandoned} abandoned; answers not seen within 8 s: ${lostAnswers.count}; "could not save, try again": ${lostAnswers.saveFailed}`,
  `reports saved (intelligence, missing, return): ${records.length}; delivered to the SMTP gateway: ${records.length - notDelivered}; not delivered ${notDelivered}; delivered twice ${deliveredTwice}; repeated Message-IDs ${duplicateMessageIds}`,
  ...twiceLines,
  `from the gateway's 250 to the mark's start: mean ${(windows.reduce((a, b) => a + b, 0) / windows.length).toFixed(0)} ms, p50 ${percentile(windows, 50)} ms, p99 ${percentile(windows, 99)} ms, max ${Math.max(...windows)} ms (${windows.length} reports)`,
  `receipts told to reporters: ${receipts.count}`,
  `duty alerts raised: ${alerts.length}; posted to the duty channel: ${[...posts.values()].reduce((a, b) => a + b, 0)}; lost ${alertsLost}; doubled ${alertsDoubled}`,
  `interview timers due: ${timers!.due}; fired ${timers!.fired}; missed ${timers!.missed}; fired twice ${reminders!.doubled}`,
  `timers by kind: ${timerKinds.map((t) => `${t.kind} ${t.status} ${t.n}`).join(', ')}`,
  `latency: slack ${fmt(latency.slack)}; teams ${fmt(latency.teams)}; api ${fmt(latency.api)}`,
  `instances killed: ${killed} (at ${kills.map((kill) => `${since(kill.at)} slot ${kill.slot}`).join(', ')}); peak RSS per slot: ${instances.map((i) => `${i.peakMb.toFixed(0)} MB (${i.starts} starts)`).join(', ')}`,
  `memory at each slot's highest scraped RSS: ${instances
    .map((i) =>
      i.memory
        ? `slot ${i.slot}: RSS ${i.memory.rss.toFixed(0)} MB, heap ${i.memory.heapUsed.toFixed(0)} of ${i.memory.heapTotal.toFixed(0)} MB, external ${i.memory.external.toFixed(0)} MB, at most ${i.poolWaiting} queries waiting for a connection`
        : `slot ${i.slot}: not read`,
    )
    .join('; ')}`,
  `instances' warnings and errors: ${[...warnings].map(([msg, count]) => `${msg} ×${count}`).join('; ') || 'none'}`,
  `instances ran: ${startBuilt}${env.NODE_OPTIONS ? ` with NODE_OPTIONS=${env.NODE_OPTIONS}` : ''}; load average at the end: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
];
for (const line of lines) console.log(line);

for (const instance of instances) instance.child?.kill('SIGTERM');
await sleep(500);
await database.db.$disconnect();
await Promise.all([smtp.close(), slack.stop(), connector.close()]);
proxy.close();
await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
await admin.end();
process.exit(0);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    spawn(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command} exited ${code}`)),
    );
  });
}
