import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { providers } from '../support/databases';
import { type Dashboard, startDashboard } from './harness';
import { makeActor } from './support';

describe.each(providers)('dashboard over HTTP (%s)', (provider) => {
  let dash: Dashboard;
  let member: Actor;
  let duty: Actor;
  let practitioner: Actor;
  let memberCookie: string;
  /** Signs in here with links of its own: a new sign-in would end the member's session. */
  let signer: Actor;

  beforeAll(async () => {
    dash = await startDashboard(provider);
    member = await makeActor(dash.database.db, 'met-1', 'met-member');
    duty = await makeActor(dash.database.db, 'duty-1', 'duty-officer');
    practitioner = await makeActor(dash.database.db, 'prac-1', 'practitioner');
    signer = await makeActor(dash.database.db, 'met-signer', 'met-member');
    memberCookie = await dash.signIn(member.id);
  });
  afterAll(() => dash.close());

  const get = (path: string, cookie?: string) =>
    fetch(`${dash.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  describe('signing in with a link', () => {
    it('shows a button first, so that a link preview does not use the link up', async () => {
      const { token } = await dash.context.links.issueLink(signer.id);
      const url = `/dashboard/sign-in?link=${encodeURIComponent(token)}`;
      for (const _ of [1, 2]) {
        const page = await get(url);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<button type="submit">Sign in</button>');
      }
      const response = await fetch(`${dash.base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.base },
        body: new URLSearchParams({ link: token }),
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/dashboard');
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^metbot_dashboard=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    });

    it('refuses a link used twice, and one older than 10 minutes', async () => {
      const { token } = await dash.context.links.issueLink(signer.id);
      const post = () =>
        fetch(`${dash.base}/dashboard/sign-in`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.base },
          body: new URLSearchParams({ link: token }),
        });
      expect((await post()).status).toBe(303);
      const again = await post();
      expect(again.status).toBe(410);
      expect(await again.text()).toContain('This link has already been used');

      const old = await dash.context.links.issueLink(signer.id);
      dash.clock.advance(10 * 60_000);
      try {
        const page = await get(`/dashboard/sign-in?link=${encodeURIComponent(old.token)}`);
        expect(page.status).toBe(410);
        expect(await page.text()).toContain('This link has expired');
      } finally {
        dash.clock.set('2026-11-28T10:00:00Z');
      }
    });

    it('refuses a sign-in posted from another site', async () => {
      const { token } = await dash.context.links.issueLink(signer.id);
      const response = await fetch(`${dash.base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' },
        body: new URLSearchParams({ link: token }),
      });
      expect(response.status).toBe(403);
      expect(await dash.context.links.checkLink(token)).toBe('valid');
    });

    it('takes a whole pasted address as well as the token (the Teams tab form)', async () => {
      const { token } = await dash.context.links.issueLink(signer.id);
      const response = await fetch(`${dash.base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dash.base },
        body: new URLSearchParams({
          link: `https://metbot.example/dashboard/sign-in?link=${token}`,
          where: 'tab',
        }),
      });
      expect(response.status).toBe(303);
      // On plain http the tab cookie cannot be SameSite=None (that needs Secure).
      expect(response.headers.get('set-cookie')).toMatch(
        /^metbot_tab=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/,
      );
    });

    it('asks for a link when there is no session', async () => {
      const page = await get('/dashboard');
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('Type dashboard in a private chat with the bot');
      const api = await get('/api/v1/dashboard/due');
      expect(api.status).toBe(401);
      expect(await api.json()).toMatchObject({ error: 'not-signed-in' });
    });
  });

  describe('sessions', () => {
    it('end after the idle timeout, and stay while in use', async () => {
      const cookie = await dash.signIn(duty.id);
      try {
        dash.clock.advance(20 * 60_000);
        expect((await get('/api/v1/dashboard/me', cookie)).status).toBe(200);
        dash.clock.advance(20 * 60_000); // 40 minutes after sign-in, 20 after last use
        expect((await get('/api/v1/dashboard/me', cookie)).status).toBe(200);
        dash.clock.advance(31 * 60_000);
        const page = await get('/dashboard', cookie);
        expect(page.status).toBe(401);
        expect(await page.text()).toContain('not used for a while');
      } finally {
        dash.clock.set('2026-11-28T10:00:00Z');
      }
    });

    it('end when the user signs out', async () => {
      const cookie = await dash.signIn(duty.id);
      const out = await fetch(`${dash.base}/dashboard/sign-out`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, origin: dash.base },
      });
      expect(out.status).toBe(303);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      expect((await get('/api/v1/dashboard/me', cookie)).status).toBe(401);
    });

    it('read the role afresh: a changed role counts at once', async () => {
      const changing = await makeActor(dash.database.db, 'met-2', 'met-member');
      const cookie = await dash.signIn(changing.id);
      expect((await get('/api/v1/dashboard/list', cookie)).status).toBe(200);
      await dash.database.db.user.update({ where: { id: changing.id }, data: { role: 'practitioner' } });
      expect((await get('/api/v1/dashboard/list', cookie)).status).toBe(403);
    });
  });

  describe('the policy', () => {
    it('refuses a practitioner every list, page and API alike', async () => {
      const cookie = await dash.signIn(practitioner.id);
      for (const path of [
        '/dashboard',
        '/dashboard/list',
        '/dashboard/missing',
        '/dashboard/repeat',
        '/dashboard/figures',
      ]) {
        const page = await get(path, cookie);
        expect(page.status, path).toBe(403);
        expect(await page.text()).toContain('only for');
      }
      for (const path of [
        '/due',
        '/list',
        '/missing',
        '/repeat',
        '/figures',
        `/children/${dash.fixture.children.alpha}`,
      ]) {
        const api = await get(`/api/v1/dashboard${path}`, cookie);
        expect(api.status, path).toBe(403);
        expect(await api.json()).toMatchObject({ error: 'refused.role' });
      }
      expect((await get('/dashboard/pack.xlsx?month=2026-10', cookie)).status).toBe(403);
    });

    it('lets a duty officer see the due list', async () => {
      const cookie = await dash.signIn(duty.id);
      expect((await get('/api/v1/dashboard/due', cookie)).status).toBe(200);
    });
  });

  describe('the lists', () => {
    it('gives the due list, most overdue first, with initials and references only', async () => {
      const response = await get('/api/v1/dashboard/due', memberCookie);
      const due = await response.json();
      // Not done or recorded as not offered: Foxtrot (returned 3 Aug), Golf (21 Aug), Alpha (12 Sep),
      // Charlie (30 Sep, 22:45), Golf (10 Oct), Charlie (1 Nov), all overdue on 28 Nov; and Bravo
      // (30 Sep, 23:50), who declined: the work goes on (issue 15), but offered in time, so not overdue.
      expect(due.total).toBe(7);
      expect(due.overdue).toBe(6);
      expect(due.rows.map((row: { initials: string }) => row.initials)).toEqual([
        'TF',
        'TG',
        'TA',
        'TC',
        'TB',
        'TG',
        'TC',
      ]);
      expect(JSON.stringify(due)).not.toContain('Testchild');
      const page = await (await get('/dashboard', memberCookie)).text();
      expect(page).toContain('7 to do, 6 of them overdue');
      expect(page).not.toContain('Testchild');
    });

    it('filters the MET list by level, agency and review date', async () => {
      const all = await (await get('/api/v1/dashboard/list', memberCookie)).json();
      // Nominated or accepted: Alpha, Bravo, Charlie, Echo, Foxtrot; high first (Bravo, Echo, Foxtrot).
      expect(all.total).toBe(5);
      expect(all.rows.slice(0, 3).map((r: { level: string }) => r.level)).toEqual(['high', 'high', 'high']);
      const low = await (await get('/api/v1/dashboard/list?level=low', memberCookie)).json();
      expect(low.rows.map((r: { initials: string }) => r.initials).sort()).toEqual(['TA', 'TC']);
      const alpha = await dash.database.db.metListEntry.findUnique({
        where: { childId: dash.fixture.children.alpha },
      });
      await dash.database.db.metListEntry.update({
        where: { id: alpha!.id },
        data: { nominatedById: member.id, reviewDate: new Date('2026-11-20T10:00:00Z') },
      });
      const byAgency = await (
        await get(`/api/v1/dashboard/list?agency=${member.agencyId}`, memberCookie)
      ).json();
      expect(byAgency.rows.map((r: { initials: string; agency: string }) => [r.initials, r.agency])).toEqual([
        ['TA', 'Example Agency'],
      ]);
      const overdue = await (await get('/api/v1/dashboard/list?review=overdue', memberCookie)).json();
      expect(overdue.rows.map((r: { initials: string }) => r.initials)).toEqual(['TA']);
      const soon = await (await get('/api/v1/dashboard/list?review=soon', memberCookie)).json();
      expect(soon.total).toBe(4); // the others are due 1 December, within 14 days
      const page = await (await get('/dashboard/list?level=low', memberCookie)).text();
      expect(page).toContain('2 children match');
      expect(page).toContain('Lowered from high to low: fixture');
    });

    it('pages the list', async () => {
      const first = await (await get('/api/v1/dashboard/missing', memberCookie)).json();
      expect(first).toMatchObject({ total: 1, page: 1, pages: 1 });
      expect(first.rows[0].initials).toBe('TE'); // Echo, since 00:00 on 1 November
    });

    it('gives repeat missing by the settings', async () => {
      const repeat = await (await get('/api/v1/dashboard/repeat', memberCookie)).json();
      // In the 90 days to 28 Nov (from 30 Aug): Alpha 10 Sep, 3 Oct, 20 Oct; Golf 5 Sep, 25 Sep only.
      expect(repeat.rows.map((r: { initials: string; times: number }) => [r.initials, r.times])).toEqual([
        ['TA', 3],
      ]);
      expect(repeat).toMatchObject({ threshold: 3, days: 90 });
    });

    it("opens a child's chronology with their name, and audits it", async () => {
      const id = dash.fixture.children.alpha;
      const page = await get(`/dashboard/child/${id}`, memberCookie);
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('Testchild Alpha');
      expect(text).toContain('Lowered from high to low');
      expect(text).toContain('Return interview done');
      const audit = await dash.database.db.auditEvent.findMany({
        where: { recordType: 'person', recordId: id },
      });
      expect(audit.map((event) => [event.action, event.actorId, event.detail])).toContainEqual([
        'read',
        member.id,
        'chronology',
      ]);
      expect((await get('/dashboard/child/00000000-0000-0000-0000-000000000000', memberCookie)).status).toBe(
        404,
      );
    });
  });

  describe('the monthly figures', () => {
    it('serves the same figures as the service, for the month asked', async () => {
      const api = await (await get('/api/v1/dashboard/figures?month=2026-10', memberCookie)).json();
      expect(api).toEqual(JSON.parse(JSON.stringify(await dash.context.figures.monthly(member, '2026-10'))));
      expect(api.returnInterviews.returned).toBe(6);
      const page = await (await get('/dashboard/figures?month=2026-10', memberCookie)).text();
      expect(page).toContain('<h1>Monthly figures: October 2026</h1>');
      expect(page).toContain('id="chart-levels"');
      expect(page).toContain('<option value="2026-10" selected>October 2026</option>');
    });

    it('refuses a month not begun or not understood', async () => {
      const future = await get('/api/v1/dashboard/figures?month=2027-01', memberCookie);
      expect(future.status).toBe(400);
      expect((await future.json()).message).toContain('January 2027 hasn’t started yet');
      expect((await get('/dashboard/figures?month=whenever', memberCookie)).status).toBe(400);
    });

    it('makes the pack as a workbook', async () => {
      const response = await get('/dashboard/pack.xlsx?month=2026-10', memberCookie);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('spreadsheetml');
      expect(response.headers.get('content-disposition')).toContain('met-pack-2026-10.xlsx');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
      expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['Figures', 'MET list', 'Interviews due']);
      const figures = book.getWorksheet('Figures')!;
      const rows = figures.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : []));
      expect(rows).toContainEqual(['Moved from high to low', 1]);
      expect(rows).toContainEqual(['NRM referrals considered', 3]);
      expect(book.getWorksheet('MET list')!.rowCount).toBe(1 + 5);
      expect(book.getWorksheet('Interviews due')!.rowCount).toBe(1 + 7);
    });

    it('makes the pack as a printable page', async () => {
      const page = await (await get('/dashboard/pack?month=2026-10', memberCookie)).text();
      expect(page).toContain('MET Operational Group pack: October 2026');
      expect(page).toContain('Children on the MET list (5)');
    });
  });

  describe('what the pages are made of', () => {
    it('serves Chart.js and the Teams client from the installed packages, never a CDN', async () => {
      const chart = await get('/dashboard/assets/vendor/chart.umd.js');
      expect(chart.status).toBe(200);
      expect(chart.headers.get('content-type')).toContain('javascript');
      expect(await chart.text()).toContain('Chart.js');
      const teams = await get('/dashboard/assets/vendor/MicrosoftTeams.min.js');
      expect(teams.status).toBe(200);
      expect((await get('/dashboard/assets/../../package.json')).status).toBe(404);
      const page = await get('/dashboard/figures', memberCookie);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain('frame-ancestors');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(await page.text()).not.toMatch(/src="https?:/);
    });
  });
});
