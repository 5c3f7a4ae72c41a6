import { parseSettings } from '../config';
import type { WorkerFactory } from '../feature';
import { OutboxSettingsSchema } from './settings';
import type { Transports } from './transport';
import { OutboxWorker, type OutboxWorkerOptions } from './worker';

/**
 * The outbox worker: always on, because the police gateway is not its only user (duty alerts and
 * delivery receipts go through it too). It delivers through `transports`, the map the other
 * features fill in (the gateway's email and webhook, a surface's alerts and receipts); a message
 * whose destination has no transport waits until one is added.
 */
export function outboxFeature(
  transports: Transports,
  observe?: OutboxWorkerOptions['observe'],
): {
  factory: WorkerFactory;
  /** Claims and sends what is due now, until nothing due is left (at most ten rounds). */
  deliverDue(): Promise<void>;
} {
  let worker: OutboxWorker | undefined;
  const factory: WorkerFactory = ({ env, core, database, cipher, log }) => {
    const settings = parseSettings(OutboxSettingsSchema, env);
    worker = new OutboxWorker({
      // Its own connections on PostgreSQL: a delivery is marked the moment the receiver has it.
      db: database.outbox,
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
      observe,
      // The bot's own clock: a delivery is stamped with the time the rest of the bot keeps
      // (section K counts FIB1 forms by when the gateway took them).
      clock: core.clock,
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
          worker?.start();
        },
        running: () => worker?.running ?? false,
        stop: async () => worker?.stop(),
      },
    };
  };
  return {
    factory,
    async deliverDue() {
      // A message the running worker has already claimed is not due again: wait for its send.
      await worker?.settled();
      for (let round = 0; worker && round < 10; round += 1) {
        if ((await worker.runOnce()) === 0) break;
      }
      await worker?.settled();
    },
  };
}
