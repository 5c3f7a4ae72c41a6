import { randomUUID } from 'node:crypto';
import { type Actor, auditAs } from '../access/actor';
import type { RecordEnvelope } from '../domain/record-envelope';
import { RECORD_SCHEMA_VERSION } from '../domain/record-schemas';
import type { RecordType } from '../domain/references';
import { type DeliveryRoutes, enqueueRecordDeliveries } from '../outbox/enqueue';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { nextReference } from '../store/references';

export interface NewRecord {
  id: string;
  reference: string;
  type: RecordType;
  answers: Record<string, unknown>;
  derived?: Record<string, unknown>;
  childId: string | null;
  immediateDanger?: boolean;
  now: Date;
}

/**
 * The one way a record is kept: its envelope, the row (sealed to it), a delivery queued for each
 * destination its type is routed to, and the audit event, all in the caller's transaction.
 */
export class RecordWriter {
  constructor(
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    /** Where each record type is sent; none configured, nothing queued. */
    readonly routes: DeliveryRoutes = {},
  ) {}

  newId(): string {
    return randomUUID();
  }

  /**
   * The record's reference. Taken inside a transaction, the counter stays locked until it commits;
   * taken on its own, it commits at once and a failed save leaves a gap.
   */
  nextReference(db: Db | Tx, type: RecordType, now: Date): Promise<string> {
    return nextReference(db, type, now);
  }

  /** The destinations a record of this type is queued for; empty when it is only kept. */
  destinationsOf(type: RecordType): readonly string[] {
    return this.routes[type] ?? [];
  }

  async write(tx: Tx, actor: Actor, record: NewRecord): Promise<RecordEnvelope> {
    const { id, reference, type, answers, derived, childId, immediateDanger = false, now } = record;
    const envelope: RecordEnvelope = {
      schemaVersion: RECORD_SCHEMA_VERSION,
      id,
      reference,
      type,
      submittedAt: now.toISOString(),
      submittedBy: { name: actor.displayName, agency: actor.agencyName, surface: actor.surface },
      answers,
      ...(derived && { derived }),
    };
    await tx.record.create({
      data: {
        id,
        reference,
        type,
        schemaVersion: RECORD_SCHEMA_VERSION,
        childId,
        submittedById: actor.id,
        agencyId: actor.agencyId,
        surface: actor.surface,
        immediateDanger,
        dataEnc: this.cipher.sealJson('Record', 'dataEnc', id, envelope),
        createdAt: now,
      },
    });
    await enqueueRecordDeliveries(tx, this.cipher, envelope, this.routes, now);
    await auditAs(tx, this.provider, actor, {
      action: 'create',
      recordType: 'record',
      recordId: id,
      detail: reference,
      at: now,
    });
    return envelope;
  }
}
