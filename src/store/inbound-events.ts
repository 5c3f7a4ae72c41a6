import type { Db } from './database';

/**
 * Exactly-once handling of what a platform delivers more than once (Slack retries an event it
 * thinks failed; Teams resends an activity it got no answer to). The key is written once: the
 * instance that writes it handles the delivery, every other attempt writes nothing and does
 * nothing. In the database, not in memory, so that two instances also answer once. Written as
 * SQL, not through the model API: it runs for nearly every delivery, and Prisma compiles each
 * model query anew (issue 20).
 */
export async function claimInbound(db: Db, key: string): Promise<boolean> {
  const written = await db.$executeRaw`
    INSERT INTO "InboundEvent" ("key", "receivedAt") VALUES (${key}, ${new Date()})
    ON CONFLICT DO NOTHING`;
  return written === 1;
}

/** Forgets keys older than `before`: platforms stop retrying within minutes. Returns how many. */
export async function forgetInboundBefore(db: Db, before: Date): Promise<number> {
  const { count } = await db.inboundEvent.deleteMany({ where: { receivedAt: { lt: before } } });
  return count;
}
