import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/admin';
import type { ChildExport } from '../../src/records/subject-access.service';
import { verifyAuditChain } from '../../src/store/audit';
import { FieldCipher } from '../../src/store/field-crypto';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

describe.each(providers)('subject-access export on %s', (provider) => {
  const key = randomBytes(32);
  let core: TestCore;
  let database: TestDatabase;
  let references: string[];
  let other: string;

  async function admin(...argv: string[]) {
    const out: string[] = [];
    const code = await runAdmin(
      argv,
      { DATABASE_URL: database.url, NODE_ENV: 'test', DATA_KEY: key.toString('base64') },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    return { code, text: out.join('\n') };
  }

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { cipher: new FieldCipher(key) }));
    const practitioner = await testActor(core, 'U-PRAC', 'practitioner', 'Pat Practitioner');
    const member = await testActor(core, 'U-MET', 'met-member', 'Mo Member');
    await testActor(core, 'U-ADMIN', 'admin', 'Ada Admin');
    const child = { name: 'Exportchild Example', ageYears: 15 };
    references = [
      (
        await core.submissions.submitIntelligence(
          practitioner,
          intelligenceAnswers({ child, immediateDanger: true }),
        )
      ).reference,
      (
        await core.submissions.submitMissing(
          practitioner,
          missingAnswers({ child: { ...child, gender: 'boy', inCare: false } }),
        )
      ).reference,
    ];
    other = (await core.submissions.submitIntelligence(practitioner, intelligenceAnswers())).reference;
    await core.metList.nominate(member, {
      child: { reference: references[0]! },
      level: 'high',
      reason: 'Seen with older men',
    });
    const about = { reference: references[0]! };
    await core.sectionK.recordNrmReferral(member, {
      ...about,
      referredAt: new Date('2026-11-01T00:00:00Z'),
      referredBy: 'police',
      nrmReference: 'NRM-EXAMPLE-9',
    });
    await core.sectionK.recordDisruption(member, {
      ...about,
      kind: 'cawn',
      occurredAt: new Date('2026-11-02T00:00:00Z'),
      perpetrator: 'Example Adult',
    });
  });
  afterAll(() => database.destroy());

  it('gives a MET group member everything held about the child, decrypted, and audits it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'metbot-sar-')), 'export.json');
    const done = await admin(
      'export-child',
      '--reference',
      references[1]!.toLowerCase(),
      '--for',
      'U-MET',
      '--out',
      file,
    );
    expect(done.code, done.text).toBe(0);
    expect(done.text).toContain('for Mo Member');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as ChildExport;

    expect(exported.child).toMatchObject({ name: 'Exportchild Example', initials: 'E.E.', gender: 'boy' });
    expect(exported.records.map((r) => r.reference)).toEqual(expect.arrayContaining(references));
    expect(exported.records.map((r) => r.reference)).not.toContain(other);
    const intelligence = exported.records.find((r) => r.reference === references[0]);
    expect(JSON.stringify(intelligence?.answers)).toContain('blue car with an older man');
    expect(intelligence?.sentBy).toBe('Pat Practitioner');
    expect(exported.missingEpisodes).toHaveLength(1);
    expect(exported.nrmReferrals).toMatchObject([{ referredBy: 'police', nrmReference: 'NRM-EXAMPLE-9' }]);
    expect(exported.disruptions).toMatchObject([{ kind: 'cawn', perpetrator: 'Example Adult' }]);
    expect(exported.metList?.entry).toMatchObject({ status: 'nominated', level: 'high' });
    expect(exported.metList?.history).toHaveLength(1);
    expect(exported.alerts.length).toBeGreaterThan(0);
    expect(
      exported.alerts.every((alert) => references.includes((alert as { reference: string }).reference)),
    ).toBe(true);
    // The audit trail about the child, ending with this export.
    expect(exported.audit.some((e) => e.about === references[0] && e.action === 'create')).toBe(true);
    expect(exported.audit.at(-1)).toMatchObject({
      actor: 'Mo Member',
      surface: 'admin',
      action: 'read',
      about: 'the child',
      detail: `subject-access export (${exported.records.length} records)`,
    });
    expect((await verifyAuditChain(database.db)).ok).toBe(true);

    // Without --out it prints the JSON; a file is never overwritten.
    const printed = await admin('export-child', '--reference', references[0]!, '--for', 'U-MET');
    expect(JSON.parse(printed.text).child.name).toBe('Exportchild Example');
    expect(
      await admin('export-child', '--reference', references[0]!, '--for', 'U-MET', '--out', file),
    ).toEqual({
      code: 1,
      text: `${file} already exists: choose a new file name.`,
    });
  });

  it('refuses anyone but a MET group member, admins included, and audits nothing for them', async () => {
    const before = await database.db.auditEvent.count();
    for (const who of ['U-ADMIN', 'U-PRAC']) {
      const refused = await admin('export-child', '--reference', references[0]!, '--for', who);
      expect(refused).toEqual({
        code: 1,
        text: 'Sorry, exporting everything held about a child (subject access) is only for MET group members.',
      });
    }
    expect((await admin('export-child', '--reference', 'INT-1999-000001', '--for', 'U-MET')).text).toBe(
      'There is no record INT-1999-000001.',
    );
    expect((await admin('export-child', '--reference', references[0]!, '--for', 'U-NOBODY')).text).toBe(
      'No user has the id U-NOBODY.',
    );
    expect(await database.db.auditEvent.count()).toBe(before);
  });
});
