#!/usr/bin/env node
// npm run audit:deps: `npm audit --omit=dev --audit-level=high` for CI, with two differences.
// 1. An audit endpoint that cannot be reached (offline, or a registry mirror that does not offer
//    the audit API) is a SKIP, said plainly, not a pass. AUDIT_DEPS_REQUIRED=true makes it a failure.
// 2. An advisory may be excepted only by naming it, with a reason, in scripts/audit-exceptions.json:
//    { "GHSA-xxxx-xxxx-xxxx": "why it does not reach metbot, and until when" }.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const exceptionsFile =
  process.env.AUDIT_DEPS_EXCEPTIONS ?? new URL('./audit-exceptions.json', import.meta.url);
const exceptions = JSON.parse(readFileSync(exceptionsFile, 'utf8'));
// AUDIT_DEPS_REPORT names a saved `npm audit --json` output to read instead (for the tests).
const run = process.env.AUDIT_DEPS_REPORT
  ? { stdout: readFileSync(process.env.AUDIT_DEPS_REPORT, 'utf8'), stderr: '', status: 1 }
  : spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });

let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}

if (!report?.vulnerabilities) {
  const why = report?.message ?? (run.stderr.trim().split('\n').at(-1) || `npm audit exited ${run.status}`);
  console.log(`SKIPPED: dependencies were NOT checked: the audit endpoint could not be used (${why}).`);
  console.log(
    "Run npm run audit:deps where the npm registry is reachable, or use your registry's own audit.",
  );
  process.exit(process.env.AUDIT_DEPS_REQUIRED === 'true' ? 1 : 0);
}

const serious = Object.values(report.vulnerabilities).filter((v) =>
  ['high', 'critical'].includes(v.severity),
);
const advisoriesOf = (v) =>
  v.via
    .filter((via) => typeof via === 'object')
    .map((via) =>
      String(via.url ?? via.source)
        .split('/')
        .at(-1),
    );
const open = [];
for (const v of serious) {
  const ids = advisoriesOf(v);
  const excepted = ids.length > 0 && ids.every((id) => exceptions[id]);
  if (excepted) for (const id of ids) console.log(`excepted: ${v.name} ${id}: ${exceptions[id]}`);
  else open.push(`${v.severity}: ${v.name} (${ids.join(', ') || `through ${v.via.join(', ')}`})`);
}
const counts = report.metadata?.vulnerabilities ?? {};
console.log(
  `npm audit (production dependencies): ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
    `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low.`,
);
if (open.length) {
  console.log('High or critical advisories with no named exception:');
  for (const line of open) console.log(`  ${line}`);
  process.exit(1);
}
console.log('No high or critical advisory without a named exception.');
