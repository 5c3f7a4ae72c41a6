import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin';
import { FieldCipher } from '../../src/store/field-crypto';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

describe.each(providers)('npm run admin on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  /**
   * The data key the server has: the command line wires its core with the same settings, and
   * seals and opens the staff identities a grant keeps.
   */
  const dataKey = randomBytes(32);

  async function admin(...argv: string[]) {
    return adminWith({ NODE_ENV: 'test' }, ...argv);
  }

  async function adminWith(env: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, DATA_KEY: dataKey.toString('base64'), ...env },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { cipher: new FieldCipher(dataKey) }));
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('gives a role', async () => {
    await testActor(core, 'U-NEW', 'practitioner', 'Nell Example');
    const done = await admin(
      'role',
      'grant',
      '--platform',
      'console',
      '--user',
      'U-NEW',
      '--role',
      'duty-officer',
    );
    expect(done).toEqual({ code: 0, text: 'Nell Example is now a duty officer, and still a practitioner.' });
    expect(await database.db.user.findFirst({ where: { platformUserId: 'U-NEW' } })).toMatchObject({
      role: 'duty-officer',
    });
    expect(
      (await admin('role', 'grant', '--platform', 'console', '--user', 'U-NEW', '--role', 'boss')).code,
    ).toBe(1);
  });

  it('removes one role with revoke, and gives a role to someone not met yet, waiting in their workspace', async () => {
    const revoke = (role: string) =>
      admin('revoke', '--platform', 'console', '--user', 'U-NEW', '--role', role);
    expect(await revoke('duty-officer')).toEqual({
      code: 0,
      text: 'Nell Example no longer holds the duty officer role. They are now a practitioner.',
    });
    expect(await revoke('duty-officer')).toEqual({
      code: 1,
      text: 'Nell Example does not hold the duty officer role: they are a practitioner.',
    });
    expect(
      await admin('role', 'grant', '--platform', 'console', '--user', 'U-LATER', '--role', 'admin'),
    ).toMatchObject({ code: 1, text: expect.stringContaining('give --workspace as well') });
    expect(
      await admin(
        ...['role', 'grant', '--platform', 'console', '--workspace', 'test', '--user', 'U-LATER'],
        ...['--role', 'met-member'],
      ),
    ).toEqual({ code: 0, text: 'U-LATER will be a MET group member when they first speak to me.' });
    const grant = await database.db.pendingGrant.findFirstOrThrow({ where: { platformUserId: 'U-LATER' } });
    expect(grant).toMatchObject({ workspace: 'test', role: 'met-member', needsConfirmation: false });
    expect(new FieldCipher(dataKey).open('PendingGrant', 'grantedBy', grant.id, grant.grantedBy)).toBe(
      'admin command line',
    );
  });

  it("gives a role that sees children's details at once, and tells the MET coordinator when one is configured", async () => {
    await testActor(core, 'U-TOLD', 'practitioner', 'Tom Told');
    // The server's data key: Tom's name is sealed under it.
    const key = dataKey;
    const done = await adminWith(
      {
        NODE_ENV: 'test',
        DATA_KEY: key.toString('base64'),
        GATEWAY_SMTP_URL: 'smtp://127.0.0.1:2525',
        GATEWAY_EMAIL_TO: 'intel@police.example',
        GATEWAY_EMAIL_FROM: 'metbot@partnership.example',
        MET_COORDINATOR_EMAIL: 'met@partnership.example',
      },
      ...['role', 'grant', '--platform', 'console', '--user', 'U-TOLD', '--role', 'met-member'],
    );
    expect(done).toEqual({ code: 0, text: 'Tom Told is now a MET group member, and still a practitioner.' });
    const [queued] = await database.db.outboxMessage.findMany({ where: { destination: 'met-coordinator' } });
    expect(
      new FieldCipher(key).openJson('OutboxMessage', 'payloadEnc', queued!.id, queued!.payloadEnc),
    ).toMatchObject({
      kind: 'role-change',
      changedBy: 'admin command line',
      person: 'Tom Told',
      from: 'practitioner',
      to: 'met-member, practitioner',
    });
  });

  it('asks for --workspace when two workspaces hold the same user id', async () => {
    for (const workspace of ['ws-one', 'ws-two']) {
      await core.users.ensure(
        { platform: 'console', workspace, platformUserId: 'U-TWIN', displayName: `Twin ${workspace}` },
        'practitioner',
        null,
        'console',
      );
    }
    const grant = (...more: string[]) =>
      admin('role', 'grant', '--platform', 'console', '--user', 'U-TWIN', '--role', 'duty-officer', ...more);
    expect(await grant()).toEqual({
      code: 1,
      text: 'More than one workspace has a console user U-TWIN: give --workspace as well.',
    });
    expect(await grant('--workspace', 'ws-two')).toEqual({
      code: 0,
      text: 'Twin ws-two is now a duty officer, and still a practitioner.',
    });
    const twins = await database.db.user.findMany({
      where: { platformUserId: 'U-TWIN' },
      orderBy: { workspace: 'asc' },
    });
    expect(twins.map((twin) => twin.role)).toEqual(['practitioner', 'duty-officer']);
  });

  it('answers who read a record', async () => {
    const actor = await testActor(core, 'p-cli', 'practitioner', 'Pat Example');
    const saved = await chatWith(core, actor, 'cli').script(missingScript('Testchild Cli', 'today 08:00'));
    const reference = /MIS-\d{4}-\d{6}/.exec(saved)![0];
    const trail = await admin('audit', '--reference', reference);
    expect(trail.code).toBe(0);
    expect(trail.text).toContain('Pat Example');
    expect(trail.text).toContain('Did: create the record');
    expect(await admin('audit')).toMatchObject({ code: 2, text: expect.stringContaining('--reference') });
  });

  it('makes a dashboard link for a MET member', async () => {
    await testActor(core, 'm-cli', 'met-member', 'Mo Example');
    const link = await admin('link', '--user', 'm-cli');
    expect(link.code).toBe(0);
    expect(link.text).toMatch(/Sign-in link for Mo Example[\s\S]*http:\/\/localhost:3978\/dashboard/);
  });
});
