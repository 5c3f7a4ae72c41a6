import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, fixedClock } from '../../src/domain/clock';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { intelligenceAnswers } from '../gateway/support/fixtures';
import { commandBody, send } from '../slack/slack-requests';
import { providers } from '../support/databases';
import { startWholeBot, type WholeBot } from './whole-bot';

const byAdmin = { name: 'security test set-up', surface: 'admin' };

describe.each(providers)('the partner API and sign-in limits on %s', (provider) => {
  let whole: WholeBot;
  const clock = fixedClock('2026-03-04T12:00:00Z');
  let tokens: ApiTokenService;

  beforeAll(async () => {
    whole = await startWholeBot(provider, {
      clock,
      env: {
        API_TOKEN_DAYS: '30',
        API_RATE_PER_MINUTE: '6',
        API_RATE_PER_ADDRESS_PER_MINUTE: '40',
        SIGN_IN_RATE_PER_MINUTE: '3',
        PROBE_ALERT_AFTER: '4',
      },
    });
    const { bot } = whole;
    tokens = new ApiTokenService(bot.database.db, bot.database.provider, bot.core.users, bot.core.clock, 30);
  });
  afterAll(async () => {
    await whole?.stop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${whole.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('makes a practitioner token unless the admin names another role with --allow-role', async () => {
    await expect(
      tokens.create(byAdmin, { name: 'mash-wide', role: 'met-member', agency: 'Example MASH' }),
    ).rejects.toThrow('add --allow-role met-member');
    const made = await tokens.create(byAdmin, {
      name: 'mash-wide',
      role: 'met-member',
      agency: 'Example MASH',
      allowRole: 'met-member',
    });
    expect((await tokens.authenticate(made.token))?.role).toBe('met-member');
    const plain = await tokens.create(byAdmin, { name: 'school-plain', role: 'practitioner', agency: 'A' });
    expect((await tokens.authenticate(plain.token))?.role).toBe('practitioner');
  });

  it('stops a token working after API_TOKEN_DAYS (401), and lists when each expires', async () => {
    const { token, expiresAt } = await tokens.create(byAdmin, {
      name: 'short-lived',
      role: 'practitioner',
      agency: 'Example Council',
    });
    expect(expiresAt.toISOString()).toBe('2026-04-03T12:00:00.000Z');
    expect((await get('/api/v1/records/INT-2026-000001', token)).status).toBe(404);
    clock.advance(30 * DAY);
    try {
      const expired = await get('/api/v1/records/INT-2026-000001', token);
      expect(expired.status).toBe(401);
      expect((await expired.json()).message).toContain('expired');
      const listed = (await tokens.list()).find((t) => t.name === 'short-lived');
      expect(listed?.expiresAt.toISOString()).toBe('2026-04-03T12:00:00.000Z');
    } finally {
      clock.set('2026-03-04T12:00:00Z');
    }
  });

  it('answers 404, not 403, for a record the caller may not see, and 201 for its own', async () => {
    const mine = await tokens.create(byAdmin, { name: 'school-a', role: 'practitioner', agency: 'A' });
    const theirs = await tokens.create(byAdmin, { name: 'school-b', role: 'practitioner', agency: 'B' });
    const saved = await fetch(`${whole.base}/api/v1/intelligence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mine.token}` },
      body: JSON.stringify(intelligenceAnswers()),
    });
    expect(saved.status).toBe(201);
    const { reference } = (await saved.json()) as { reference: string };
    expect((await get(`/api/v1/records/${reference}`, mine.token)).status).toBe(200);
    const hidden = await get(`/api/v1/records/${reference}`, theirs.token);
    const missing = await get('/api/v1/records/INT-2026-999999', theirs.token);
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    // The two answers are the same, word for word: nothing tells a hidden record from a missing one.
    expect(await hidden.text()).toBe(await missing.text());
  });

  it('limits each token (429 with Retry-After), whatever the answer', async () => {
    clock.advance(60_000);
    const { token } = await tokens.create(byAdmin, {
      name: 'busy-script',
      role: 'practitioner',
      agency: 'A',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await get('/api/v1/records/INT-2026-000001', token)).status);
    expect(statuses.slice(0, 6).every((status) => status === 404)).toBe(true);
    const limited = await get('/api/v1/records/INT-2026-000001', token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: 'too-many' });
    clock.advance(60_000);
    expect((await get('/api/v1/records/INT-2026-000001', token)).status).toBe(404);
  });

  it('alerts duty officers once when one token walks through references, and audits it', async () => {
    clock.advance(60_000);
    const { token } = await tokens.create(byAdmin, { name: 'walker', role: 'practitioner', agency: 'A' });
    const db = whole.bot.database.db;
    // The address was alerted on already, by the tests above: this one counts the token alone.
    const before = await db.alert.count({ where: { rule: 'access-probing' } });
    for (let i = 1; i <= 5; i += 1) {
      expect((await get(`/api/v1/records/INT-2026-00010${i}`, token)).status).toBe(404);
    }
    const alerts = await db.alert.findMany({
      where: { rule: 'access-probing' },
      orderBy: { createdAt: 'asc' },
    });
    expect(alerts).toHaveLength(before + 1);
    expect(alerts.at(-1)).toMatchObject({ audience: 'duty', reference: null, initials: null });
    const audit = await db.auditEvent.findMany({
      where: { recordType: 'api-caller', recordId: 'token:walker (API)' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'refuse',
      surface: 'api',
      detail: '4 look-ups of unknown references within 10 minutes',
    });
  });

  it('limits sign-in attempts from one address, on the sign-in page and the Teams tab sign-in', async () => {
    clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get('/dashboard/sign-in?link=guess')).status);
    expect(statuses).toEqual([410, 410, 410]);
    const page = await get('/dashboard/sign-in?link=guess');
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe('60');
    expect(await page.text()).toContain('Too many tries to sign in');
    const sso = await fetch(`${whole.base}/dashboard/teams/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: whole.base },
      body: JSON.stringify({ token: 'x' }),
    });
    expect(sso.status).toBe(429);
    expect(await sso.json()).toMatchObject({ error: 'too-many' });
    clock.advance(60_000);
  });

  it('Slack: a replayed slash command (same trigger_id), still inside the 5 minutes, does nothing', async () => {
    const body = commandBody('help', { user: 'U1' }, 'C1');
    const first = await send(whole.base, body, 'application/x-www-form-urlencoded');
    expect(first.status).toBe(200);
    expect(first.text).toContain('intelligence');
    const replayed = await send(whole.base, body, 'application/x-www-form-urlencoded');
    expect(replayed.status).toBe(200);
    expect(replayed.text).toBe('');
  });
});
