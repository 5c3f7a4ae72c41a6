import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { startWholeBot, type WholeBot } from './whole-bot';

/**
 * Behind an ingress every request comes from the ingress's address: the per-address limits (sign-in,
 * the partner API) must read the caller from X-Forwarded-For, and only when the proxy is named.
 */
describe('the caller behind a proxy (TRUST_PROXY)', () => {
  let whole: WholeBot | undefined;
  afterEach(async () => {
    await whole?.stop();
    whole = undefined;
  });

  const signIn = (bot: WholeBot, forwardedFor: string) =>
    fetch(`${bot.base}/dashboard/sign-in?link=guess`, { headers: { 'x-forwarded-for': forwardedFor } });

  it('counts each forwarded caller on its own when the proxy is trusted', async () => {
    whole = await startWholeBot('sqlite', {
      clock: fixedClock('2026-03-04T12:00:00Z'),
      env: { TRUST_PROXY: 'loopback', SIGN_IN_RATE_PER_MINUTE: '2' },
    });
    const first = [];
    for (let i = 0; i < 3; i += 1) first.push((await signIn(whole, '203.0.113.7')).status);
    expect(first).toEqual([410, 410, 429]);
    expect((await signIn(whole, '203.0.113.8')).status).toBe(410);
  });

  it('does not believe X-Forwarded-For from a proxy it was not told of', async () => {
    whole = await startWholeBot('sqlite', {
      clock: fixedClock('2026-03-04T12:00:00Z'),
      env: { SIGN_IN_RATE_PER_MINUTE: '2' },
    });
    const statuses = [];
    for (const caller of ['203.0.113.7', '203.0.113.8', '203.0.113.9'])
      statuses.push((await signIn(whole, caller)).status);
    expect(statuses).toEqual([410, 410, 429]);
  });

  it('takes hops or named proxies, and refuses to believe everyone', () => {
    const load = (TRUST_PROXY: string) => loadConfig({ NODE_ENV: 'test', TRUST_PROXY }).TRUST_PROXY;
    expect(load('1')).toBe(1);
    expect(load('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    for (const wrong of ['true', '*', 'proxy.example.org', '10.0.0.0/40'])
      expect(() => load(wrong)).toThrow(ConfigError);
  });
});
