import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases';
import { type Dashboard, startDashboard } from '../web/harness';
import { makeActor } from '../web/support';

// Issue 17: a ciphertext moved to another row is caught (AES-GCM associated data), and the
// dashboard answers 409 with a plain message: never a 500, never the value.
describe.each(providers)('a sealed value moved to another row, on the dashboard (%s)', (provider) => {
  let dash: Dashboard;
  let cookie: string;

  beforeAll(async () => {
    dash = await startDashboard(provider);
    const member = await makeActor(dash.database.db, 'met-sealed', 'met-member');
    cookie = await dash.signIn(member.id);
    const { alpha, bravo } = dash.fixture.children;
    const sealed = dash.cipher.seal('Person', 'nameEnc', alpha, 'Testchild Alpha');
    await dash.database.db.person.update({ where: { id: alpha }, data: { nameEnc: sealed } });
    // Someone with write access to the database copies Alpha's name into Bravo's row.
    await dash.database.db.person.update({ where: { id: bravo }, data: { nameEnc: sealed } });
  });
  afterAll(() => dash.close());

  const get = (path: string, accept: string) =>
    fetch(`${dash.base}${path}`, { redirect: 'manual', headers: { cookie, accept } });

  it('still shows the child whose row the value belongs to', async () => {
    const api = await get(`/api/v1/dashboard/children/${dash.fixture.children.alpha}`, 'application/json');
    expect(api.status).toBe(200);
    expect((await api.json()).child.name).toBe('Testchild Alpha');
  });

  it('answers 409 with a plain message for the row it was moved to, in the API and on the page', async () => {
    const api = await get(`/api/v1/dashboard/children/${dash.fixture.children.bravo}`, 'application/json');
    expect(api.status).toBe(409);
    const body = await api.json();
    expect(body).toMatchObject({ error: 'conflict.sealed' });
    expect(JSON.stringify(body)).not.toContain('Testchild');
    const page = await get(`/dashboard/child/${dash.fixture.children.bravo}`, 'text/html');
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain('cannot be read safely');
    expect(html).not.toContain('Testchild Alpha');
  });
});
