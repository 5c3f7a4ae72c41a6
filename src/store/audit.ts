import { createHash } from 'node:crypto';
import type { Db, Provider, Tx } from './database';

export type AuditAction = 'create' | 'read' | 'update' | 'delete' | 'refuse';

export interface AuditEntry {
  actorId: string | null;
  /** A readable name for the actor: a user's display name, "system", an API token's name. */
  actor: string;
  surface: string;
  action: AuditAction;
  recordType: string;
  recordId: string;
  detail?: string;
  at: Date;
}

const genesis = '0'.repeat(64);

function hashOf(prevHash: string, entry: AuditEntry): string {
  const fields = [
    prevHash,
    entry.at.toISOString(),
    entry.actorId,
    entry.actor,
    entry.surface,
    entry.action,
    entry.recordType,
    entry.recordId,
    entry.detail ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Appends to the hash chain inside the caller's transaction, so the event and the change it
 * describes commit together. On PostgreSQL an advisory lock orders writers across instances.
 */
export async function appendAudit(tx: Tx, provider: Provider, entry: AuditEntry): Promise<void> {
  if (provider === 'postgresql') await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727275)');
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  const prevHash = last?.hash ?? genesis;
  await tx.auditEvent.create({
    data: {
      ...entry,
      detail: entry.detail ?? null,
      prevHash,
      hash: hashOf(prevHash, entry),
    },
  });
}

export type ChainCheck =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAt: number; reason: string };

/** Walks the chain in order and names the first event whose link or contents do not match. */
export async function verifyAuditChain(db: Db): Promise<ChainCheck> {
  let prevHash = genesis;
  let events = 0;
  let cursor = 0;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: 1000,
    });
    if (page.length === 0) return { ok: true, events };
    for (const event of page) {
      events += 1;
      if (event.prevHash !== prevHash) {
        return { ok: false, events, brokenAt: event.seq, reason: 'it does not follow the event before it' };
      }
      if (
        hashOf(prevHash, {
          ...event,
          action: event.action as AuditAction,
          detail: event.detail ?? undefined,
        }) !== event.hash
      ) {
        return {
          ok: false,
          events,
          brokenAt: event.seq,
          reason: 'its contents were changed after it was written',
        };
      }
      prevHash = event.hash;
      cursor = event.seq;
    }
  }
}
