import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createMetrics, metricsFrom, surfaceOf } from '../../src/ops/metrics';
import { createApp, listen, type RunningServer } from '../../src/server';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';

const log = createLogger('silent');
const token = 'a-metrics-token-of-some-length';
const now = new Date('2026-03-02T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** The value of one sample in Prometheus' text format, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe.each(providers)('/metrics on %s', (provider) => {
  let database: TestDatabase;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const { db } = database;
    const message = (destination: string, status: string, createdAt: Date, key: string) => ({
      destination,
      status,
      createdAt,
      idempotencyKey: key,
      payloadEnc: 'x',
    });
    await db.outboxMessage.createMany({
      data: [
        message('gateway-email', 'pending', minutesAgo(12), 'a'),
        message('gateway-email', 'pending', minutesAgo(1), 'b'),
        message('gateway-email', 'delivered', minutesAgo(60), 'c'),
        message('gateway-webhook', 'dead', minutesAgo(30), 'd'),
      ],
    });
    await db.timer.createMany({
      data: [
        { kind: 'alert-escalation', subjectId: 's1', dueAt: minutesAgo(5) },
        { kind: 'alert-escalation', subjectId: 's2', dueAt: new Date(now.getTime() - 10_000) },
        { kind: 'alert-escalation', subjectId: 's3', dueAt: minutesAgo(-30) },
        { kind: 'alert-escalation', subjectId: 's4', dueAt: minutesAgo(50), status: 'fired' },
      ],
    });
    await db.alert.createMany({
      data: [
        { rule: 'immediate-danger', audience: 'duty', createdAt: minutesAgo(20) },
        { rule: 'immediate-danger', audience: 'duty', createdAt: minutesAgo(3) },
        {
          rule: 'immediate-danger',
          audience: 'duty',
          createdAt: minutesAgo(90),
          acknowledgedAt: minutesAgo(80),
        },
        {
          rule: 'missing-high-risk',
          audience: 'admins',
          createdAt: minutesAgo(200),
          escalatedAt: minutesAgo(80),
        },
      ],
    });
    const metrics = createMetrics({ token, database, log, clock: fixedClock(now) });
    metrics.countDelivery('gateway-email', 'delivered');
    metrics.countDelivery('gateway-webhook', 'dead');
    server = await listen(createApp(database, [], { metrics }), 0, '127.0.0.1', log);
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await database?.destroy();
  });

  it('refuses a scrape without the bearer token, or with a wrong one', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('reports the queue, timers, alerts and request timings from the database and this instance', async () => {
    await fetch(`${base}/healthz`);
    const response = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    expect(sample(text, 'metbot_database_up')).toBe(1);
    expect(sample(text, 'metbot_outbox_pending', { destination: 'gateway-email' })).toBe(2);
    expect(sample(text, 'metbot_outbox_oldest_pending_age_seconds', { destination: 'gateway-email' })).toBe(
      720,
    );
    expect(sample(text, 'metbot_outbox_dead_letters', { destination: 'gateway-webhook' })).toBe(1);
    expect(sample(text, 'metbot_outbox_dead_letters', { destination: 'gateway-email' })).toBeUndefined();
    expect(
      sample(text, 'metbot_outbox_deliveries_total', { destination: 'gateway-email', outcome: 'delivered' }),
    ).toBe(1);
    expect(
      sample(text, 'metbot_outbox_deliveries_total', { destination: 'gateway-webhook', outcome: 'dead' }),
    ).toBe(1);

    expect(sample(text, 'metbot_timers_due', { kind: 'alert-escalation' })).toBe(2);
    expect(sample(text, 'metbot_timers_late', { kind: 'alert-escalation' })).toBe(1);
    expect(sample(text, 'metbot_timers_oldest_due_age_seconds', { kind: 'alert-escalation' })).toBe(300);

    expect(sample(text, 'metbot_alerts_unacknowledged', { rule: 'immediate-danger', escalated: 'no' })).toBe(
      2,
    );
    expect(
      sample(text, 'metbot_alerts_unacknowledged', { rule: 'missing-high-risk', escalated: 'yes' }),
    ).toBe(1);
    expect(
      sample(text, 'metbot_alerts_oldest_unacknowledged_age_seconds', { rule: 'immediate-danger' }),
    ).toBe(1200);

    expect(
      sample(text, 'metbot_http_request_duration_seconds_count', {
        route: '/healthz',
        surface: 'ops',
        method: 'GET',
        status: '200',
      }),
    ).toBe(1);
    expect(sample(text, 'metbot_process_resident_memory_bytes')).toBeGreaterThan(0);
    if (provider === 'postgresql') {
      expect(sample(text, 'metbot_database_pool_connections', { state: 'max' })).toBe(14);
    } else {
      expect(sample(text, 'metbot_database_pool_connections', { state: 'max' })).toBeUndefined();
    }
  });
});

describe('metrics settings and labels', () => {
  it('is off without METRICS_TOKEN and refuses a short one', () => {
    const options = { database: { db: {} as never }, log };
    expect(metricsFrom({}, options)).toBeUndefined();
    expect(() => metricsFrom({ METRICS_TOKEN: 'short' }, options)).toThrow(
      /METRICS_TOKEN must be at least 16/,
    );
  });

  it('labels each path with its surface, never the path itself', () => {
    expect(surfaceOf('/slack/events')).toBe('slack');
    expect(surfaceOf('/api/messages')).toBe('teams');
    expect(surfaceOf('/api/v1/dashboard/list')).toBe('web');
    expect(surfaceOf('/dashboard/sign-in')).toBe('web');
    expect(surfaceOf('/api/v1/records/MET-1')).toBe('api');
    expect(surfaceOf('/readyz')).toBe('ops');
    expect(surfaceOf('/wp-login.php')).toBe('other');
  });
});
