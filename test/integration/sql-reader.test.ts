import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlPart as sql } from '../../src/store/database';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';

/**
 * The figures read straight on the driver (src/store/sql-reader.ts): the same rows and the same
 * date comparisons as Prisma, only what is committed, and on SQLite without holding up the server.
 */
describe.each(providers)('reading SQL on the driver (%s)', (provider) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(provider);
    await database.db.agency.create({
      data: { id: 'agency-1', name: 'Example Academy', createdAt: new Date('2026-10-31T23:30:00Z') },
    });
  });

  afterEach(async () => {
    await database.destroy();
  });

  it('binds dates as Prisma does, so a range over stored times gives the same rows', async () => {
    const inRange = (from: Date, to: Date) =>
      sql`SELECT a."name" AS name FROM "Agency" a WHERE a."createdAt" >= ${from} AND a."createdAt" < ${to}`;
    const cases: [Date, Date, number][] = [
      [new Date('2026-10-31T23:30:00Z'), new Date('2026-11-01T00:00:00Z'), 1],
      [new Date('2026-10-31T23:30:00.001Z'), new Date('2026-11-01T00:00:00Z'), 0],
      [new Date('2026-10-31T00:00:00Z'), new Date('2026-10-31T23:30:00Z'), 0],
    ];
    for (const [from, to, expected] of cases) {
      const direct = await database.read<{ name: string }>(inRange(from, to));
      const prisma = await database.db.$queryRaw<{ name: string }[]>(inRange(from, to));
      expect(direct).toEqual(prisma);
      expect(direct).toHaveLength(expected);
    }
  });

  it('sees only what is committed, never a transaction in progress', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const inserted = new Promise<void>((resolve) => {
      written = resolve;
    });
    const transaction = database.db.$transaction(async (tx) => {
      await tx.agency.create({ data: { name: 'Example College' } });
      written();
      await held;
    });
    await inserted;
    const during = await database.read<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM "Agency"`);
    release();
    await transaction;
    const after = await database.read<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM "Agency"`);
    expect(Number(during[0]?.n)).toBe(1);
    expect(Number(after[0]?.n)).toBe(2);
  });

  it('rejects a statement that fails and goes on reading', async () => {
    await expect(database.read(sql`SELECT "nothing" FROM "NoSuchTable"`)).rejects.toThrow();
    const rows = await database.read<{ name: string }>(sql`SELECT a."name" AS name FROM "Agency" a`);
    expect(rows).toEqual([{ name: 'Example Academy' }]);
  });
});

describe('reading SQL on SQLite', () => {
  it('answers other work while a long statement runs', async () => {
    const database = await createTestDatabase('sqlite');
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 5);
    try {
      // Some hundreds of milliseconds of SQL: on the server's own thread no timer could fire.
      const [row] = await database.read<{ n: unknown }>(sql`
        WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000000)
        SELECT COUNT(*) AS n FROM c`);
      expect(Number(row?.n)).toBe(3_000_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
    await database.destroy();
  });
});
