import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { type Bot, startBot } from '../../src/main';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { forgetRateWindowsBefore } from '../../src/store/rate-windows';
import { createTestDatabaseUrl, providers } from '../support/databases';

const byAdmin = { name: 'security test set-up', surface: 'admin' };

/**
 * Two instances of metbot on one database, as behind a load balancer: the limits are counted in
 * the database, so together they allow what one allows, not twice as much.
 */
describe.each(providers)('rate limits shared by two instances on %s', (provider) => {
  const clock = fixedClock('2026-03-04T12:00:00Z');
  const bots: Bot[] = [];
  const bases: string[] = [];
  let drop: () => Promise<void>;
  let dataDir: string;
  let tokens: ApiTokenService;

  beforeAll(async () => {
    const made = await createTestDatabaseUrl(provider);
    drop = made.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'metbot-limits-'));
    const env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: made.url,
      DATA_DIR: dataDir,
      DATA_KEY: randomBytes(32).toString('base64'),
      API_RATE_PER_MINUTE: '5',
      API_RATE_PER_ADDRESS_PER_MINUTE: '100',
      SIGN_IN_RATE_PER_MINUTE: '4',
      PROBE_ALERT_AFTER: '4',
    };
    for (let i = 0; i < 2; i += 1) {
      const bot = await startBot(loadConfig(env), createLogger('silent'), env, { clock });
      bots.push(bot);
      bases.push(`http://127.0.0.1:${bot.server!.port}`);
    }
    const { database, core } = bots[0]!;
    tokens = new ApiTokenService(database.db, database.provider, core.users, core.clock, 30);
  });
  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (instance: number, path: string, token?: string) =>
    fetch(`${bases[instance]}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('one token gets one budget across both instances (429 with Retry-After on either)', async () => {
    const { token } = await tokens.create(byAdmin, {
      name: 'spread-script',
      role: 'practitioner',
      agency: 'A',
    });
    const statuses: number[] = [];
    for (const instance of [0, 1, 0, 1, 0]) {
      statuses.push((await get(instance, '/api/v1/records/INT-2026-000001', token)).status);
    }
    // Each instance has seen fewer than 5, but together they have seen 5: the limit.
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const second = await get(1, '/api/v1/records/INT-2026-000001', token);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('60');
    expect(await second.json()).toMatchObject({ error: 'too-many' });
    expect((await get(0, '/api/v1/records/INT-2026-000001', token)).status).toBe(429);
    clock.advance(60_000);
    expect((await get(1, '/api/v1/records/INT-2026-000001', token)).status).toBe(404);
  });

  it('alerts once when look-ups of unknown references spread over both instances reach the threshold', async () => {
    clock.advance(10 * 60_000);
    const { token } = await tokens.create(byAdmin, {
      name: 'spread-walker',
      role: 'practitioner',
      agency: 'A',
    });
    const db = bots[0]!.database.db;
    // Two on each instance: neither alone reaches 4.
    for (const [i, instance] of [0, 1, 0, 1, 0].entries()) {
      expect((await get(instance, `/api/v1/records/INT-2026-00020${i}`, token)).status).toBe(404);
    }
    const audit = await db.auditEvent.findMany({
      where: { recordType: 'api-caller', recordId: 'token:spread-walker (API)' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'refuse',
      detail: '4 look-ups of unknown references within 10 minutes',
    });
  });

  it('one address gets one budget of sign-in attempts across both instances', async () => {
    clock.advance(60_000);
    const statuses: number[] = [];
    for (const instance of [0, 1, 1, 0]) {
      statuses.push((await get(instance, '/dashboard/sign-in?link=guess')).status);
    }
    expect(statuses).toEqual([410, 410, 410, 410]);
    const page = await get(1, '/dashboard/sign-in?link=guess');
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Too many tries to sign in');
    const sso = await fetch(`${bases[0]}/dashboard/teams/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: bases[0]! },
      body: JSON.stringify({ token: 'x' }),
    });
    expect(sso.status).toBe(429);
  });

  it('keeps no token or address in clear, and housekeeping forgets closed windows', async () => {
    const db = bots[0]!.database.db;
    const rows = await db.rateWindow.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.bucket).toMatch(/^(api-address|api-token|sign-in|probe):[A-Za-z0-9_-]{22}$/);
      expect(row.bucket).not.toContain('127.0.0.1');
    }
    clock.advance(60_000);
    const forgotten = await forgetRateWindowsBefore(db, clock.now());
    // The probe windows (10 minutes) opened in the last test's minute are still open.
    const left = await db.rateWindow.findMany();
    expect(forgotten).toBe(rows.length - left.length);
    expect(left.every((row) => Number(row.windowEnd) > clock.now().getTime())).toBe(true);
    expect(left.every((row) => row.bucket.startsWith('probe:'))).toBe(true);
  });
});
