import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type AuditKeyring, checkpointKey, hmacHex } from '../store/audit-key';
import type { Db, Tx } from '../store/database';

/**
 * A signed note of where the audit chain had got to: its last event and that event's seal. Kept
 * outside the database (a file elsewhere, or the MET coordinator's mailbox), it shows later whether
 * the chain was cut back or rewritten from an earlier point, which the chain alone cannot show.
 */
export const CheckpointSchema = z.object({
  kind: z.literal('audit-checkpoint'),
  version: z.literal(1),
  /** The last event's sequence number, and its seal. */
  seq: z.number().int().min(0),
  hash: z.string(),
  events: z.number().int().min(0),
  madeAt: z.string(),
  keyId: z.string(),
  signature: z.string(),
});

export type Checkpoint = z.infer<typeof CheckpointSchema>;

export function isCheckpoint(payload: unknown): payload is Checkpoint {
  return (payload as { kind?: unknown } | null)?.kind === 'audit-checkpoint';
}

function signed(fields: Omit<Checkpoint, 'signature'>, key: Buffer): string {
  const { kind, version, seq, hash, events, madeAt, keyId } = fields;
  return hmacHex(key, JSON.stringify([kind, version, seq, hash, events, madeAt, keyId]));
}

/** A checkpoint of the chain as it is now (inside the caller's transaction when one is given). */
export async function makeCheckpoint(db: Db | Tx, keyring: AuditKeyring, now: Date): Promise<Checkpoint> {
  const last = await db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  // Counted up to that event, so that a writer committing meanwhile cannot make the count disagree.
  const events = last ? await db.auditEvent.count({ where: { seq: { lte: last.seq } } }) : 0;
  const fields = {
    kind: 'audit-checkpoint' as const,
    version: 1 as const,
    seq: last?.seq ?? 0,
    hash: last?.hash ?? '',
    events,
    madeAt: now.toISOString(),
    keyId: keyring.current.id,
  };
  return { ...fields, signature: signed(fields, checkpointKey(keyring.current)) };
}

export type CheckpointCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether a checkpoint is genuine and the chain still holds the event it names, with the same
 * seal. Check the chain itself with verifyAuditChain first: this says nothing about the events.
 */
export async function checkAgainstCheckpoint(
  db: Db,
  keyring: AuditKeyring,
  input: unknown,
): Promise<CheckpointCheck> {
  const parsed = CheckpointSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: 'the file is not an audit checkpoint' };
  const checkpoint = parsed.data;
  const key = keyring.byId.get(checkpoint.keyId);
  if (!key)
    return {
      ok: false,
      reason: `it was signed with a key this installation does not hold (${checkpoint.keyId})`,
    };
  const expected = Buffer.from(signed(checkpoint, checkpointKey(key)));
  const given = Buffer.from(checkpoint.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      reason: 'its signature does not match: the checkpoint was changed or not made by metbot',
    };
  }
  if (checkpoint.seq === 0) return { ok: true };
  const event = await db.auditEvent.findUnique({ where: { seq: checkpoint.seq }, select: { hash: true } });
  if (!event) {
    return {
      ok: false,
      reason: `event ${checkpoint.seq}, the last at the checkpoint of ${checkpoint.madeAt}, is gone: the chain was cut`,
    };
  }
  if (event.hash !== checkpoint.hash) {
    return {
      ok: false,
      reason: `event ${checkpoint.seq} is not the one at the checkpoint of ${checkpoint.madeAt}: the chain was rewritten`,
    };
  }
  const count = await db.auditEvent.count({ where: { seq: { lte: checkpoint.seq } } });
  if (count !== checkpoint.events) {
    return {
      ok: false,
      reason: `the chain up to event ${checkpoint.seq} holds ${count} events, not the ${checkpoint.events} at the checkpoint`,
    };
  }
  return { ok: true };
}
