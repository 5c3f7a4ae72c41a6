import { createCore } from '../../../src/core';
import { fixedClock } from '../../../src/domain/clock';
import type { Role } from '../../../src/domain/policy';
import { createLogger, type Logger } from '../../../src/logger';
import type { DeliveryRoutes } from '../../../src/outbox/enqueue';
import type { Transports } from '../../../src/outbox/transport';
import { OutboxWorker, type OutboxWorkerOptions } from '../../../src/outbox/worker';
import type { Provider } from '../../../src/store/database';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { testCipher } from '../../support/keys';

export const testConfig = {
  DRAFT_EXPIRY_HOURS: 24,
  ENROL_NEW_USERS: 'practitioner' as const,
  ENROL_SLACK_TEAMS: [],
  ENROL_TEAMS_TENANTS: [],
  METBOT_ADMINS: new Set<string>(),
  REPEAT_MISSING_THRESHOLD: 3,
  REPEAT_MISSING_DAYS: 90,
};

/** A core on a fresh database that routes records to the outbox, and workers to deliver them. */
export async function createWorld(
  provider: Provider,
  routes: DeliveryRoutes,
  options: { database?: TestDatabase; cipher?: ReturnType<typeof testCipher> } = {},
) {
  const database = options.database ?? (await createTestDatabase(provider));
  const cipher = options.cipher ?? testCipher();
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const log = createLogger('silent');
  const core = createCore({ config: testConfig, database, cipher, log, clock, routes });
  const submissions = core.submissions;
  const actor = (id: string, role: Role = 'practitioner') =>
    core.users.ensure(
      { platform: 'console', workspace: 'test', platformUserId: id, displayName: `Tester ${id}` },
      role,
      'Example Agency',
      'console',
    );
  const worker = (transports: Transports, overrides: Partial<OutboxWorkerOptions> = {}) =>
    new OutboxWorker({
      db: database.outbox,
      provider,
      cipher,
      transports,
      log: overrides.log ?? log,
      retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 5 },
      pollMs: 20,
      random: () => 0.5,
      ...overrides,
    });
  return { database, cipher, clock, core, submissions, actor, worker, log: log as Logger };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
