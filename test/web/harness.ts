import { createDashboard } from '../../adapters/web';
import type { DashboardSettings } from '../../adapters/web/settings';
import type { KeySource } from '../../adapters/web/teams-sso';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createApp, listen } from '../../src/server';
import type { Provider } from '../../src/store/database';
import { createTestCore } from '../support/core';
import { createTestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';
import { seedFixtureMonth } from './fixture-month';

/**
 * The dashboard on the one Express app, on a loopback port, over a fresh database holding the
 * fixture month (October 2026). The clock reads Saturday 28 November 2026, 10:00.
 */
export async function startDashboard(
  provider: Provider,
  options: { settings?: Partial<DashboardSettings>; keys?: KeySource } = {},
) {
  const database = await createTestDatabase(provider);
  const cipher = testCipher();
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const log = createLogger('silent');
  const settings = { idleMinutes: 30, ...options.settings };
  const { core } = await createTestCore(provider, {
    database,
    cipher,
    clock,
    settings: { dashboardIdleMinutes: settings.idleMinutes },
  });
  const { feature, context } = createDashboard({ core, log, settings, keys: options.keys });
  const fixture = await seedFixtureMonth(database.db, (name) => cipher.encrypt(name));
  const server = await listen(createApp(database, [feature]), 0, '127.0.0.1', log);
  const base = `http://127.0.0.1:${server.port}`;

  /** Signs in with a fresh link, as the browser's form post would; returns the Cookie header. */
  const signIn = async (userId: string, where: 'browser' | 'tab' = 'browser') => {
    const { token } = await context.links.issueLink(userId);
    const response = await fetch(`${base}/dashboard/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ link: token, ...(where === 'tab' && { where: 'tab' }) }),
    });
    if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  };

  return {
    database,
    cipher,
    clock,
    context,
    fixture,
    base,
    signIn,
    async close() {
      await server.close();
      await database.destroy();
    },
  };
}

export type Dashboard = Awaited<ReturnType<typeof startDashboard>>;
