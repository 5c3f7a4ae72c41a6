import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createSlackSurface } from '../adapters/slack/index';
import { createCore } from '../src/core';
import { createLogger } from '../src/logger';
import { createApp, listen } from '../src/server';
import type { Provider } from '../src/store/database';
import { commandBody, SIGNING_SECRET, send } from '../test/slack/slack-requests';
import { SlackWebApiStandIn } from '../test/slack/web-api-stand-in';
import { createTestDatabase } from '../test/support/databases';
import { testCipher } from '../test/support/keys';
import { bareBolt } from './bare-bolt';

/**
 * Signed `/met help` round trips (request to acknowledgement, which for metbot carries the help
 * itself) at 1, 10 and 50 in flight, against metbot's Slack surface (SQLite; PostgreSQL too when
 * TEST_POSTGRES_URL is set) and against a bare Bolt app whose command handler only acknowledges,
 * measured in the same run, with each server's CPU time per request. Each server runs in its own
 * process (this one sends the load and plays the Slack Web API). Target: p99 within 1.5× of bare
 * Bolt at every concurrency.
 */
const LEVELS = [1, 10, 50];
const REQUESTS = Number(process.env.BENCH_SLACK_REQUESTS ?? 2000);
const WARM_UP = 100;
const ROUNDS = 4;
const SERVE = '--slack-bench-serve';
const USERS = 20;

type Target = 'bare' | Provider;

/** In the child: one server, its port on stdout; stops when stdin closes. */
async function serve(target: Target, apiUrl: string): Promise<void> {
  const log = createLogger('silent');
  let stop: () => Promise<void>;
  let port: number;
  if (target === 'bare') {
    const { bolt, receiver } = bareBolt(log);
    bolt.command('/met', async ({ ack }) => ack());
    const app = express();
    app.use(receiver.router);
    const running = await listen(app, 0, '127.0.0.1', log);
    ({ port } = running);
    stop = () => running.close();
  } else {
    const database = await createTestDatabase(target);
    const config = {
      DRAFT_EXPIRY_HOURS: 24,
      ENROL_NEW_USERS: 'practitioner' as const,
      ENROL_SLACK_TEAMS: [],
      ENROL_TEAMS_TENANTS: [],
      METBOT_ADMINS: new Set<string>(),
      REPEAT_MISSING_THRESHOLD: 3,
      REPEAT_MISSING_DAYS: 90,
    };
    const core = createCore({ config, database, cipher: testCipher(), log });
    for (let i = 0; i < USERS; i += 1) {
      const identity = {
        platform: 'slack',
        workspace: 'T1',
        platformUserId: `U${i}`,
        displayName: `Tester ${i}`,
      };
      await core.users.ensure(identity, 'practitioner', 'Example Agency', 'slack');
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
    ({ port } = running);
    stop = async () => {
      await running.close();
      await surface.feature.stop?.();
      await database.destroy();
    };
  }
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  // "cpu" on stdin: this process's CPU time so far, in microseconds; stdin closed: stop.
  const commands = createInterface({ input: process.stdin });
  commands.on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpu: user + system })}\n`);
  });
  commands.on('close', () => void stop().then(() => process.exit(0)));
}

interface Server {
  target: Target;
  url: string;
  child: ChildProcess;
  /** The server process's CPU time so far, in milliseconds. */
  cpu(): Promise<number>;
}

async function start(target: Target, apiUrl: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), SERVE, target, apiUrl],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: process.env,
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${target} server exited (${code})`))),
  );
  exited.catch(() => undefined);
  const nextLine = () =>
    Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), exited]);
  const { port } = JSON.parse(await nextLine());
  const cpu = async () => {
    const answer = nextLine();
    child.stdin!.write('cpu\n');
    return JSON.parse(await answer).cpu / 1000;
  };
  return { target, url: `http://127.0.0.1:${port}`, child, cpu };
}

/** `count` signed /met help round trips, `inFlight` at a time; milliseconds each. */
async function load(server: Server, inFlight: number, count: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      const body = commandBody('help', { user: `U${next % USERS}` }, 'C1');
      const started = performance.now();
      const sent = await send(server.url, body, 'application/x-www-form-urlencoded');
      times.push(performance.now() - started);
      if (sent.status !== 200) throw new Error(`${server.target}: /met help answered ${sent.status}`);
      // metbot's acknowledgement is the answer itself: check it is the help.
      if (server.target !== 'bare' && !sent.text.includes('*intel*'))
        throw new Error('no help in the answer');
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return times;
}

const percentile = (sorted: number[], p: number) => sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;

export async function bench(): Promise<string[]> {
  const slack = await new SlackWebApiStandIn({ keepArgs: false }).start();
  const targets: Target[] = [
    'bare',
    'sqlite',
    ...(process.env.TEST_POSTGRES_URL ? ['postgresql' as const] : []),
  ];
  const servers: Server[] = [];
  const lines: string[] = [];
  try {
    for (const target of targets) servers.push(await start(target, slack.apiUrl));
    lines.push(`signed /met help round trip, ${REQUESTS} requests per level after ${WARM_UP} to warm up`);
    lines.push('target       in flight    p50 ms    p99 ms   p99 vs bare   server CPU ms/request');
    for (const inFlight of LEVELS) {
      for (const server of servers) await load(server, inFlight, WARM_UP);
      // Interleaved in rounds, so that another process's burst of work falls on every target alike.
      const times = new Map(servers.map((server) => [server, [] as number[]]));
      const cpu = new Map(servers.map((server) => [server, 0]));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const server of servers) {
          const before = await server.cpu();
          times.get(server)!.push(...(await load(server, inFlight, REQUESTS / ROUNDS)));
          cpu.set(server, cpu.get(server)! + (await server.cpu()) - before);
        }
      }
      let bareP99 = Number.NaN;
      for (const server of servers) {
        const sorted = times.get(server)!.sort((a, b) => a - b);
        const p50 = percentile(sorted, 0.5);
        const p99 = percentile(sorted, 0.99);
        if (server.target === 'bare') bareP99 = p99;
        const ratio = server.target === 'bare' ? 'baseline' : `${(p99 / bareP99).toFixed(2)}×`;
        const over = server.target !== 'bare' && p99 / bareP99 > 1.5 ? ' (over)' : '';
        const columns = [
          server.target.padEnd(12),
          String(inFlight).padStart(9),
          p50.toFixed(2).padStart(9),
          p99.toFixed(2).padStart(9),
          `${ratio}${over}`.padStart(13),
          (cpu.get(server)! / REQUESTS).toFixed(3).padStart(23),
        ];
        lines.push(columns.join(' '));
      }
    }
  } finally {
    for (const server of servers) server.child.stdin?.end();
    await Promise.all(
      servers.map((s) => s.child.exitCode ?? new Promise((resolve) => s.child.once('exit', resolve))),
    );
    await slack.stop();
  }
  return lines;
}

if (process.argv[2] === SERVE) await serve(process.argv[3] as Target, process.argv[4]!);
