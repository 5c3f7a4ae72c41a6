import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedJsonSchema, recordTypes } from '../src/domain/record-schemas';

/**
 * Writes the published JSON Schema of each record type to docs/schema/<type>.json, from the zod
 * schemas in src/domain/record-schemas.ts. Run `npx tsx scripts/json-schemas.ts` after changing a
 * record's shape; test/gateway/schemas.test.ts fails while the committed files are out of date.
 */
export const schemaDir = join(import.meta.dirname, '..', 'docs', 'schema');

export function schemaFiles(): Map<string, string> {
  return new Map(
    recordTypes.map((type) => [`${type}.json`, `${JSON.stringify(publishedJsonSchema(type), null, 2)}\n`]),
  );
}

function write(): void {
  mkdirSync(schemaDir, { recursive: true });
  const files = schemaFiles();
  for (const stale of readdirSync(schemaDir).filter((f) => f.endsWith('.json') && !files.has(f))) {
    rmSync(join(schemaDir, stale));
  }
  for (const [name, text] of files) writeFileSync(join(schemaDir, name), text);
  console.log(`Wrote ${files.size} schemas to docs/schema/`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) write();
