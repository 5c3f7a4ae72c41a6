import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases';
import { type Dashboard, startDashboard } from './harness';
import { makeActor } from './support';

describe.each(providers)('the Alerts page (%s)', (provider) => {
  let dash: Dashboard;
  let alertId: string;

  beforeAll(async () => {
    dash = await startDashboard(provider);
    // Raised with no duty place set up: it has reached nobody.
    alertId = await dash.database.db.$transaction((tx) =>
      dash.context.alerts.raise(
        tx,
        { rule: 'immediate-danger', reference: 'INT-2026-000042', initials: 'J.E.', level: null },
        dash.clock.now(),
      ),
    );
  });
  afterAll(() => dash.close());

  const get = (path: string, cookie: string) => fetch(`${dash.base}${path}`, { headers: { cookie } });
  const acknowledge = (cookie: string, origin = dash.base) =>
    fetch(`${dash.base}/dashboard/alerts/${alertId}/ack`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin },
    });

  it(`lists an open alert that reached nobody, with reference, category and initials (${provider})`, async () => {
    const duty = await makeActor(dash.database.db, 'duty-1', 'duty-officer');
    const page = await get('/dashboard/alerts', await dash.signIn(duty.id));
    expect(page.status).toBe(200);
    const shown = await page.text();
    expect(shown).toContain('INT-2026-000042');
    expect(shown).toContain('Immediate danger reported');
    expect(shown).toContain('J.E.');
    expect(shown).toContain('Nobody yet');
    expect(shown).toContain(`action="/dashboard/alerts/${alertId}/ack"`);
    expect(shown).toContain('<a href="/dashboard/alerts" aria-current="page">Alerts</a>');
  });

  it(`refuses a practitioner, and a post from another site (${provider})`, async () => {
    const practitioner = await makeActor(dash.database.db, 'prac-1', 'practitioner');
    const cookie = await dash.signIn(practitioner.id);
    expect((await get('/dashboard/alerts', cookie)).status).toBe(403);
    expect((await acknowledge(cookie)).status).toBe(403);
    const duty = await makeActor(dash.database.db, 'duty-2', 'duty-officer');
    expect((await acknowledge(await dash.signIn(duty.id), 'https://elsewhere.example')).status).toBe(400);
    const alert = await dash.database.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    expect(alert.acknowledgedAt).toBeNull();
  });

  it(`acknowledges with the button, and every post is updated through the outbox (${provider})`, async () => {
    const member = await makeActor(dash.database.db, 'met-1', 'met-member');
    const cookie = await dash.signIn(member.id);
    const done = await acknowledge(cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/dashboard/alerts');
    const alert = await dash.database.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    expect(alert.acknowledgedAt).toEqual(dash.clock.now());
    const update = await dash.database.db.outboxMessage.count({
      where: { idempotencyKey: `${alertId}:update:acknowledged` },
    });
    expect(update).toBe(1);
    expect(await (await get('/dashboard/alerts', cookie)).text()).toContain(
      'No alert is waiting to be acknowledged.',
    );
  });
});
