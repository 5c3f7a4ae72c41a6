import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDir, schemaFiles } from '../../scripts/json-schemas';
import { RECORD_SCHEMA_VERSION, recordSchemas } from '../../src/domain/record-schemas';

describe('published record schemas', () => {
  it('are up to date in docs/schema/ (run: npx tsx scripts/json-schemas.ts)', () => {
    const files = schemaFiles();
    expect(
      readdirSync(schemaDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual([...files.keys()].sort());
    for (const [name, text] of files) {
      expect(readFileSync(join(schemaDir, name), 'utf8'), `docs/schema/${name} is out of date`).toBe(text);
    }
  });

  it('carry the version the records are saved with', () => {
    const schema = JSON.parse(readFileSync(join(schemaDir, 'missing.json'), 'utf8'));
    expect(schema.properties.schemaVersion).toEqual({ type: 'number', const: RECORD_SCHEMA_VERSION });
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'id',
        'reference',
        'type',
        'submittedAt',
        'submittedBy',
        'answers',
      ]),
    );
  });

  it('refuse a record whose reference or type does not fit', () => {
    const record = {
      schemaVersion: 2,
      id: '3f1c2b8e-5d2a-4c3e-9f00-1a2b3c4d5e6f',
      reference: 'INT-2026-000001',
      type: 'intelligence',
      submittedAt: '2026-11-28T10:00:00.000Z',
      submittedBy: { name: 'Tester', agency: null, surface: 'slack' },
      answers: {},
    };
    expect(recordSchemas.missing.safeParse(record).success).toBe(false);
    expect(recordSchemas.intelligence.safeParse({ ...record, reference: 'INT-1' }).success).toBe(false);
  });
});
