import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardFeature } from '../../adapters/web';
import { readDashboardSettings } from '../../adapters/web/settings';
import type { Actor } from '../../src/access/actor';
import { NotPossibleError, RefusedError } from '../../src/access/refusal';
import { ConfigError } from '../../src/config';
import { toPlainText } from '../../src/conversation/plain-text';
import { loadPrompts } from '../../src/conversation/prompts';
import { fixedClock } from '../../src/domain/clock';
import type { FeatureDeps } from '../../src/feature';
import { createLogger } from '../../src/logger';
import { dashboardLinkReply } from '../../src/people/dashboard-link-reply';
import { LINK_MINUTES } from '../../src/people/dashboard-link-times';
import { DashboardLinks } from '../../src/people/dashboard-links.service';
import { createTestCore } from '../support/core';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';
import { makeActor } from './support';

const messages = loadPrompts().messages;

describe.each(providers)('sign-in links and sessions (%s)', (provider) => {
  let database: TestDatabase;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let links: DashboardLinks;
  let member: Actor;
  let practitioner: Actor;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    links = new DashboardLinks(database.db, database.provider, testCipher(), clock, {
      idleMinutes: 30,
    });
    member = await makeActor(database.db, 'met-1', 'met-member');
    practitioner = await makeActor(database.db, 'prac-1', 'practitioner');
  });
  afterAll(() => database.destroy());

  it('keeps only a hash of each link and session', async () => {
    const { token } = await links.issueLink(member.id);
    const redeemed = await links.redeemLink(token, 'browser');
    if (!redeemed.ok) throw new Error('not redeemed');
    const keys = (await database.db.inboundEvent.findMany()).map((row) => row.key);
    expect(keys.join(' ')).not.toContain(token.split('.')[1]);
    expect(keys.join(' ')).not.toContain(redeemed.session.split('.')[3]);
    // A session's key names its user (so a new sign-in can end the others), then the hash.
    expect(keys.every((key) => /^dashboard-(link|session:[0-9a-f-]{36}):[0-9a-f]{64}$/.test(key))).toBe(true);
  });

  it('lets a link work once, within 10 minutes', async () => {
    const first = await links.issueLink(member.id);
    expect(first.expiresAt).toEqual(new Date(clock.now().getTime() + LINK_MINUTES * 60_000));
    const [a, b] = await Promise.all([
      links.redeemLink(first.token, 'browser'),
      links.redeemLink(first.token, 'browser'),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]); // two at once: exactly one wins
    const late = await links.issueLink(member.id);
    clock.advance(LINK_MINUTES * 60_000 - 1);
    expect(await links.checkLink(late.token)).toBe('valid');
    clock.advance(1);
    expect(await links.checkLink(late.token)).toBe('expired');
    expect(await links.redeemLink(late.token, 'browser')).toEqual({ ok: false, reason: 'expired' });
    expect(await links.redeemLink('not-a-token', 'browser')).toEqual({ ok: false, reason: 'used' });
    clock.set('2026-11-28T10:00:00Z');
  });

  it('refuses a tampered session token', async () => {
    const session = await links.openSession(member.id, 'browser', 'test');
    expect((await links.touchSession(session)).ok).toBe(true);
    const [userId, , issued, secret] = session.split('.');
    expect(await links.touchSession(`${practitioner.id}.browser.${issued}.${secret}`)).toEqual({
      ok: false,
      reason: 'ended',
    });
    expect(await links.touchSession(`${userId}.tab.${issued}.${secret}`)).toEqual({
      ok: false,
      reason: 'ended',
    });
  });

  it('ends a session after 12 hours however busy', async () => {
    const session = await links.openSession(member.id, 'browser', 'test');
    for (let minutes = 20; minutes <= 12 * 60; minutes += 20) {
      clock.advance(20 * 60_000);
      expect((await links.touchSession(session)).ok).toBe(true);
    }
    clock.advance(20 * 60_000);
    expect(await links.touchSession(session)).toEqual({ ok: false, reason: 'expired' });
    clock.set('2026-11-28T10:00:00Z');
  });

  it('sweeps links and sessions past their time', async () => {
    await database.db.inboundEvent.deleteMany();
    await links.issueLink(member.id);
    await links.openSession(member.id, 'browser', 'test');
    await database.db.inboundEvent.create({ data: { key: 'slack-event:Ev1', receivedAt: new Date(0) } });
    expect(await links.sweep()).toBe(0);
    clock.advance(31 * 60_000);
    expect(await links.sweep()).toBe(2);
    expect((await database.db.inboundEvent.findMany()).map((row) => row.key)).toEqual(['slack-event:Ev1']);
    clock.set('2026-11-28T10:00:00Z');
  });

  describe('`dashboard` in chat', () => {
    const deps = () => ({ links, publicUrl: 'https://metbot.example' });

    it('sends an entitled user a working link, privately', async () => {
      const reply = await dashboardLinkReply(deps(), member, { private: true });
      const shown = toPlainText(reply, messages);
      expect(shown).toContain('It works once, until Sat 28 Nov 2026, 10:10 (10 minutes)');
      const url = new URL(shown.split('\n')[1]!);
      expect(url.origin + url.pathname).toBe('https://metbot.example/dashboard/sign-in');
      expect(await links.checkLink(url.searchParams.get('link')!)).toBe('valid');
    });

    it('never posts a link in a channel', async () => {
      const reply = await dashboardLinkReply(deps(), member, { private: false });
      expect(toPlainText(reply, messages)).toBe(
        'I only send sign-in links in a private chat. Message me directly and type *dashboard*.',
      );
    });

    it('refuses a practitioner, and says when the address is not set up', async () => {
      await expect(dashboardLinkReply(deps(), practitioner, { private: true })).rejects.toBeInstanceOf(
        RefusedError,
      );
      const reply = await dashboardLinkReply({ links }, member, { private: true });
      expect(toPlainText(reply, messages)).toContain('PUBLIC_URL');
    });
  });

  describe('`npm run admin -- link --user <id>`', () => {
    it('makes a link for a user found by metbot id or platform id', async () => {
      const byId = await links.linkForUser(member.id, 'http://localhost:3978');
      expect(byId.url).toMatch(/^http:\/\/localhost:3978\/dashboard\/sign-in\?link=/);
      expect(byId.displayName).toBe('Tester met-1');
      const token = new URL(byId.url).searchParams.get('link')!;
      expect(await links.checkLink(token)).toBe('valid');
      const byPlatform = await links.linkForUser('met-1', 'http://x');
      expect(byPlatform.displayName).toBe('Tester met-1');
    });

    it('says why it cannot', async () => {
      await expect(links.linkForUser('nobody', 'http://x')).rejects.toThrow(
        new NotPossibleError('No user has the id nobody.'),
      );
      await expect(links.linkForUser(practitioner.id, 'http://x')).rejects.toThrow(
        'Tester prac-1 is a practitioner: the dashboard is for MET group members and duty officers.',
      );
    });
  });
});

describe('dashboard settings', () => {
  it('reads the defaults and the Teams sign-on settings', () => {
    expect(readDashboardSettings({})).toEqual({
      idleMinutes: 30,
      publicUrl: undefined,
      sso: undefined,
      signInPerMinute: 20,
    });
    expect(
      readDashboardSettings({
        DASHBOARD_SESSION_IDLE_MINUTES: '15',
        PUBLIC_URL: 'https://metbot.example/',
        MicrosoftAppId: 'app',
        TEAMS_ALLOWED_TENANTS: 'T1, t2',
        SIGN_IN_RATE_PER_MINUTE: '5',
      }),
    ).toEqual({
      idleMinutes: 15,
      signInPerMinute: 5,
      publicUrl: 'https://metbot.example',
      sso: {
        appId: 'app',
        tenants: ['t1', 't2'],
        jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      },
    });
  });

  it('stops start-up with one clear line for a wrong value', () => {
    expect(() => readDashboardSettings({ DASHBOARD_SESSION_IDLE_MINUTES: 'soon' })).toThrow(ConfigError);
    expect(() => readDashboardSettings({ PUBLIC_URL: 'metbot.example' })).toThrow(
      'PUBLIC_URL must be an http:// or https:// address (it is "metbot.example")',
    );
  });

  it('fetches Teams sign-on keys over https, or over http only on a loopback address (issue 17)', () => {
    const sso = (url: string) =>
      readDashboardSettings({ MicrosoftAppId: 'app', TEAMS_SSO_JWKS_URL: url }).sso?.jwksUrl;
    expect(sso('https://keys.example/keys')).toBe('https://keys.example/keys');
    expect(sso('http://127.0.0.1:9/keys')).toBe('http://127.0.0.1:9/keys');
    expect(sso('http://[::1]:9/keys')).toBe('http://[::1]:9/keys');
    for (const url of [
      'http://login.microsoftonline.com/common/discovery/v2.0/keys',
      'http://localhost:9/keys',
      'http://192.168.1.2/keys',
    ]) {
      expect(() => sso(url)).toThrow(
        `Invalid setting: TEAMS_SSO_JWKS_URL must be an https:// address (http:// only on a loopback address: 127.0.0.1 or [::1]) (it is "${url}")`,
      );
    }
  });

  it('is always on', async () => {
    const { core, database } = await createTestCore('sqlite');
    try {
      const result = await createDashboardFeature({
        env: {},
        core,
        log: createLogger('silent'),
      } as unknown as FeatureDeps);
      expect(result).toMatchObject({ on: true, feature: { name: 'dashboard' } });
    } finally {
      await database.destroy();
    }
  });
});
