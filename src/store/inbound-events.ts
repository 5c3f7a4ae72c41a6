import type { Db } from './database';

/**
 * Exactly-once handling of what a platform delivers more than once (Slack retries an event it
 * thinks failed; Teams resends an activity it got no answer to). The key is written once: the
 * instance that writes it handles the delivery, every other attempt sees the unique violation
 * and does nothing. In the database, not in memory, so that two instances also answer once.
 */
export async function claimInbound(db: Db, key: string): Promise<boolean> {
  try {
    await db.inboundEvent.create({ data: { key } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Forgets keys older than `before`: platforms stop retrying within minutes. Returns how many. */
export async function forgetInboundBefore(db: Db, before: Date): Promise<number> {
  const { count } = await db.inboundEvent.deleteMany({ where: { receivedAt: { lt: before } } });
  return count;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
