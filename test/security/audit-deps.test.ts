import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'metbot-audit-deps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** scripts/audit-deps.mjs on a saved `npm audit --json` report, as CI runs it. */
function auditDeps(
  report: unknown,
  exceptions: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const reportFile = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const exceptionsFile = `${reportFile}.exceptions.json`;
  writeFileSync(reportFile, JSON.stringify(report));
  writeFileSync(exceptionsFile, JSON.stringify(exceptions));
  const run = spawnSync(process.execPath, ['scripts/audit-deps.mjs'], {
    env: {
      PATH: process.env.PATH,
      AUDIT_DEPS_REPORT: reportFile,
      AUDIT_DEPS_EXCEPTIONS: exceptionsFile,
      ...env,
    },
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout };
}

const highIn = (name: string, id: string) => ({
  auditReportVersion: 2,
  vulnerabilities: {
    [name]: { name, severity: 'high', via: [{ source: 1, url: `https://github.com/advisories/${id}` }] },
  },
  metadata: { vulnerabilities: { critical: 0, high: 1, moderate: 0, low: 0 } },
});

describe('npm run audit:deps', () => {
  it('says plainly that it skipped when the audit endpoint cannot be used, and fails then if told to', () => {
    const unreachable = {
      message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
    };
    const skipped = auditDeps(unreachable);
    expect(skipped.code).toBe(0);
    expect(skipped.out).toContain('SKIPPED: dependencies were NOT checked');
    expect(skipped.out).toContain('405 Method Not Allowed');
    expect(auditDeps(unreachable, {}, { AUDIT_DEPS_REQUIRED: 'true' }).code).toBe(1);
  });

  it('fails on a high advisory unless it is named with a reason', () => {
    const failed = auditDeps(highIn('some-lib', 'GHSA-aaaa-bbbb-cccc'));
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('high: some-lib (GHSA-aaaa-bbbb-cccc)');
    const excepted = auditDeps(highIn('some-lib', 'GHSA-aaaa-bbbb-cccc'), {
      'GHSA-aaaa-bbbb-cccc': 'only reached from the build, never at run time',
    });
    expect(excepted).toMatchObject({
      code: 0,
      out: expect.stringContaining('excepted: some-lib GHSA-aaaa-bbbb-cccc: only reached'),
    });
  });

  it('passes a clean report', () => {
    const clean = auditDeps({
      auditReportVersion: 2,
      vulnerabilities: {},
      metadata: { vulnerabilities: {} },
    });
    expect(clean).toMatchObject({ code: 0, out: expect.stringContaining('No high or critical advisory') });
  });
});
