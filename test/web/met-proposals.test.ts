import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases';
import { type Dashboard, startDashboard } from './harness';
import { makeActor } from './support';

/**
 * Issue 15, "The MET group decides", on the dashboard: the MET list page shows the children risk
 * checks proposed, with Accept (at the suggested level or another) and Decline (with a reason) for
 * MET members. The buttons use the chat's own accept and decline, so each decision is a history
 * row, a record for the MET coordinator, and an audit event.
 */
describe.each(providers)('proposals on the MET list page (%s)', (provider) => {
  let dash: Dashboard;
  const entries: Record<string, string> = {};

  beforeAll(async () => {
    dash = await startDashboard(provider);
    const { db } = dash.database;
    const visitor = await makeActor(db, 'hv-1', 'practitioner');
    for (const [key, initials, level] of [
      ['amara', 'A.T.', 'high'],
      ['kai', 'K.T.', 'medium'],
    ] as const) {
      const child = await db.person.create({
        data: { kind: 'child', initials, nameEnc: dash.cipher.encrypt(`Testchild ${key}`) },
      });
      await db.$transaction((tx) =>
        dash.context.metList.nominateFromRiskCheck(tx, visitor, {
          childId: child.id,
          level,
          reason: 'trafficking risk check',
          now: dash.clock.now(),
        }),
      );
      entries[key] = (await db.metListEntry.findUniqueOrThrow({ where: { childId: child.id } })).id;
    }
  });
  afterAll(() => dash.close());

  const get = (cookie: string) => fetch(`${dash.base}/dashboard/list`, { headers: { cookie } });
  const decide = (
    cookie: string,
    entry: string,
    decision: string,
    body: Record<string, string>,
    origin = dash.base,
  ) =>
    fetch(`${dash.base}/dashboard/list/${entry}/${decision}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it(`shows a MET member each proposal with its suggested level, and Accept and Decline (${provider})`, async () => {
    const member = await makeActor(dash.database.db, 'met-1', 'met-member');
    const page = await (await get(await dash.signIn(member.id))).text();
    expect(page).toContain('<h2>Proposed by risk checks</h2>');
    expect(page).toContain('A.T.');
    expect(page).toContain(`action="/dashboard/list/${entries.amara}/accept"`);
    expect(page).toContain(`action="/dashboard/list/${entries.amara}/decline"`);
    expect(page).toContain('<option value="high" selected>High</option>');
    // Names are not shown in the list: initials, as everywhere on the list.
    expect(page).not.toContain('Testchild');
  });

  it(`shows a duty officer the proposals without the buttons, and refuses their post (${provider})`, async () => {
    const duty = await makeActor(dash.database.db, 'duty-1', 'duty-officer');
    const cookie = await dash.signIn(duty.id);
    const page = await (await get(cookie)).text();
    expect(page).toContain('For the MET group to decide');
    expect(page).not.toContain('/accept"');
    expect((await decide(cookie, entries.amara!, 'accept', {})).status).toBe(403);
    const practitioner = await makeActor(dash.database.db, 'prac-1', 'practitioner');
    expect((await get(await dash.signIn(practitioner.id))).status).toBe(403);
  });

  it(`accepts at another level than suggested; the change is recorded and audited (${provider})`, async () => {
    const { db } = dash.database;
    const member = await makeActor(db, 'met-2', 'met-member');
    const cookie = await dash.signIn(member.id);
    expect((await decide(cookie, entries.amara!, 'accept', {}, 'https://elsewhere.example')).status).toBe(
      400,
    );
    const done = await decide(cookie, entries.amara!, 'accept', { level: 'medium' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/dashboard/list');
    expect(await db.metListEntry.findUniqueOrThrow({ where: { id: entries.amara! } })).toMatchObject({
      status: 'active',
      level: 'medium',
      proposedLevel: null,
    });
    const change = await db.metLevelChange.findFirstOrThrow({
      where: { entryId: entries.amara!, toStatus: 'active' },
    });
    expect(change).toMatchObject({ fromStatus: 'proposed', toLevel: 'medium', changedById: member.id });
    // Its own record, as the chat's accept makes, and the audit trail names who did it.
    expect(await db.record.count({ where: { type: 'met-list-change', submittedById: member.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: member.id, action: 'create' } })).toBeGreaterThan(0);
    // Accepted: on the list, no longer among the proposals.
    const page = await (await get(cookie)).text();
    expect(page).not.toContain(`/dashboard/list/${entries.amara}/accept`);
  });

  it(`declines only with a reason (${provider})`, async () => {
    const { db } = dash.database;
    const member = await makeActor(db, 'met-3', 'met-member');
    const cookie = await dash.signIn(member.id);
    const refused = await decide(cookie, entries.kai!, 'decline', { reason: '' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Please say why the nomination was declined.');
    const done = await decide(cookie, entries.kai!, 'decline', {
      reason: 'Known to the team; no exploitation signs',
    });
    expect(done.status).toBe(303);
    expect(await db.metListEntry.findUniqueOrThrow({ where: { id: entries.kai! } })).toMatchObject({
      status: 'declined',
      level: null,
    });
    expect(await (await get(cookie)).text()).not.toContain('<h2>Proposed by risk checks</h2>');
    // Deciding again is refused in words, not an error page.
    const again = await decide(cookie, entries.kai!, 'accept', { level: 'high' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('Only a child who is proposed or nominated can be accepted.');
  });
});
