import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/access/actor';
import type { Config } from '../../src/config';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { testConfig } from '../support/core';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';

const slack = (workspace: string, user: string, guest = false): Identity => ({
  platform: 'slack',
  workspace,
  platformUserId: user,
  displayName: `Tester ${user}`,
  guest,
});
const teams = (tenant: string, aad: string): Identity => ({
  platform: 'teams',
  workspace: tenant,
  platformUserId: aad,
  displayName: `Tester ${aad}`,
});

describe.each(providers)('who the bot knows, on %s', (provider) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  // One data key, as one installation has: a new core on the same database opens what was sealed.
  const cipher = testCipher();
  async function users(settings: Partial<Config>) {
    database = await createTestDatabase(provider);
    const config = { ...testConfig, ENROL_NEW_USERS: 'off' as const, ...settings };
    const clock = fixedClock('2026-11-28T10:00:00Z');
    return createCore({ config, database, cipher, log: createLogger('silent'), clock }).users;
  }

  it('enrols people only from the listed Slack teams and Teams tenants, and never a guest', async () => {
    const service = await users({ ENROL_SLACK_TEAMS: ['T1'], ENROL_TEAMS_TENANTS: ['tenant-a'] });
    expect(await service.resolve(slack('T1', 'U1'), 'slack')).toMatchObject({ role: 'practitioner' });
    expect(await service.resolve(teams('tenant-a', 'aad-1'), 'teams')).toMatchObject({
      role: 'practitioner',
    });
    expect(await service.resolve(slack('T2', 'U2'), 'slack')).toBeNull();
    expect(await service.resolve(teams('tenant-b', 'aad-2'), 'teams')).toBeNull();
    // A Slack Connect guest in a shared channel of T1, from their own team T1 or not.
    expect(await service.resolve(slack('T1', 'U3', true), 'slack')).toBeNull();
    expect(await database!.db.user.count()).toBe(2);
  });

  it('enrols everyone but guests with ENROL_NEW_USERS=practitioner, and nobody with it off', async () => {
    const open = await users({ ENROL_NEW_USERS: 'practitioner' });
    expect(await open.resolve(slack('T9', 'U9'), 'slack')).toMatchObject({ role: 'practitioner' });
    expect(await open.resolve(slack('T9', 'U10', true), 'slack')).toBeNull();
    await database!.destroy();
    database = undefined;
    const closed = await users({});
    expect(await closed.resolve(slack('T9', 'U9'), 'slack')).toBeNull();
  });

  it('makes an admin only of the platform, workspace and user METBOT_ADMINS names together', async () => {
    const service = await users({
      ENROL_NEW_USERS: 'practitioner',
      METBOT_ADMINS: new Set(['slack:T1:UADMIN', 'teams:tenant-a:aad-admin']),
    });
    expect(await service.resolve(slack('T1', 'UADMIN'), 'slack')).toMatchObject({ role: 'admin' });
    expect(await service.resolve(teams('tenant-a', 'aad-admin'), 'teams')).toMatchObject({ role: 'admin' });
    // The same user ids from another workspace, tenant or platform are other people.
    expect(await service.resolve(slack('T2', 'UADMIN'), 'slack')).toMatchObject({ role: 'practitioner' });
    expect(await service.resolve(teams('tenant-b', 'aad-admin'), 'teams')).toMatchObject({
      role: 'practitioner',
    });
    expect(await service.resolve(teams('T1', 'UADMIN'), 'teams')).toMatchObject({ role: 'practitioner' });
    // A guest named in METBOT_ADMINS is an admin: the operator chose them by their own team.
    expect(await service.resolve(slack('T1', 'UADMIN', true), 'slack')).toMatchObject({ role: 'admin' });
  });

  it('applies METBOT_ADMINS at every start-up and every ensure, not only when someone is first seen', async () => {
    const before = await users({ ENROL_NEW_USERS: 'practitioner' });
    await before.resolve(slack('T1', 'ULATER'), 'slack');
    await before.ensure(slack('T1', 'UOTHER'), 'duty-officer', null, 'slack');
    // The operator adds them to METBOT_ADMINS and restarts: the same database, a new core.
    const config = {
      ...testConfig,
      METBOT_ADMINS: new Set(['slack:T1:ULATER', 'console:local:mo']),
    };
    const after = createCore({
      config,
      database: database!,
      cipher,
      log: createLogger('silent'),
      clock: fixedClock('2026-11-28T10:00:00Z'),
    }).users;
    expect(await after.applyAdmins()).toBe(1);
    expect(await after.resolve(slack('T1', 'ULATER'), 'slack')).toMatchObject({ role: 'admin' });
    expect(await after.resolve(slack('T1', 'UOTHER'), 'slack')).toMatchObject({ role: 'duty-officer' });
    expect(await after.applyAdmins()).toBe(0);
    const audit = await database!.db.auditEvent.findMany({ where: { recordType: 'user' } });
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'METBOT_ADMINS',
        action: 'update',
        detail: 'role admin added to practitioner',
      }),
    ]);
    const console = {
      platform: 'console',
      workspace: 'local',
      platformUserId: 'mo',
      displayName: 'Mo Example',
    };
    expect(await after.ensure(console, 'practitioner', null, 'console')).toMatchObject({ role: 'admin' });
  });
});
