import { type Actor, auditAs } from '../access/actor';
import type { Clock } from '../domain/clock';
import { maySeeRecord } from '../domain/policy';
import type { RecordEnvelope } from '../domain/record-envelope';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { deliveryState } from './delivery-state';

export interface RecordDelivery {
  record: RecordEnvelope;
  delivery: {
    /** In words, as `mine` says it. */
    state: string;
    destinations: { destination: string; status: string; attempts: number; deliveredAt: string | null }[];
  };
}

/**
 * Where a record has got to. (Admins see failed deliveries and retry them with AdminService:
 * `admin deadletters`, `admin retry <id>` in chat.)
 */
export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  /**
   * A record as kept, and whether it reached the police gateway, for someone who may see it;
   * null when there is no such record or they may not see it (the two look the same). Audited.
   */
  async recordWithDelivery(actor: Actor, reference: string): Promise<RecordDelivery | null> {
    const row = await this.db.record.findUnique({ where: { reference: reference.trim().toUpperCase() } });
    if (!row || !maySeeRecord(actor.roles, actor.id, row.submittedById)) return null;
    const messages = await this.db.outboxMessage.findMany({
      where: { recordId: row.id, destination: { startsWith: 'gateway-' } },
      orderBy: { destination: 'asc' },
      select: { destination: true, status: true, attempts: true, deliveredAt: true },
    });
    await this.db.$transaction((tx) =>
      auditAs(tx, this.provider, actor, {
        action: 'read',
        recordType: 'record',
        recordId: row.id,
        detail: row.reference,
        at: this.clock.now(),
      }),
    );
    return {
      record: this.cipher.openJson<RecordEnvelope>('Record', 'dataEnc', row.id, row.dataEnc),
      delivery: {
        state: deliveryState(messages),
        destinations: messages.map((m) => ({ ...m, deliveredAt: m.deliveredAt?.toISOString() ?? null })),
      },
    };
  }
}
