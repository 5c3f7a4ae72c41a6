import type { Actor } from '../../src/access/actor';
import type { Surfaces } from '../../src/alerts/surfaces';
import { type CoreSettings, createCore } from '../../src/core';
import { type Clock, fixedClock } from '../../src/domain/clock';
import type { Role } from '../../src/domain/policy';
import { createLogger } from '../../src/logger';
import type { DeliveryRoutes } from '../../src/outbox/enqueue';
import type { Provider } from '../../src/store/database';
import type { FieldCipher } from '../../src/store/field-crypto';
import { createTestDatabase, type TestDatabase } from './databases';
import { testCipher } from './keys';

export const testConfig = {
  DRAFT_EXPIRY_HOURS: 24,
  PUBLIC_URL: 'http://127.0.0.1:3978',
  ENROL_NEW_USERS: 'practitioner' as const,
  ENROL_SLACK_TEAMS: [],
  ENROL_TEAMS_TENANTS: [],
  METBOT_ADMINS: new Set<string>(),
  REPEAT_MISSING_THRESHOLD: 3,
  REPEAT_MISSING_DAYS: 90,
};

/** A core on a fresh database with a controlled clock. */
export async function createTestCore(
  provider: Provider,
  options: {
    clock?: Clock;
    database?: TestDatabase;
    cipher?: FieldCipher;
    surfaces?: Surfaces;
    settings?: Partial<CoreSettings>;
    routes?: DeliveryRoutes;
  } = {},
) {
  const database = options.database ?? (await createTestDatabase(provider));
  const clock = options.clock ?? fixedClock('2026-11-28T10:00:00Z');
  const cipher = options.cipher ?? testCipher();
  const core = createCore({
    config: testConfig,
    database,
    cipher,
    log: createLogger('silent'),
    clock,
    surfaces: options.surfaces,
    settings: options.settings,
    routes: options.routes,
  });
  return { core, database, clock, cipher };
}

export type TestCore = Awaited<ReturnType<typeof createTestCore>>['core'];

export function testActor(core: TestCore, id: string, role: Role, name = `Tester ${id}`): Promise<Actor> {
  return core.users.ensure(
    { platform: 'console', workspace: 'test', platformUserId: id, displayName: name },
    role,
    'Example Agency',
    'console',
  );
}
