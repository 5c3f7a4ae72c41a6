import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { runAdmin } from '../../src/admin';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startBot } from '../../src/main';
import { SubjectAccessService } from '../../src/records/subject-access.service';
import { FieldCipher, SealedValueError } from '../../src/store/field-crypto';
import { missingAnswers } from '../gateway/support/fixtures';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * SEALED_LEGACY=refuse (issue 17): once `keys rotate` has run, nothing from before (clear text,
 * the unbound v1 form, a value under a retired key) is accepted, and start-up refuses while any
 * is left.
 */
describe.each(providers)('SEALED_LEGACY=refuse on %s', (provider) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  let core: TestCore;
  let database: TestDatabase;
  let member: Actor;
  let reference: string;
  const keys = {
    DATA_KEY: newKey.toString('base64'),
    DATA_KEYS_RETIRED: oldKey.toString('base64'),
  };
  const env = () => ({ DATABASE_URL: database.url, NODE_ENV: 'test', ...keys });

  async function admin(extra: Record<string, string>, ...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { ...env(), AUDIT_KEY: process.env.METBOT_TEST_AUDIT_KEY!, ...extra },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  const exportWith = (cipher: FieldCipher) =>
    new SubjectAccessService(database.db, provider, cipher, core.clock).exportChild(member, reference);

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { cipher: new FieldCipher(oldKey) }));
    const practitioner = await testActor(core, 'U-PRAC', 'practitioner', 'Pat Practitioner');
    member = await testActor(core, 'U-MET', 'met-member', 'Mo Member');
    reference = (
      await core.submissions.submitMissing(
        practitioner,
        missingAnswers({
          child: { name: 'Legacychild Example', ageYears: 14, inCare: false },
          policeReference: 'PR-LEGACY-1',
        }),
      )
    ).reference;
    const { childId } = await database.db.record.findUniqueOrThrow({ where: { reference } });
    // As an installation from before has them: a name in the v1 form, a police reference in clear.
    await database.db.person.update({
      where: { id: childId! },
      data: { nameEnc: new FieldCipher(oldKey).encrypt('Legacychild Example') },
    });
    await database.db.missingEpisode.updateMany({ data: { policeReference: 'PR-LEGACY-1' } });
  });
  afterAll(() => database.destroy());

  it('is a checked setting: accept by default, anything else named in one line', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).SEALED_LEGACY).toBe('accept');
    expect(() => loadConfig({ NODE_ENV: 'test', SEALED_LEGACY: 'maybe' })).toThrow(
      'SEALED_LEGACY must be one of accept, refuse (it is "maybe")',
    );
  });

  it('refuses to read clear text, the v1 form and a retired key’s values, never accepting them silently', async () => {
    const refusing = new FieldCipher(newKey, [oldKey], { legacy: 'refuse' });
    const accepting = new FieldCipher(newKey, [oldKey]);
    const sealedOld = new FieldCipher(oldKey).seal('Person', 'initials', 'p1', 'LE');
    expect(accepting.open('Person', 'initials', 'p1', sealedOld)).toBe('LE');
    expect(() => refusing.open('Person', 'initials', 'p1', sealedOld)).toThrow(/under retired key/);
    expect(() => refusing.open('Person', 'initials', 'p1', 'LE')).toThrow(/in clear/);
    const v1 = new FieldCipher(newKey).encrypt('LE');
    expect(() => refusing.open('Person', 'nameEnc', 'p1', v1)).toThrow(/v1 form/);
    expect(() => refusing.decrypt(v1)).toThrow(/SEALED_LEGACY=refuse/);
    const current = refusing.seal('Person', 'initials', 'p1', 'LE');
    expect(refusing.open('Person', 'initials', 'p1', current)).toBe('LE');

    // Through a service: the export of the child is refused (409 on the dashboard, a kind chat answer).
    expect((await exportWith(accepting)).child.name).toBe('Legacychild Example');
    await expect(exportWith(refusing)).rejects.toBeInstanceOf(SealedValueError);
  });

  it('keys status counts what is left, and start-up refuses while anything is', async () => {
    const status = await admin({ SEALED_LEGACY: 'refuse' }, 'keys', 'status');
    expect(status.code).toBe(0);
    expect(status.text).toMatch(
      /SEALED_LEGACY=refuse: the server will not start until keys rotate has sealed these \d+ values/,
    );
    expect(status.text).not.toContain('Legacychild');
    const refuse = { ...env(), SEALED_LEGACY: 'refuse' };
    const started = startBot(loadConfig(refuse), createLogger('silent'), refuse, { serve: false });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      /SEALED_LEGACY=refuse, but \d+ values are not yet sealed under the current key/,
    );
  });

  it('after keys rotate (run with the setting on), starts, and everything reads under the current key', async () => {
    const rotated = await admin({ SEALED_LEGACY: 'refuse' }, 'keys', 'rotate');
    expect(rotated.code).toBe(0);
    const status = await admin({ SEALED_LEGACY: 'refuse' }, 'keys', 'status');
    expect(status.text).toContain('Everything is sealed under the current key');
    expect(status.text).toContain('SEALED_LEGACY=refuse: only values sealed under the current key are read.');
    const refuse = { ...env(), SEALED_LEGACY: 'refuse' };
    const bot = await startBot(loadConfig(refuse), createLogger('silent'), refuse, { serve: false });
    await bot.stop();
    const refusing = new FieldCipher(newKey, [], { legacy: 'refuse' });
    const exported = await exportWith(refusing);
    expect(exported.child.name).toBe('Legacychild Example');
    expect(JSON.stringify(exported)).toContain('PR-LEGACY-1');
  });
});
