import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { providers } from '../support/databases';
import { type Dashboard, startDashboard } from './harness';
import { makeActor } from './support';

/** Issue 17, transport: __Host- cookies and HSTS over HTTPS, Teams-only framing, one session a person. */

const hsts = 'max-age=31536000; includeSubDomains';

describe('the dashboard behind an https PUBLIC_URL', () => {
  let dash: Dashboard;
  let member: Actor;

  beforeAll(async () => {
    dash = await startDashboard('sqlite', { settings: { publicUrl: 'https://metbot.example' } });
    member = await makeActor(dash.database.db, 'met-1', 'met-member');
  });
  afterAll(() => dash.close());

  it('names the session cookies with the __Host- prefix: Secure, Path=/, no Domain', async () => {
    const { token } = await dash.context.links.issueLink(member.id);
    const response = await fetch(`${dash.base}/dashboard/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.base },
      body: new URLSearchParams({ link: token }),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-metbot_dashboard=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(await dash.signIn(member.id, 'tab')).toMatch(/^__Host-metbot_tab=/);
  });

  it('reads only the __Host- cookie: the same token without the prefix is not a session', async () => {
    const cookie = await dash.signIn(member.id);
    const me = (header: string) => fetch(`${dash.base}/api/v1/dashboard/me`, { headers: { cookie: header } });
    expect((await me(cookie)).status).toBe(200);
    expect((await me(cookie.replace(/^__Host-/, ''))).status).toBe(401);
  });

  it('clears the __Host- cookie on sign-out', async () => {
    const cookie = await dash.signIn(member.id);
    const response = await fetch(`${dash.base}/dashboard/sign-out`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: dash.base },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(
      /^__Host-metbot_dashboard=; Path=\/;.*; Secure; Max-Age=0$/,
    );
  });

  it('sends Strict-Transport-Security on pages, the API, sign-in and assets', async () => {
    const cookie = await dash.signIn(member.id);
    for (const path of [
      '/dashboard',
      '/api/v1/dashboard/me',
      '/dashboard/sign-in?link=x',
      '/dashboard/teams',
    ]) {
      const response = await fetch(`${dash.base}${path}`, { redirect: 'manual', headers: { cookie } });
      expect(response.headers.get('strict-transport-security'), path).toBe(hsts);
    }
    const unsigned = await fetch(`${dash.base}/api/v1/dashboard/me`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('strict-transport-security')).toBe(hsts);
  });
});

describe('the dashboard on plain http (a local trial)', () => {
  let dash: Dashboard;
  let member: Actor;

  beforeAll(async () => {
    dash = await startDashboard('sqlite');
    member = await makeActor(dash.database.db, 'met-1', 'met-member');
  });
  afterAll(() => dash.close());

  it('keeps the unprefixed cookie and sends no HSTS', async () => {
    const cookie = await dash.signIn(member.id);
    expect(cookie).toMatch(/^metbot_dashboard=/);
    const response = await fetch(`${dash.base}/dashboard`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('lets only the Teams hosts Microsoft documents frame the pages', async () => {
    const response = await fetch(`${dash.base}/dashboard/teams`);
    const csp = response.headers.get('content-security-policy') ?? '';
    const ancestors = csp.split('; ').find((part) => part.startsWith('frame-ancestors '));
    expect(ancestors).toBe(
      "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://teams.cloud.microsoft",
    );
  });
});

describe.each(providers)('a new sign-in ends the old sessions (%s)', (provider) => {
  let dash: Dashboard;
  let member: Actor;
  let other: Actor;

  beforeAll(async () => {
    dash = await startDashboard(provider);
    member = await makeActor(dash.database.db, 'met-1', 'met-member');
    other = await makeActor(dash.database.db, 'met-2', 'met-member');
  });
  afterAll(() => dash.close());

  const me = (cookie: string) => fetch(`${dash.base}/api/v1/dashboard/me`, { headers: { cookie } });

  it('ends the browser and tab sessions the person had, and nobody else’s', async () => {
    const first = await dash.signIn(member.id);
    const tab = await dash.signIn(member.id, 'tab');
    expect((await me(first)).status).toBe(401);
    expect((await me(tab)).status).toBe(200);
    const others = await dash.signIn(other.id);

    const latest = await dash.signIn(member.id);
    expect((await me(latest)).status).toBe(200);
    expect((await me(tab)).status).toBe(401);
    const page = await fetch(`${dash.base}/dashboard`, { headers: { cookie: first } });
    expect(page.status).toBe(401);
    expect((await me(others)).status).toBe(200);
  });
});
