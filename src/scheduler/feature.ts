import type { FeatureFactory } from '../feature';
import { RETENTION_TIMER, RetentionService } from '../services/retention.service';
import { timerHandlers } from '../services/timer-handlers';
import { Scheduler } from './scheduler';

/** Durable timers: interview reminders, alert escalation and the daily retention sweep. Always on. */
export const createSchedulerFeature: FeatureFactory = ({ core, database, log, config }) => {
  const retention = new RetentionService(database.provider, {
    yearsAfter18: config.RETENTION_RECORD_YEARS_AFTER_18,
  });
  const scheduler = new Scheduler(
    database.db,
    database.provider,
    core.clock,
    { ...timerHandlers(core.alerts), [RETENTION_TIMER]: retention.handler },
    log,
  );
  return {
    on: true,
    feature: {
      name: 'Timers',
      start: async () => {
        await retention.ensureScheduled(database.db, core.clock.now());
        scheduler.start();
      },
      running: () => scheduler.started,
      stop: () => scheduler.stop(),
    },
  };
};
