import { parseSettings } from '../config';
import type { FeatureFactory } from '../feature';
import { OutboxSettingsSchema } from './settings';
import type { Transports } from './transport';
import { OutboxWorker } from './worker';

/**
 * The outbox worker: always on, because the police gateway is not its only user (duty alerts and
 * delivery receipts go through it too). It delivers through `transports`, the map the other
 * features fill in (the gateway's email and webhook, a surface's alerts and receipts); a message
 * whose destination has no transport waits until one is added.
 */
export function outboxFeature(transports: Transports): FeatureFactory {
  return ({ env, database, cipher, log }) => {
    const settings = parseSettings(OutboxSettingsSchema, env);
    const worker = new OutboxWorker({
      db: database.db,
      provider: database.provider,
      cipher,
      transports,
      log,
      retry: {
        baseMs: settings.OUTBOX_RETRY_BASE_MS,
        capMs: settings.OUTBOX_RETRY_CAP_MS,
        maxAttempts: settings.OUTBOX_MAX_ATTEMPTS,
      },
      pollMs: settings.OUTBOX_POLL_MS,
    });
    return {
      on: true,
      feature: {
        name: 'Outbox',
        async start() {
          const to = [...transports.keys()];
          log.info(
            { destinations: to },
            `Outbox: delivering to ${to.length ? to.join(', ') : 'nothing yet'}`,
          );
          worker.start();
        },
        stop: () => worker.stop(),
      },
    };
  };
}
