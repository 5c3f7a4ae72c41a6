import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksKeySource, verifyTeamsToken } from '../../adapters/web/teams-sso';
import { type Dashboard, startDashboard } from './harness';

/*
 * Teams single sign-on against a local stand-in for Microsoft's key endpoint: a JWKS served on
 * loopback, and tokens signed here with RS256 as Entra ID would sign them.
 */
const appId = '11111111-2222-3333-4444-555555555555';
const tenant = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const objectId = '99999999-8888-7777-6666-555555555555';
const now = Date.parse('2026-11-28T10:00:00Z');

const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(
  claims: Record<string, unknown> = {},
  options: { key?: KeyObject; header?: Record<string, unknown> } = {},
): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'key-1', ...options.header };
  const body = {
    aud: `api://metbot.example/${appId}`,
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    tid: tenant,
    oid: objectId,
    name: 'Tester Teams',
    iat: now / 1000 - 60,
    nbf: now / 1000 - 60,
    exp: now / 1000 + 3600,
    ...claims,
  };
  const signed = `${b64(header)}.${b64(body)}`;
  const signature = sign('sha256', Buffer.from(signed), options.key ?? signing.privateKey).toString(
    'base64url',
  );
  return `${signed}.${signature}`;
}

let jwksServer: Server;
let jwksUrl: string;
let jwksRequests = 0;

beforeAll(async () => {
  const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' };
  jwksServer = createServer((_req, res) => {
    jwksRequests += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/discovery/v2.0/keys`;
});
afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

describe('checking a Teams token', () => {
  const check = () => ({
    appId,
    tenants: [tenant],
    keys: jwksKeySource(jwksUrl, { now: () => now }),
    now: () => now,
  });

  it('accepts a token Entra ID signed for our app and tenant', async () => {
    expect(await verifyTeamsToken(token(), check())).toEqual({
      ok: true,
      identity: { tenantId: tenant, objectId, name: 'Tester Teams' },
    });
    expect((await verifyTeamsToken(token({ aud: appId }), check())).ok).toBe(true);
    expect((await verifyTeamsToken(token({ iss: `https://sts.windows.net/${tenant}/` }), check())).ok).toBe(
      true,
    );
  });

  it.each([
    ['signed with another key', token({}, { key: stranger.privateKey }), 'bad signature'],
    [
      'for another app',
      token({ aud: 'api://metbot.example/00000000-0000-0000-0000-000000000000' }),
      'meant for another app',
    ],
    ['expired', token({ exp: now / 1000 - 3600 }), 'expired'],
    ['not valid yet', token({ nbf: now / 1000 + 3600 }), 'not yet valid'],
    ['from another issuer', token({ iss: 'https://login.example/v2.0' }), 'issuer does not match the tenant'],
    [
      'from another tenant',
      token({
        tid: 'ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee',
        iss: 'https://login.microsoftonline.com/ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee/v2.0',
      }),
      'tenant not allowed',
    ],
    ['with an unknown key id', token({}, { header: { kid: 'key-9' } }), 'unknown signing key'],
    ['with no user', token({ oid: undefined }), 'no user object id'],
    [
      'not signed ("none")',
      `${b64({ alg: 'none', kid: 'key-1' })}.${b64({ aud: appId })}.`,
      'algorithm none is not accepted',
    ],
    ['signed with HMAC', token({}, { header: { alg: 'HS256' } }), 'algorithm HS256 is not accepted'],
    ['not a JWT', 'hello', 'not a JWT'],
  ])('refuses a token %s', async (_name, given, why) => {
    expect(await verifyTeamsToken(given, check())).toEqual({ ok: false, why });
  });

  it('caches the keys, and fetches again for a new key id at most every five minutes', async () => {
    let clock = now;
    const keys = jwksKeySource(jwksUrl, { now: () => clock });
    const before = jwksRequests;
    await keys.key('key-1');
    await keys.key('key-1');
    expect(jwksRequests - before).toBe(1);
    expect(await keys.key('key-2')).toBeNull(); // fetched a minute ago: not again
    expect(jwksRequests - before).toBe(1);
    clock += 6 * 60_000;
    expect(await keys.key('key-2')).toBeNull();
    expect(jwksRequests - before).toBe(2);
  });

  it('says so when the key endpoint fails', async () => {
    const keys = jwksKeySource('http://127.0.0.1:1/keys');
    expect((await verifyTeamsToken(token(), { appId, tenants: [], keys })).ok).toBe(false);
  });
});

describe('signing in to the Teams tab', () => {
  let dash: Dashboard;

  beforeAll(async () => {
    dash = await startDashboard('sqlite', { settings: { sso: { appId, tenants: [tenant], jwksUrl } } });
    await dash.database.db.user.create({
      data: {
        platform: 'teams',
        workspace: tenant,
        platformUserId: objectId,
        displayName: 'Tester Teams',
        role: 'met-member',
      },
    });
  });
  afterAll(() => dash.close());

  const exchange = (given: string) =>
    fetch(`${dash.base}/dashboard/teams/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: dash.base },
      body: JSON.stringify({ token: given }),
    });

  it('opens a tab session for a known Teams user', async () => {
    const page = await (await fetch(`${dash.base}/dashboard/teams`)).text();
    expect(page).toContain('data-sso="on"');
    expect(page).toContain('/dashboard/assets/vendor/MicrosoftTeams.min.js');
    const response = await exchange(token());
    expect(response.status).toBe(200);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^metbot_tab=/);
    const me = await (await fetch(`${dash.base}/api/v1/dashboard/me`, { headers: { cookie } })).json();
    expect(me).toMatchObject({ displayName: 'Tester Teams', role: 'met-member', signedInFrom: 'tab' });
    const figures = await fetch(`${dash.base}/dashboard/figures`, { headers: { cookie } });
    expect(await figures.text()).toContain('/dashboard/assets/teams-page.js'); // teams-js started on every tab page
  });

  it("ends the person's other sessions when they sign in again with Teams (issue 17)", async () => {
    const user = await dash.database.db.user.findFirstOrThrow({ where: { platformUserId: objectId } });
    const me = (cookie: string) => fetch(`${dash.base}/api/v1/dashboard/me`, { headers: { cookie } });
    const browser = await dash.signIn(user.id);
    expect((await me(browser)).status).toBe(200);
    const first = (await exchange(token())).headers.get('set-cookie')!.split(';')[0]!;
    expect((await me(browser)).status).toBe(401);
    const second = (await exchange(token())).headers.get('set-cookie')!.split(';')[0]!;
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
  });

  it('refuses a bad token, and a Teams user metbot has not met', async () => {
    const bad = await exchange(token({}, { key: stranger.privateKey }));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const unknown = await exchange(token({ oid: '12121212-1212-1212-1212-121212121212' }));
    expect(unknown.status).toBe(403);
    expect((await unknown.json()).message).toContain('Say hello to the bot in Teams first');
  });

  it('sets a cookie the Teams frame can send when served over HTTPS', async () => {
    const https = await startDashboard('sqlite', {
      settings: { publicUrl: 'https://metbot.example', sso: { appId, tenants: [tenant], jwksUrl } },
    });
    try {
      await https.database.db.user.create({
        data: {
          platform: 'teams',
          workspace: tenant,
          platformUserId: objectId,
          displayName: 'Tester Teams',
          role: 'met-member',
        },
      });
      const response = await fetch(`${https.base}/dashboard/teams/sso`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: https.base },
        body: JSON.stringify({ token: token() }),
      });
      expect(response.headers.get('set-cookie')).toMatch(
        /^__Host-metbot_tab=[^;]+; Path=\/; HttpOnly; SameSite=None; Secure; Partitioned$/,
      );
    } finally {
      await https.close();
    }
  });

  it('offers the link when single sign-on is off', async () => {
    const plain = await startDashboard('sqlite');
    try {
      expect(await (await fetch(`${plain.base}/dashboard/teams`)).text()).toContain('data-sso="off"');
      const configure = await (await fetch(`${plain.base}/dashboard/teams/configure`)).text();
      expect(configure).toContain('/dashboard/assets/teams-config.js');
      expect((await fetch(`${plain.base}/dashboard/assets/teams-config.js`)).status).toBe(200);
      const response = await fetch(`${plain.base}/dashboard/teams/sso`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: plain.base },
        body: JSON.stringify({ token: token() }),
      });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
