import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../../adapters/web';
import type { Actor } from '../../src/access/actor';
import { DAY, fixedClock } from '../../src/domain/clock';
import { dayPeriod, quarterPeriod, recentQuarters } from '../../src/links/periods';
import { createLogger } from '../../src/logger';
import { createApp, listen } from '../../src/server';
import { createTestCore, type TestCore } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

// Issue 19: the picture on the dashboard for MET members and duty officers, every opening
// audited: Places, Children's networks, and the quarterly problem profile. The profile follows
// the strategy's headings (MET Strategy 2016–2019, section E): "Information on victims,
// perpetrators, locations and intelligence gaps."
describe.each(providers)('the intelligence picture on the dashboard on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  const clock = fixedClock('2026-11-20T12:00:00Z');
  let met: Actor;
  let duty: Actor;
  const reporters: Actor[] = [];
  const references: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let base: string;
  let signIn: (userId: string) => Promise<string>;

  const report = (who: Actor, child: string, texts: Record<string, string>) =>
    core.submissions.submitIntelligence(who, {
      immediateDanger: false,
      child: { name: child, address: '1 Secret Street, PO9 9ZZ' },
      whatHappened: 'Seen after school.',
      where: 'Example Road',
      whenHappened: 'Yesterday',
      howKnown: 'saw-it',
      ...texts,
    });

  const get = async (path: string, cookie: string) => {
    const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  };

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock }));
    met = await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: 'UMET', displayName: 'Mo Example' },
      'met-member',
      'Example Council',
      'slack',
    );
    duty = await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: 'UDUTY', displayName: 'Dee Example' },
      'duty-officer',
      'Example Council',
      'slack',
    );
    for (const [id, agency] of [
      ['U-SCHOOL', 'Example Academy'],
      ['U-HOME', 'Example Children’s Home'],
      ['U-YOUTH', 'Example Youth Service'],
    ] as const) {
      reporters.push(
        await core.users.ensure(
          { platform: 'slack', workspace: 'T1', platformUserId: id, displayName: `Tester ${id}` },
          'practitioner',
          agency,
          'slack',
        ),
      );
    }
    const [school, home, youth] = reporters as [Actor, Actor, Actor];
    const saved = [
      await report(school, 'Amber Testchild', {
        whatHappened: 'Seen getting into a silver Corsa HX1? after school.',
        personsOfConcern: 'A man called Deano, about 20, on snapchat @Deano_99',
        associates: 'Goes about with a girl known as Kiki',
      }),
      await report(home, 'Brook Testchild', {
        vehicles: 'HX15 ABC',
        where: 'The flat above the chip shop, PO1 2AB',
        whatHappened: 'Picked up at 21:00 by a man called Deano. Rang 07700 900123.',
      }),
      await report(youth, 'Cody Testchild', {
        vehicles: 'Silver Corsa, HX15ABC',
        phonesAndOnline: '@nobody_known',
      }),
    ];
    references.push(...saved.map((s) => s.reference));
    // A report in the previous quarter, about another child: outside the profile of 2026-Q4.
    clock.advance(-60 * DAY);
    await report(youth, 'Dana Testchild', { where: 'Example Park', vehicles: 'HX15 ABC' });
    clock.advance(60 * DAY);

    const { feature, context } = createDashboard({
      core,
      log: createLogger('silent'),
      settings: { idleMinutes: 30 },
    });
    server = await listen(createApp(database, [feature]), 0, '127.0.0.1', createLogger('silent'));
    base = `http://127.0.0.1:${server.port}`;
    signIn = async (userId) => {
      const { token } = await context.links.issueLink(userId);
      const response = await fetch(`${base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ link: token }),
      });
      expect(response.status).toBe(303);
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
  });
  afterAll(async () => {
    await server?.close();
    await database.destroy();
  });

  const audits = (recordId: string, actorId: string) =>
    database.db.auditEvent.count({ where: { recordType: 'picture', recordId, action: 'read', actorId } });

  it('shows the places named most over a chosen period, and audits each opening', async () => {
    const cookie = await signIn(met.id);
    const before = await audits('places', met.id);
    const page = await get('/dashboard/places?from=2026-11-01&to=2026-11-30', cookie);
    expect(page.status).toBe(200);
    const rows = page.text.split('<tr>');
    const road = rows.find((row) => row.includes('Example Road'))!;
    // Named in two reports about two children in the period (the third names a flat instead).
    expect(road).toMatch(/>2<\/td>\s*<td class="num">2</);
    expect(rows.find((row) => row.includes('PO1 2AB'))).toContain(references[1]);
    // The child's own address is about the child, not a place of concern.
    expect(page.text).not.toContain('PO9 9ZZ');
    expect(page.text).not.toContain('Example Park');
    expect(await audits('places', met.id)).toBe(before + 1);

    const earlier = await get('/dashboard/places?from=2026-09-01&to=2026-10-31', cookie);
    expect(earlier.text).toContain('Example Park');
    expect(earlier.text).not.toContain('Example Road');
    expect((await get('/dashboard/places?from=2026-11-30&to=2026-11-01', cookie)).status).toBe(400);
    // With no dates: the last 90 days.
    const recent = await get('/dashboard/places', cookie);
    expect(recent.text).toContain('Example Park');
    expect(recent.text).toContain('2026-08-23 to 2026-11-20');
  });

  it('shows a child with who is around them and the other children linked through them', async () => {
    const cookie = await signIn(duty.id);
    const chooser = await get(`/dashboard/networks?reference=${references[0]!.toLowerCase()}`, cookie);
    expect(chooser.status).toBe(303);
    const childId = chooser.location!.split('/').at(-1)!;
    const persons = await database.db.auditEvent.count({
      where: { recordType: 'person', recordId: childId },
    });
    const page = await get(chooser.location!, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Network of A.T.');
    const around = page.text.split('Other children linked through them')[0]!;
    expect(around.split('<tr>').find((row) => row.includes('deano'))).toContain('Persons of concern');
    expect(around.split('<tr>').find((row) => row.includes('kiki'))).toContain('Associates');
    expect(around).toContain('@deano_99 (Snapchat)');
    const others = page.text.split('Other children linked through them')[1]!;
    const brook = others.split('<tr>').find((row) => row.includes('B.T.'))!;
    expect(brook).toContain('Vehicle HX1? ???');
    expect(brook).toContain('Name or nickname deano');
    expect(brook).toContain(references[1]);
    // Cody shares only the vehicle; Dana's report is older, and still part of the network.
    expect(others.split('<tr>').find((row) => row.includes('C.T.'))).not.toContain('deano');
    expect(others).toContain('D.T.');
    expect(await audits('network', duty.id)).toBe(1);
    expect(await database.db.auditEvent.count({ where: { recordType: 'person', recordId: childId } })).toBe(
      persons + 1,
    );
    expect((await get('/dashboard/networks?reference=INT-2026-999999', cookie)).status).toBe(400);
    // The Links page opens each child's network.
    expect((await get('/dashboard/links', cookie)).text).toContain(`href="/dashboard/networks/${childId}"`);
  });

  it('makes the quarterly problem profile under the strategy’s headings, as a page and a workbook', async () => {
    const cookie = await signIn(met.id);
    const page = await get('/dashboard/profile?quarter=2026-q4', cookie);
    expect(page.status).toBe(200);
    const text = page.text;
    const headings = [
      '1. Victims',
      '2. Suspected perpetrators',
      '2a. Vehicles',
      '3. Locations',
      '4. Intelligence gaps',
    ];
    let at = 0;
    for (const heading of headings) {
      const next = text.indexOf(heading, at);
      expect(next, heading).toBeGreaterThan(at);
      at = next;
    }
    const section = (title: string) => text.slice(text.indexOf(`>${title}</h2>`)).split('</section>')[0]!;
    const victims = section('1. Victims');
    for (const initials of ['A.T.', 'B.T.', 'C.T.']) expect(victims).toContain(initials);
    expect(victims).not.toContain('D.T.');
    expect(victims).not.toContain('Testchild');
    expect(section('2. Suspected perpetrators')).toContain('deano');
    expect(section('2. Suspected perpetrators')).not.toContain('kiki');
    expect(
      section('2a. Vehicles')
        .split('<tr>')
        .find((r) => r.includes('HX15 ABC')),
    ).toMatch(/>2<\/td>/);
    const gaps = section('4. Intelligence gaps');
    expect(gaps.split('<tr>').find((r) => r.includes('Online names with no platform'))).toContain(
      '@nobody_known',
    );
    expect(gaps.split('<tr>').find((r) => r.includes('Partial registrations'))).toContain('None');
    expect(gaps.split('<tr>').find((r) => r.includes('nobody has confirmed'))).toContain('Link ');
    expect(await audits('profile', met.id)).toBe(1);

    const response = await fetch(`${base}/dashboard/profile.xlsx?quarter=2026-Q4`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('problem-profile-2026-Q4.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    const cells: string[] = [];
    book.getWorksheet('Problem profile')!.eachRow((row) => {
      cells.push((row.values as unknown[]).filter(Boolean).join(' | '));
    });
    const all = cells.join('\n');
    for (const heading of headings) expect(all).toContain(heading);
    expect(all).toContain('HX15 ABC');
    expect(all).not.toContain('Testchild');
    expect(await audits('profile', met.id)).toBe(2);

    expect((await get('/dashboard/profile?quarter=2026-Q9', cookie)).status).toBe(400);
  });

  it('refuses every picture page to a practitioner and shows them nothing', async () => {
    const cookie = await signIn(reporters[0]!.id);
    for (const path of [
      '/dashboard/places',
      '/dashboard/networks/x',
      '/dashboard/profile',
      '/dashboard/profile.xlsx',
    ]) {
      const page = await get(path, cookie);
      expect(page.status, path).toBe(403);
      for (const secret of ['Example Road', 'deano', 'HX15']) expect(page.text).not.toContain(secret);
    }
  });

  it('keeps places and the answer they came from encrypted', async () => {
    const rows = await database.db.linkMention.findMany();
    expect(rows.some((r) => r.kind === 'place')).toBe(true);
    const text = JSON.stringify(rows);
    for (const secret of ['Example Road', 'chip shop', 'personsOfConcern', 'deano'])
      expect(text).not.toContain(secret);
  });
});

describe('periods of the picture, in London time', () => {
  it('takes quarters from London midnights, across the clock change', () => {
    expect(quarterPeriod('2026-Q2').from.toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(quarterPeriod('2026-Q4')).toMatchObject({
      from: new Date('2026-10-01T00:00:00+01:00'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
    expect(recentQuarters(new Date('2026-02-01T00:00:00Z')).slice(0, 3)).toEqual([
      '2026-Q1',
      '2025-Q4',
      '2025-Q3',
    ]);
  });

  it('takes both days of a chosen period whole', () => {
    expect(dayPeriod('2026-10-25', '2026-10-25')).toMatchObject({
      from: new Date('2026-10-24T23:00:00Z'),
      to: new Date('2026-10-26T00:00:00Z'),
    });
  });
});
