import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Limit, RateLimits } from '../ops/rate-limit';
import { appendAudit } from '../store/audit';
import type { Db, Provider } from '../store/database';
import type { AlertService } from './alerts.service';

export const PROBE_WINDOW_MS = 10 * 60_000;

/** Who asked for a record that was not there (or not theirs to see). */
export interface Prober {
  /** The API token's user name ("council-etl (API)"), when the caller had a valid one. */
  token: string | null;
  actorId: string | null;
  address: string;
}

/**
 * Watches for someone walking through references: references are sequential, so many look-ups
 * that answer 404 from one token or one address are a sign of probing. The first time a token or
 * an address reaches the threshold in a window, duty officers are alerted (then the MET
 * coordinator, if nobody acknowledges it) and the audit trail records it.
 */
export class ProbeWatch {
  private readonly misses: Limit;

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly alerts: AlertService,
    private readonly clock: Clock,
    private readonly threshold: number,
    private readonly log: Logger,
    private readonly limits: RateLimits,
  ) {
    // Counted in the database, so look-ups spread over several instances add up; it never refuses.
    this.misses = { name: 'probe', limit: Number.MAX_SAFE_INTEGER, windowMs: PROBE_WINDOW_MS };
  }

  async notFound(prober: Prober): Promise<void> {
    const keys = [`address:${prober.address}`, ...(prober.token ? [`token:${prober.token}`] : [])];
    const taken = await this.limits.take(keys.map((key) => ({ limit: this.misses, key })));
    for (const [i, key] of keys.entries()) {
      const count = taken[i];
      // The upsert is atomic: exactly one look-up, on whichever instance, sees the threshold.
      if (count?.ok && count.count === this.threshold) await this.raise(key, prober);
    }
  }

  private async raise(key: string, prober: Prober): Promise<void> {
    const now = this.clock.now();
    this.log.warn({ caller: key }, 'partner API: many look-ups of unknown references; duty officers alerted');
    await this.db.$transaction(async (tx) => {
      await this.alerts.raise(tx, { rule: 'access-probing' }, now);
      await appendAudit(tx, this.provider, {
        actorId: prober.actorId,
        // The token's user by id (its name is opened where the trail is shown), or the label.
        actor: prober.actorId ?? 'unknown caller',
        surface: 'api',
        action: 'refuse',
        recordType: 'api-caller',
        recordId: key,
        detail: `${this.threshold} look-ups of unknown references within ${PROBE_WINDOW_MS / 60_000} minutes`,
        at: now,
      });
    });
  }
}
