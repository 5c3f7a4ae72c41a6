import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardFeature } from '../../adapters/web';
import type { Actor } from '../../src/access/actor';
import { runAdmin } from '../../src/admin';
import { fixedClock } from '../../src/domain/clock';
import type { FeatureDeps } from '../../src/feature';
import { createLogger } from '../../src/logger';
import { createApp, listen, type RunningServer } from '../../src/server';
import { FieldCipher, SealedValueError } from '../../src/store/field-crypto';
import { openDisplayName, userBinding } from '../../src/store/staff-names';
import { intelligenceAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, sqliteBytes, type TestDatabase } from '../support/databases';
import { testAuditKey } from '../support/keys';

/**
 * Issue 17, the last gap: a staff member's display name is sealed in their User row, bound to
 * their platform identity, and the audit trail names actors by id. Whoever may see the trail, or
 * the dashboard, still reads the name: it is opened from the User row where it is shown.
 */
const testy = 'Testy McTestface';
const legacyName = 'Lemmy Legacyname';
const slack = { platform: 'slack', workspace: 'T-NAMES' };

describe.each(providers)('sealed staff names on %s', (provider) => {
  const key = randomBytes(32);
  const newKey = randomBytes(32);
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let core: TestCore;
  let database: TestDatabase;
  let member: Actor;
  let admin: Actor;
  let reference: string;

  async function cli(env: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, NODE_ENV: 'test', AUDIT_KEY: testAuditKey(), ...env },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  /** The User and AuditEvent rows as the database holds them, and on SQLite the file's bytes. */
  async function stored(): Promise<{ rows: string; file: Buffer }> {
    const rows = JSON.stringify([
      await database.db.$queryRawUnsafe('SELECT * FROM "User"'),
      await database.db.$queryRawUnsafe('SELECT * FROM "AuditEvent"'),
    ]);
    return { rows, file: provider === 'sqlite' ? sqliteBytes(database.url) : Buffer.alloc(0) };
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock, cipher: new FieldCipher(key) }));
    admin = await testActor(core, 'U-NAMES-ADM', 'admin', 'Ada Namesadmin');
    // First met with no name (as a Teams install is), then named by the platform: the placeholder
    // gives way to the name, sealed; then made a MET group member (the name is kept).
    const identity = { ...slack, platformUserId: 'U-TESTY' };
    await core.users.resolve(identity, 'slack');
    await core.users.resolve({ ...identity, displayName: testy }, 'slack');
    member = await core.users.ensure(identity, 'met-member', 'Example Agency', 'slack');
    expect(member.displayName).toBe(testy);
    ({ reference } = await core.submissions.submitIntelligence(
      member,
      intelligenceAnswers({ child: { name: 'Sample Child', ageYears: 13 } }),
    ));
    await core.subjectAccess.exportChild(member, reference);
  });
  afterAll(() => database.destroy());

  it('keeps the name in neither the User rows, the audit rows nor the SQLite file', async () => {
    const { rows, file } = await stored();
    for (const part of [testy, 'McTestface']) {
      expect(rows).not.toContain(part);
      expect(file.includes(Buffer.from(part))).toBe(false);
    }
    const user = await database.db.user.findUniqueOrThrow({ where: { id: member.id } });
    expect(user.displayName).toMatch(/^v2\./);
    expect(openDisplayName(new FieldCipher(key), user)).toBe(testy);
    // Bound to the person: the same value does not open as another person's name.
    expect(() =>
      new FieldCipher(key).open(
        'User',
        'displayName',
        userBinding({ ...slack, platformUserId: 'U-OTHER' }),
        user.displayName,
      ),
    ).toThrow(SealedValueError);
    // Every event they did names them by id only, and the chain still verifies.
    const theirs = await database.db.auditEvent.findMany({ where: { actorId: member.id } });
    expect(theirs.length).toBeGreaterThanOrEqual(3);
    for (const event of theirs) expect(event.actor).toBe(member.id);
    const verified = await cli({ DATA_KEY: key.toString('base64') }, 'audit', 'verify');
    expect(verified.code).toBe(0);
  });

  it('shows the name to those entitled to see it: the audit trail in chat, the export, the dashboard', async () => {
    const trail = await chatWith(core, admin).say(`admin audit ${reference}`);
    expect(trail).toContain(testy);
    expect(trail).not.toContain(member.id);
    const practitioner = await testActor(core, 'U-NAMES-PRAC', 'practitioner', 'Pat Namestest');
    expect(await chatWith(core, practitioner).say(`admin audit ${reference}`)).not.toContain(testy);

    const exported = await core.subjectAccess.exportChild(member, reference);
    expect(exported.records.map((r) => r.sentBy)).toEqual([testy]);
    expect(new Set(exported.audit.map((event) => event.actor))).toEqual(new Set([testy]));

    const dashboard = await createDashboardFeature({
      env: {},
      core,
      log: createLogger('silent'),
    } as unknown as FeatureDeps);
    if (!dashboard.on) throw new Error('the dashboard is always on');
    const server: RunningServer = await listen(
      createApp(database, [dashboard.feature]),
      0,
      '127.0.0.1',
      createLogger('silent'),
    );
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const { token } = await core.dashboardLinks.issueLink(member.id);
      const signedIn = await fetch(`${base}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ link: token }),
      });
      expect(signedIn.status).toBe(303);
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      const me = await fetch(`${base}/api/v1/dashboard/me`, { headers: { cookie } });
      expect(await me.json()).toMatchObject({ id: member.id, displayName: testy });
      const page = await (await fetch(`${base}/dashboard`, { headers: { cookie } })).text();
      expect(page).toContain(`Signed in as <strong>${testy}</strong>`);
    } finally {
      await server.close();
    }
  });

  it('reads a name from before in clear until keys rotate seals it, and SEALED_LEGACY=refuse refuses it', async () => {
    const identity = { ...slack, platformUserId: 'U-LEGACY' };
    await database.db.user.create({
      data: { id: randomUUID(), ...identity, displayName: legacyName, role: 'duty-officer' },
    });
    expect((await core.users.resolve(identity, 'slack'))?.displayName).toBe(legacyName);
    const refusing = await createTestCore(provider, {
      database,
      clock,
      cipher: new FieldCipher(key, [], { legacy: 'refuse' }),
    });
    await expect(refusing.core.users.resolve(identity, 'slack')).rejects.toThrow(SealedValueError);

    const both = { DATA_KEY: newKey.toString('base64'), DATA_KEYS_RETIRED: key.toString('base64') };
    const status = await cli(both, 'keys', 'status');
    expect(status.text).toMatch(/User\.displayName\s+plain\s+1/);
    expect(status.text).not.toContain(legacyName);
    expect((await cli(both, 'keys', 'rotate')).code).toBe(0);
    const after = await cli({ DATA_KEY: newKey.toString('base64') }, 'keys', 'status');
    expect(after.text).toContain('Everything is sealed under the current key');
    const { rows, file } = await stored();
    for (const name of [legacyName, testy]) {
      expect(rows).not.toContain(name);
      expect(file.includes(Buffer.from(name))).toBe(false);
    }

    // With the new key alone, refusing anything older, both names open where they are shown.
    const fresh = await createTestCore(provider, {
      database,
      clock,
      cipher: new FieldCipher(newKey, [], { legacy: 'refuse' }),
    });
    expect((await fresh.core.users.resolve(identity, 'slack'))?.displayName).toBe(legacyName);
    const again = await fresh.core.users.resolve({ ...slack, platformUserId: 'U-TESTY' }, 'slack');
    expect(again?.displayName).toBe(testy);
    expect(await chatWith(fresh.core, admin).say(`admin audit ${reference}`)).toContain(testy);
    const verified = await cli({ DATA_KEY: newKey.toString('base64') }, 'audit', 'verify');
    expect(verified.code).toBe(0);
  });
});
