import { createHash, timingSafeEqual } from 'node:crypto';
import { type AuditKeyring, hmacHex, installedAuditKeyring } from './audit-key';
import type { Db, Tx } from './client';
import { Prisma } from './generated/sqlite/client';
import type { Provider } from './provider';

export type AuditAction = 'create' | 'read' | 'update' | 'delete' | 'refuse';

export interface AuditEntry {
  actorId: string | null;
  /**
   * A label that names nobody: a user's metbot id (their name is sealed in the User row and
   * opened where the trail is shown), "system", "admin command line", an API token's name. Events
   * written before issue 17's last round hold a display name here, kept as the chain sealed it.
   */
  actor: string;
  surface: string;
  action: AuditAction;
  recordType: string;
  recordId: string;
  /** References and codes only: never a child's details or free text. */
  detail?: string;
  at: Date;
}

export const GENESIS = '0'.repeat(64);

/**
 * An event's seal: an HMAC under the audit key of the event and the seal before it. Without the
 * key, a changed, removed or reordered event cannot be given a seal that verifies.
 */
function sealOf(key: Buffer, keyId: string, prevHash: string, entry: AuditEntry): string {
  const fields = [
    keyId,
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
  return hmacHex(key, JSON.stringify(fields));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The events each open transaction has appended so far, written as its last statement. The chain's
 * lock (or, on SQLite, the write lock) is then taken just before the commit: held from a
 * transaction's first audit to its end, it made every save, and every read that is audited, wait
 * in one line across all instances (the soak: transactions timing out after 15 s, API p99 32 s).
 */
const pendingAudit = new WeakMap<Tx, AuditEntry[]>();

/** Runs a transaction's work with its audit events held back, then appends them in one statement. */
export async function withAuditAtEnd<T>(tx: Tx, provider: Provider, work: () => Promise<T>): Promise<T> {
  const entries: AuditEntry[] = [];
  pendingAudit.set(tx, entries);
  try {
    const result = await work();
    pendingAudit.delete(tx);
    if (entries.length) await appendAuditMany(tx, provider, entries);
    return result;
  } finally {
    pendingAudit.delete(tx);
  }
}

/** Appends what the transaction has held back so far, for one that goes on to read the trail itself. */
export async function appendHeldAudit(tx: Tx, provider: Provider): Promise<void> {
  const pending = pendingAudit.get(tx);
  if (!pending?.length) return;
  const entries = pending.splice(0);
  pendingAudit.delete(tx);
  try {
    await appendAuditMany(tx, provider, entries);
  } finally {
    pendingAudit.set(tx, pending);
  }
}

/**
 * Appends to the chain inside the caller's transaction, so the event and the change it describes
 * commit together. On PostgreSQL an advisory lock orders writers across instances.
 */
export async function appendAudit(
  tx: Tx,
  provider: Provider,
  entry: AuditEntry,
  keyring: AuditKeyring = installedAuditKeyring(),
): Promise<void> {
  const pending = keyring === installedAuditKeyring() ? pendingAudit.get(tx) : undefined;
  if (pending) {
    pending.push(entry);
    return;
  }
  if (provider === 'postgresql') await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727275)');
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS;
  const { id, key } = keyring.current;
  await tx.auditEvent.create({
    data: {
      ...entry,
      detail: entry.detail ?? null,
      prevHash,
      keyId: id,
      hash: sealOf(key, id, prevHash, entry),
    },
  });
}

/**
 * Appends several events in one statement, chained in the order given: a list's view and each
 * child it showed cost three round trips, not two for every child.
 */
export async function appendAuditMany(
  tx: Tx,
  provider: Provider,
  entries: AuditEntry[],
  keyring: AuditKeyring = installedAuditKeyring(),
): Promise<void> {
  if (entries.length === 0) return;
  const pending = keyring === installedAuditKeyring() ? pendingAudit.get(tx) : undefined;
  if (pending) {
    pending.push(...entries);
    return;
  }
  if (provider === 'postgresql') await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727275)');
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
  let prevHash = last?.hash ?? GENESIS;
  const { id, key } = keyring.current;
  const rows = entries.map((entry) => {
    const hash = sealOf(key, id, prevHash, entry);
    const row = { ...entry, detail: entry.detail ?? null, prevHash, keyId: id, hash };
    prevHash = hash;
    return row;
  });
  // One INSERT of many rows, in SQL (Prisma compiles a createMany of 50 rows afresh each time):
  // each row gets its sequence number in the order of the rows.
  const values = rows.map(
    (r) =>
      Prisma.sql`(${r.at}, ${r.actorId ?? null}, ${r.actor}, ${r.surface}, ${r.action}, ${r.recordType}, ${r.recordId}, ${r.detail}, ${r.prevHash}, ${r.hash}, ${r.keyId})`,
  );
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("at", "actorId", "actor", "surface", "action", "recordType", "recordId", "detail", "prevHash", "hash", "keyId")
    VALUES ${Prisma.join(values)}`;
}

export type ChainCheck =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAt: number; reason: string };

interface StoredEvent {
  seq: number;
  at: Date;
  actorId: string | null;
  actor: string;
  surface: string;
  action: string;
  recordType: string;
  recordId: string;
  detail: string | null;
  prevHash: string;
  hash: string;
  keyId: string | null;
}

/** Why an event does not verify after `prevHash`, or null when it does. */
function fault(event: StoredEvent, prevHash: string, keyring: AuditKeyring): string | null {
  if (event.prevHash !== prevHash)
    return 'it does not follow the event before it (an event was removed, added or moved)';
  const key = event.keyId ? keyring.byId.get(event.keyId) : undefined;
  if (!event.keyId) return 'it carries no audit key id (it was not written by metbot with its audit key)';
  if (!key) return `it was sealed with an audit key this installation does not hold (key id ${event.keyId})`;
  const seal = sealOf(key.key, key.id, prevHash, {
    ...event,
    action: event.action as AuditAction,
    detail: event.detail ?? undefined,
  });
  return same(seal, event.hash) ? null : 'its contents or its seal were changed after it was written';
}

export interface ChainCheckOptions {
  keyring?: AuditKeyring;
  /** Check only from this sequence number on, taking the link before it on trust (the start-up check). */
  fromSeq?: number;
}

/** Walks the chain in order and names the first event whose link, contents or seal do not match. */
export async function verifyAuditChain(db: Db, options: ChainCheckOptions = {}): Promise<ChainCheck> {
  const keyring = options.keyring ?? installedAuditKeyring();
  let prevHash: string | undefined = options.fromSeq === undefined ? GENESIS : undefined;
  let events = 0;
  let cursor = options.fromSeq === undefined ? 0 : options.fromSeq - 1;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: 1000,
    });
    if (page.length === 0) return { ok: true, events };
    for (const event of page) {
      events += 1;
      const reason = fault(event, prevHash ?? event.prevHash, keyring);
      if (reason) return { ok: false, events, brokenAt: event.seq, reason };
      prevHash = event.hash;
      cursor = event.seq;
    }
  }
}

/**
 * Seals, under the current key, a chain written before the audit chain was keyed (its events have
 * no key id and an unkeyed SHA-256 link). It is done only when that old chain is whole, so that
 * nothing changed before can be hidden by the new seals. Returns how many events were sealed.
 */
export async function sealUnkeyedAudit(
  db: Db,
  provider: Provider,
  keyring: AuditKeyring = installedAuditKeyring(),
): Promise<{ sealed: number } | { brokenAt: number }> {
  return db.$transaction(
    async (tx) => {
      if (provider === 'postgresql') await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727275)');
      // An unkeyed event inside a keyed chain is not an old chain: verifyAuditChain reports it.
      const first = await tx.auditEvent.findFirst({ orderBy: { seq: 'asc' }, select: { keyId: true } });
      if (!first || first.keyId) return { sealed: 0 };
      const events = await tx.auditEvent.findMany({ orderBy: { seq: 'asc' } });
      // The whole old chain is checked before anything is written: a break seals nothing.
      let oldPrev = GENESIS;
      for (const event of events) {
        // Keyed events after unkeyed ones cannot happen: the server seals before it writes.
        if (event.keyId) return { brokenAt: event.seq };
        const fields = [
          oldPrev,
          event.at.toISOString(),
          event.actorId,
          event.actor,
          event.surface,
          event.action,
          event.recordType,
          event.recordId,
          event.detail ?? null,
        ];
        const oldHash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
        if (event.prevHash !== oldPrev || event.hash !== oldHash) return { brokenAt: event.seq };
        oldPrev = event.hash;
      }
      const { id, key } = keyring.current;
      let newPrev = GENESIS;
      let sealed = 0;
      for (const event of events) {
        const entry = { ...event, action: event.action as AuditAction, detail: event.detail ?? undefined };
        const hash = sealOf(key, id, newPrev, entry);
        await tx.auditEvent.update({
          where: { seq: event.seq },
          data: { prevHash: newPrev, hash, keyId: id },
        });
        newPrev = hash;
        sealed += 1;
      }
      return { sealed };
    },
    { timeout: 120_000 },
  );
}
