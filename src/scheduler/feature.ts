import { timerHandlers } from '../alerts/timer-handlers';
import { CHECKPOINT_TIMER, CheckpointExporter } from '../audit/audit-checks';
import { readAuditSettings } from '../audit/settings';
import type { WorkerFactory } from '../feature';
import { deliveryRoutesFrom } from '../outbox/settings';
import { RETENTION_TIMER } from '../records/retention-timer';
import { installedAuditKeyring } from '../store/audit-key';
import { Scheduler } from './scheduler';

/**
 * Durable timers: interview reminders, alert escalation, the daily retention sweep and the signed
 * audit checkpoints. Always on.
 */
export const createSchedulerFeature: WorkerFactory = ({ core, database, log, config, env, cipher }) => {
  const { retention } = core;
  const checkpoints = new CheckpointExporter(installedAuditKeyring(), readAuditSettings(env, config), {
    cipher,
    routes: deliveryRoutesFrom(env),
  });
  const scheduler = new Scheduler(
    database.db,
    database.provider,
    core.clock,
    {
      ...timerHandlers(core.alerts),
      [RETENTION_TIMER]: retention.handler,
      [CHECKPOINT_TIMER]: checkpoints.handler,
    },
    log,
  );
  return {
    on: true,
    feature: {
      name: 'Timers',
      start: async () => {
        await retention.ensureScheduled(database.db, core.clock.now());
        if (checkpoints.on) await checkpoints.ensureScheduled(database.db, core.clock.now());
        else log.info('Audit checkpoints are off: set AUDIT_CHECKPOINT_DIR or MET_COORDINATOR_EMAIL');
        scheduler.start();
      },
      running: () => scheduler.started,
      stop: () => scheduler.stop(),
    },
  };
};
