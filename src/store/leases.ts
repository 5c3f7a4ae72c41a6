import type { Db, Provider } from './database';

export interface ClaimOptions {
  owner: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
}

/**
 * Claims up to `limit` due timers for `owner` until `leaseUntil`. A timer whose lease has run
 * out is claimable again, so work held by a process that died is taken over.
 * PostgreSQL: FOR UPDATE SKIP LOCKED, so instances never wait on or take each other's rows.
 * SQLite: one writer at a time, so a conditional update is enough.
 */
export async function claimDueTimers(db: Db, provider: Provider, options: ClaimOptions): Promise<string[]> {
  const { owner, now, leaseUntil, limit } = options;
  if (provider === 'postgresql') {
    // Columns hold UTC wall-clock times (timestamp without time zone), as Prisma writes them.
    const rows = await db.$queryRawUnsafe<{ id: string; dueAt: Date }[]>(
      `UPDATE "Timer" SET "leaseOwner" = $1, "leaseUntil" = ($2::timestamptz AT TIME ZONE 'UTC')
       WHERE id IN (
         SELECT id FROM "Timer"
         WHERE status = 'pending' AND "dueAt" <= ($3::timestamptz AT TIME ZONE 'UTC')
           AND ("leaseUntil" IS NULL OR "leaseUntil" < ($3::timestamptz AT TIME ZONE 'UTC'))
         ORDER BY "dueAt" LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING id, "dueAt"`,
      owner,
      leaseUntil.toISOString(),
      now.toISOString(),
      limit,
    );
    // RETURNING keeps no order: fire the earliest first.
    return rows
      .sort((a, b) => new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime())
      .map((row) => row.id);
  }
  const claimable = { status: 'pending', OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
  const candidates = await db.timer.findMany({
    where: { ...claimable, dueAt: { lte: now } },
    orderBy: { dueAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  const claimed: string[] = [];
  for (const { id } of candidates) {
    const { count } = await db.timer.updateMany({
      where: { id, ...claimable },
      data: { leaseOwner: owner, leaseUntil },
    });
    if (count === 1) claimed.push(id);
  }
  return claimed;
}
