import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditKeyring, useAuditKeyring } from '../src/store/audit-key';

/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
 * their figures. Each module exports `bench(): Promise<string[]>`, the lines to print, each
 * figure with its ratio against the baseline measured in the same run.
 */
// Benchmarks build the core in this process, on databases of their own: the audit trail they
// write is sealed under a key made for the run.
useAuditKeyring(auditKeyring({ auditKey: randomBytes(32) }));

const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

for (const file of files) {
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as {
    bench(): Promise<string[]>;
  };
  console.log(`\n== ${file.replace('.bench.ts', '')}`);
  for (const line of await module.bench()) console.log(line);
}
process.exit(0);
