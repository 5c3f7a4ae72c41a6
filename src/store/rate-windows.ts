import type { Db } from './database';
import { Prisma } from './generated/sqlite/client';

export interface RateWindowKey {
  bucket: string;
  /** When the window closes, in ms since 1970. */
  windowEnd: number;
}

/**
 * Counts one request in each window and answers each window's count so far, in the order given.
 * One statement, one round trip: every instance adds to the same rows, so three instances allow
 * what one does. The upsert is atomic on both databases, so exactly one request sees each count.
 */
export async function countInWindows(db: Db, windows: RateWindowKey[]): Promise<number[]> {
  if (!windows.length) return [];
  const rows = await db.$queryRaw<{ bucket: string; windowEnd: unknown; count: unknown }[]>`
    INSERT INTO "RateWindow" ("bucket", "windowEnd", "count")
    VALUES ${Prisma.join(windows.map((w) => Prisma.sql`(${w.bucket}, ${w.windowEnd}, 1)`))}
    ON CONFLICT ("bucket", "windowEnd") DO UPDATE SET "count" = "RateWindow"."count" + 1
    RETURNING "bucket", "windowEnd", "count"`;
  const counts = new Map(rows.map((row) => [`${row.bucket}|${Number(row.windowEnd)}`, Number(row.count)]));
  return windows.map((w) => counts.get(`${w.bucket}|${w.windowEnd}`) ?? 0);
}

/** Deletes windows closed by `now` (housekeeping). Returns how many. */
export async function forgetRateWindowsBefore(db: Db, now: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM "RateWindow" WHERE "windowEnd" <= ${now.getTime()}`;
}
