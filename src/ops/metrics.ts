import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import client from 'prom-client';
import { z } from 'zod';
import { parseSettings } from '../config';
import { type Clock, systemClock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Database } from '../store/database';

export const MetricsSettingsSchema = z.object({
  /** The bearer token Prometheus sends to GET /metrics; with none set, /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters (openssl rand -hex 24)').optional(),
});

/** A timer due this long ago and still pending counts as late: the scheduler polls every few seconds. */
export const TIMER_LATE_AFTER_MS = 60_000;

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';

export interface Metrics {
  registry: client.Registry;
  /** The outbox worker reports each attempt's outcome here. */
  countDelivery(destination: string, outcome: DeliveryOutcome): void;
  /** Times each HTTP request, by route and surface. */
  middleware(req: Request, res: Response, next: NextFunction): void;
  mount(app: Express): void;
}

export interface MetricsOptions {
  token: string;
  database: Pick<Database, 'db' | 'pool'>;
  log: Logger;
  clock?: Clock;
  /** Several scrapers (or one scraping every second) share one round of queries for this long. */
  cacheMs?: number;
}

/** On when METRICS_TOKEN is set. */
export function metricsFrom(
  env: NodeJS.ProcessEnv,
  options: Omit<MetricsOptions, 'token'>,
): Metrics | undefined {
  const { METRICS_TOKEN } = parseSettings(MetricsSettingsSchema, env);
  return METRICS_TOKEN ? createMetrics({ ...options, token: METRICS_TOKEN }) : undefined;
}

/** Which surface a path belongs to: a label with a handful of values, never the raw path. */
export function surfaceOf(path: string): string {
  if (path.startsWith('/slack/')) return 'slack';
  if (path === '/api/messages') return 'teams';
  if (path.startsWith('/dashboard') || path.startsWith('/api/v1/dashboard')) return 'web';
  if (path.startsWith('/api/')) return 'api';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'ops';
  return 'other';
}

/** The route pattern that answered (`/api/v1/records/:reference`), or "unmatched": bounded labels. */
export function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return route?.path === undefined ? 'unmatched' : `${req.baseUrl ?? ''}${String(route.path)}`;
}

interface Figures {
  outbox: { destination: string; status: string; count: number; oldest: Date | null }[];
  timersDue: { kind: string; count: number; oldest: Date | null }[];
  timersLate: { kind: string; count: number }[];
  alerts: { rule: string; escalated: boolean; count: number; oldest: Date | null }[];
}

/** Everything the gauges need, in four grouped queries over indexed columns. */
async function readFigures(database: Pick<Database, 'db'>, now: Date): Promise<Figures> {
  const { db } = database;
  const [outbox, timersDue, timersLate, alerts] = await Promise.all([
    db.outboxMessage.groupBy({
      by: ['destination', 'status'],
      where: { status: { in: ['pending', 'dead'] } },
      _count: { _all: true },
      _min: { createdAt: true },
    }),
    db.timer.groupBy({
      by: ['kind'],
      where: { status: 'pending', dueAt: { lte: now } },
      _count: { _all: true },
      _min: { dueAt: true },
    }),
    db.timer.groupBy({
      by: ['kind'],
      where: { status: 'pending', dueAt: { lte: new Date(now.getTime() - TIMER_LATE_AFTER_MS) } },
      _count: { _all: true },
    }),
    db.alert.groupBy({
      by: ['rule', 'escalatedAt'],
      where: { acknowledgedAt: null },
      _count: { _all: true },
      _min: { createdAt: true },
    }),
  ]);
  // escalatedAt is grouped by its value: fold the rows into escalated or not.
  const folded = new Map<string, Figures['alerts'][number]>();
  for (const row of alerts) {
    const escalated = row.escalatedAt !== null;
    const key = `${row.rule}\0${escalated}`;
    const seen = folded.get(key) ?? { rule: row.rule, escalated, count: 0, oldest: null };
    seen.count += row._count._all;
    const oldest = row._min.createdAt;
    if (oldest && (!seen.oldest || oldest < seen.oldest)) seen.oldest = oldest;
    folded.set(key, seen);
  }
  return {
    outbox: outbox.map((row) => ({
      destination: row.destination,
      status: row.status,
      count: row._count._all,
      oldest: row._min.createdAt,
    })),
    timersDue: timersDue.map((row) => ({ kind: row.kind, count: row._count._all, oldest: row._min.dueAt })),
    timersLate: timersLate.map((row) => ({ kind: row.kind, count: row._count._all })),
    alerts: [...folded.values()],
  };
}

function sameToken(offered: string, token: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(offered), digest(token));
}

/**
 * Prometheus metrics. Counters and the latency histogram are this instance's; the queue, timer and
 * alert gauges are read from the shared database when scraped (cached for `cacheMs`), so every
 * replica reports the same figures: alert on max() of them, not sum().
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const { database, log, token } = options;
  const clock = options.clock ?? systemClock;
  const cacheMs = options.cacheMs ?? 5_000;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'metbot_' });

  const http = new client.Histogram({
    name: 'metbot_http_request_duration_seconds',
    help: 'HTTP requests answered, by route pattern, surface, method and status, and how long each took',
    labelNames: ['route', 'surface', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new client.Counter({
    name: 'metbot_outbox_deliveries_total',
    help: "Delivery attempts made by this instance's outbox worker, by destination and outcome (delivered, retry, dead)",
    labelNames: ['destination', 'outcome'] as const,
    registers: [registry],
  });

  let cached: { at: number; figures: Promise<Figures | undefined> } | undefined;
  const figures = (): Promise<Figures | undefined> => {
    const at = Date.now();
    if (!cached || at - cached.at > cacheMs) {
      cached = {
        at,
        figures: readFigures(database, clock.now()).catch((err) => {
          log.warn({ err }, 'metrics: could not read the queue figures');
          return undefined;
        }),
      };
    }
    return cached.figures;
  };
  const ageSeconds = (since: Date | null) =>
    since ? Math.max(0, (clock.now().getTime() - since.getTime()) / 1000) : 0;

  /** A gauge filled from the figures on each scrape; absent (not zero) when the database did not answer. */
  const fromFigures = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: client.Gauge<L>, figures: Figures) => void,
  ) =>
    new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const read = await figures();
        this.reset();
        if (read) fill(this, read);
      },
    });

  new client.Gauge({
    name: 'metbot_database_up',
    help: '1 when the database answered the last scrape',
    registers: [registry],
    async collect() {
      this.set((await figures()) ? 1 : 0);
    },
  });
  fromFigures(
    'metbot_outbox_pending',
    'Outbox messages waiting to be delivered (claimed or not), by destination',
    ['destination'],
    (gauge, read) => {
      for (const row of read.outbox)
        if (row.status === 'pending') gauge.set({ destination: row.destination }, row.count);
    },
  );
  fromFigures(
    'metbot_outbox_oldest_pending_age_seconds',
    'How long the oldest undelivered outbox message has waited, by destination',
    ['destination'],
    (gauge, read) => {
      for (const row of read.outbox)
        if (row.status === 'pending') gauge.set({ destination: row.destination }, ageSeconds(row.oldest));
    },
  );
  fromFigures(
    'metbot_outbox_dead_letters',
    'Outbox messages given up on (dead letters) waiting for an admin, by destination',
    ['destination'],
    (gauge, read) => {
      for (const row of read.outbox)
        if (row.status === 'dead') gauge.set({ destination: row.destination }, row.count);
    },
  );
  fromFigures('metbot_timers_due', 'Pending timers whose time has come, by kind', ['kind'], (gauge, read) => {
    for (const row of read.timersDue) gauge.set({ kind: row.kind }, row.count);
  });
  fromFigures(
    'metbot_timers_late',
    `Pending timers due more than ${TIMER_LATE_AFTER_MS / 1000} s ago and not yet fired, by kind`,
    ['kind'],
    (gauge, read) => {
      for (const row of read.timersLate) gauge.set({ kind: row.kind }, row.count);
    },
  );
  fromFigures(
    'metbot_timers_oldest_due_age_seconds',
    'How long ago the oldest pending due timer was due, by kind',
    ['kind'],
    (gauge, read) => {
      for (const row of read.timersDue) gauge.set({ kind: row.kind }, ageSeconds(row.oldest));
    },
  );
  fromFigures(
    'metbot_alerts_unacknowledged',
    'Open alerts: raised and not acknowledged, by rule and whether they have escalated',
    ['rule', 'escalated'],
    (gauge, read) => {
      for (const row of read.alerts)
        gauge.set({ rule: row.rule, escalated: row.escalated ? 'yes' : 'no' }, row.count);
    },
  );
  fromFigures(
    'metbot_alerts_oldest_unacknowledged_age_seconds',
    'How long the oldest unacknowledged alert has been open, by rule',
    ['rule'],
    (gauge, read) => {
      const oldest = new Map<string, number>();
      for (const row of read.alerts)
        oldest.set(row.rule, Math.max(oldest.get(row.rule) ?? 0, ageSeconds(row.oldest)));
      for (const [rule, age] of oldest) gauge.set({ rule }, age);
    },
  );
  new client.Gauge({
    name: 'metbot_database_pool_connections',
    help: "This instance's PostgreSQL pool: connections by state (total, idle, waiting clients); absent on SQLite",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const pool = database.pool?.();
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
      this.set({ state: 'max' }, pool.max);
    },
  });

  return {
    registry,
    countDelivery: (destination, outcome) => deliveries.inc({ destination, outcome }),
    middleware(req, res, next) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        http.observe(
          { route: routeOf(req), surface: surfaceOf(req.path), method: req.method, status: res.statusCode },
          seconds,
        );
      });
      next();
    },
    mount(app) {
      app.get('/metrics', async (req, res) => {
        const offered = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        if (!offered || !sameToken(offered, token)) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          return void res.status(401).type('text').send('A bearer token is needed (METRICS_TOKEN)\n');
        }
        try {
          res.type(registry.contentType).send(await registry.metrics());
        } catch (err) {
          log.error({ err }, 'metrics: could not render the metrics');
          res.status(500).type('text').send('Could not render the metrics\n');
        }
      });
    },
  };
}
