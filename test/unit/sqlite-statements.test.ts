import { describe, expect, it } from 'vitest';
import { keepPrepared } from '../../src/store/sqlite-statements';

/** A stand-in for better-sqlite3: a statement answers with the parameters it was run with. */
function fakeClient() {
  const prepared: string[] = [];
  const client = {
    prepare(sql: string) {
      prepared.push(sql);
      let raw = false;
      const statement = {
        reader: sql.startsWith('SELECT'),
        run: (...params: unknown[]) => ({ sql, params }),
        all: (...params: unknown[]) => [{ sql, params, raw }],
        columns: () => [],
        raw: (on = true) => {
          raw = on;
          return statement;
        },
      };
      return statement;
    },
  };
  return { client, prepared };
}

describe('statements kept prepared on SQLite (issue 20)', () => {
  it('prepares each statement once and passes each call its own parameters', () => {
    const { client, prepared } = fakeClient();
    keepPrepared(client);
    const first = client.prepare('SELECT ?') as unknown as {
      bind(a: unknown): typeof first;
      raw(): typeof first;
      all(): unknown;
    };
    expect(first.bind([1]).raw().all()).toEqual([{ sql: 'SELECT ?', params: [[1]], raw: true }]);
    const again = client.prepare('SELECT ?') as unknown as typeof first;
    expect(again.bind([2]).raw().all()).toEqual([{ sql: 'SELECT ?', params: [[2]], raw: true }]);
    expect((client.prepare('BEGIN') as unknown as { run(): unknown }).run()).toEqual({
      sql: 'BEGIN',
      params: [],
    });
    expect(prepared).toEqual(['SELECT ?', 'BEGIN']);
  });

  it('keeps only the most recently used', () => {
    const { client, prepared } = fakeClient();
    keepPrepared(client, 2);
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 3', 'SELECT 1', 'SELECT 2'])
      client.prepare(sql);
    expect(prepared).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 2']);
  });
});
