import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { totalRoundTrips } from '../src/ops/request-context';
import type { Provider } from '../src/store/database';

/**
 * What the hot-path benchmarks (issue 20) share: servers in their own processes, load sent in
 * lanes, and a table with p50/p99, requests per second, the ratios to the bare baseline measured
 * in the same run on the same database, and the database round trips per request.
 */

export const LEVELS = [1, 10, 50];
/** Seconds of load per server per level (BENCH_SECONDS), spread over interleaved rounds. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = 4;
const WARM_UP = 50;

/** Lanes own their people: lane j of n speaks as users j, j+n, j+2n… of USERS, so no two overlap. */
export const USERS = 50;
export const userOf = (lane: number, lanes: number, turn: number) =>
  (lane + ((turn * lanes) % USERS)) % USERS;

export interface Target {
  /** "bare" or "metbot". */
  kind: 'bare' | 'metbot';
  provider: Provider;
}

export const targetName = (target: Target) => `${target.kind} ${target.provider}`;

export function targets(): Target[] {
  const providers: Provider[] = ['sqlite', ...(process.env.TEST_POSTGRES_URL ? ['postgresql' as const] : [])];
  return providers.flatMap((provider) => [
    { kind: 'bare' as const, provider },
    { kind: 'metbot' as const, provider },
  ]);
}

export interface Server {
  target: Target;
  url: string;
  child: ChildProcess;
  /** The server process's CPU time (ms) and database round trips so far. */
  stats(): Promise<{ cpuMs: number; roundTrips: number }>;
}

/**
 * In the child: writes its port, then answers each line on stdin with its CPU time and round
 * trips so far; stops when stdin closes.
 */
export function serveStats(port: number, stop: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const commands = createInterface({ input: process.stdin });
  commands.on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpu: user + system, roundTrips: totalRoundTrips() })}\n`);
  });
  commands.on('close', () => void stop().then(() => process.exit(0)));
}

/**
 * Starts `script` with `args` in a child process. BENCH_CPU_PROF=<dir> profiles metbot's servers
 * with Node's own --cpu-prof, written when the server stops.
 */
export async function startServer(script: string, target: Target, args: string[]): Promise<Server> {
  const profile = process.env.BENCH_CPU_PROF;
  const node = [
    ...(profile && target.kind === 'metbot'
      ? ['--cpu-prof', '--cpu-prof-dir', `${profile}/${target.provider}`]
      : []),
    '--import',
    'tsx',
    script,
  ];
  const child = spawn(process.execPath, [...node, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${targetName(target)} server exited (${code})`))),
  );
  exited.catch(() => undefined);
  const nextLine = () =>
    Promise.race([new Promise<string>((resolve) => lines.once('line', resolve)), exited]);
  const { port } = JSON.parse(await nextLine());
  const stats = async () => {
    const answer = nextLine();
    child.stdin!.write('stats\n');
    const { cpu, roundTrips } = JSON.parse(await answer);
    return { cpuMs: cpu / 1000, roundTrips };
  };
  return { target, url: `http://127.0.0.1:${port}`, child, stats };
}

export async function stopServers(servers: Server[]): Promise<void> {
  for (const server of servers) server.child.stdin?.end();
  await Promise.all(
    servers.map((s) => s.child.exitCode ?? new Promise((resolve) => s.child.once('exit', resolve))),
  );
}

/** One request as a lane sends it: resolves when its answer has arrived wherever it goes. */
export type Send = (server: Server, user: number) => Promise<void>;

interface Tally {
  times: number[];
  ms: number;
  cpuMs: number;
  roundTrips: number;
}

/** `inFlight` lanes sending for `ms`, each waiting for its answer before the next. */
async function load(server: Server, inFlight: number, ms: number, send: Send): Promise<Tally> {
  const times: number[] = [];
  const before = await server.stats();
  const started = performance.now();
  const lane = async (lane: number) => {
    for (let turn = 0; performance.now() - started < ms; turn += 1) {
      const sent = performance.now();
      await send(server, userOf(lane, inFlight, turn));
      times.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
  const elapsed = performance.now() - started;
  const after = await server.stats();
  return {
    times,
    ms: elapsed,
    cpuMs: after.cpuMs - before.cpuMs,
    roundTrips: after.roundTrips - before.roundTrips,
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.floor(p * (sorted.length - 1))] ?? Number.NaN;

/** Measures `send` on every server at 1, 10 and 50 in flight; the table's lines. */
export async function measure(title: string, servers: Server[], send: Send): Promise<string[]> {
  const lines = [
    `${title}: ${SECONDS} s per server per level, interleaved in ${ROUNDS} rounds, after ${WARM_UP} to warm up`,
    'target              in flight   p50 ms   p99 ms  p99 vs bare    req/s  req/s vs bare  round trips/req  CPU ms/req',
  ];
  for (const inFlight of LEVELS) {
    for (const server of servers) {
      await Promise.all(
        Array.from({ length: Math.min(inFlight, WARM_UP) }, async (_, lane) => {
          for (let turn = 0; turn < Math.ceil(WARM_UP / inFlight); turn += 1)
            await send(server, userOf(lane, inFlight, turn));
        }),
      );
    }
    const tallies = new Map<Server, Tally>(
      servers.map((server) => [server, { times: [], ms: 0, cpuMs: 0, roundTrips: 0 }]),
    );
    // Interleaved, so that another process's burst of work falls on every target alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const server of servers) {
        const got = await load(server, inFlight, (SECONDS * 1000) / ROUNDS, send);
        const tally = tallies.get(server)!;
        tally.times.push(...got.times);
        tally.ms += got.ms;
        tally.cpuMs += got.cpuMs;
        tally.roundTrips += got.roundTrips;
      }
    }
    for (const server of servers) {
      const tally = tallies.get(server)!;
      const bare = servers.find(
        (s) => s.target.kind === 'bare' && s.target.provider === server.target.provider,
      );
      const bareTally = bare && tallies.get(bare)!;
      const sorted = [...tally.times].sort((a, b) => a - b);
      const p99 = percentile(sorted, 0.99);
      const rate = (tally.times.length * 1000) / tally.ms;
      let p99Ratio = 'baseline';
      let rateRatio = 'baseline';
      if (server.target.kind !== 'bare' && bareTally) {
        const bareSorted = [...bareTally.times].sort((a, b) => a - b);
        const ratio = p99 / percentile(bareSorted, 0.99);
        const share = rate / ((bareTally.times.length * 1000) / bareTally.ms);
        p99Ratio = `${ratio.toFixed(2)}×${ratio > 1.5 ? ' over' : ''}`;
        rateRatio = `${(share * 100).toFixed(0)}%${share < 0.6 ? ' under' : ''}`;
      }
      lines.push(
        [
          targetName(server.target).padEnd(18),
          String(inFlight).padStart(10),
          percentile(sorted, 0.5).toFixed(2).padStart(8),
          p99.toFixed(2).padStart(8),
          p99Ratio.padStart(12),
          rate.toFixed(0).padStart(8),
          rateRatio.padStart(14),
          (tally.roundTrips / tally.times.length).toFixed(2).padStart(16),
          (tally.cpuMs / tally.times.length).toFixed(3).padStart(11),
        ].join(' '),
      );
    }
  }
  return lines;
}
