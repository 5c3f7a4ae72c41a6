import { randomUUID } from 'node:crypto';
import type { RecordType } from '../domain/references';
import type { Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';

/** Which destinations each record type is queued for (see deliveryRoutes in ./settings). */
export type DeliveryRoutes = Partial<Record<RecordType, readonly string[]>>;

export interface NewOutboxMessage {
  destination: string;
  recordId: string | null;
  /** Unique per destination: queueing the same key twice keeps the first. */
  idempotencyKey: string;
  payload: unknown;
  /** The injected clock's now: due from then, never from the machine's clock. */
  at: Date;
}

/**
 * Queues one message inside the caller's transaction, so it commits (or not) with the change that
 * caused it. The payload is encrypted like every other record at rest. Returns false when a message
 * with this key is already queued for this destination.
 */
export async function enqueueMessage(
  tx: Tx,
  cipher: FieldCipher,
  message: NewOutboxMessage,
): Promise<boolean> {
  const key = { destination: message.destination, idempotencyKey: message.idempotencyKey };
  // A check rather than catching the unique error: on PostgreSQL a failed insert aborts the transaction.
  const existing = await tx.outboxMessage.findUnique({
    where: { destination_idempotencyKey: key },
    select: { id: true },
  });
  if (existing) return false;
  const id = randomUUID();
  await tx.outboxMessage.create({
    data: {
      id,
      ...key,
      recordId: message.recordId,
      payloadEnc: cipher.sealJson('OutboxMessage', 'payloadEnc', id, message.payload),
      nextAttemptAt: message.at,
      createdAt: message.at,
    },
  });
  return true;
}

/**
 * Queues a saved record for each destination its type is routed to, with the record's UUID as the
 * idempotency key: a record is sent once per destination, and every resend carries the same key.
 */
export async function enqueueRecordDeliveries(
  tx: Tx,
  cipher: FieldCipher,
  envelope: { id: string; type: RecordType },
  routes: DeliveryRoutes,
  at: Date,
): Promise<void> {
  const targets = routes[envelope.type] ?? [];
  if (targets.length === 0) return;
  // A new record has a new UUID, so nothing can clash: one insert for all destinations.
  await tx.outboxMessage.createMany({
    data: targets.map((destination) => ({
      ...sealedPayload(cipher, envelope),
      destination,
      recordId: envelope.id,
      idempotencyKey: envelope.id,
      nextAttemptAt: at,
      createdAt: at,
    })),
  });
}

/** A new message's id and its payload sealed to it. */
export function sealedPayload(cipher: FieldCipher, payload: unknown): { id: string; payloadEnc: string } {
  const id = randomUUID();
  return { id, payloadEnc: cipher.sealJson('OutboxMessage', 'payloadEnc', id, payload) };
}
