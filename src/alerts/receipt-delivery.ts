import type { DeliveryReceipt } from '../outbox/outbox.repository';
import type { DeliveryResult, OutboxDelivery, Transport } from '../outbox/transport';
import type { Db } from '../store/database';
import { type Surfaces, userTargets } from './surfaces';

/**
 * Tells submitters, on the platform they use, that their report reached the police gateway,
 * or that it has not yet and the team has been told.
 */
export class ReceiptTransport implements Transport {
  constructor(
    private readonly db: Db,
    private readonly surfaces: Surfaces,
  ) {}

  async send(message: OutboxDelivery): Promise<DeliveryResult> {
    const receipt = message.payload as DeliveryReceipt;
    const text =
      receipt.state === 'delivered'
        ? `${receipt.reference} has reached the police intelligence team's gateway. Thank you.`
        : `${receipt.reference} has not been delivered to the police yet. It is safe with us, and the team has been told.`;
    try {
      for (const target of await userTargets(this.db, this.surfaces, { id: receipt.userId })) {
        await this.surfaces.get(target.platform)?.tell(target, text);
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
