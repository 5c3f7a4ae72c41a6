import type { FeatureFactory } from '../feature';
import { timerHandlers } from '../services/timer-handlers';
import { Scheduler } from './scheduler';

/** Durable timers: interview reminders and alert escalation. Always on. */
export const createSchedulerFeature: FeatureFactory = ({ core, database, log }) => {
  const scheduler = new Scheduler(
    database.db,
    database.provider,
    core.clock,
    timerHandlers(core.alerts),
    log,
  );
  return {
    on: true,
    feature: {
      name: 'Timers',
      start: async () => scheduler.start(),
      running: () => scheduler.started,
      stop: () => scheduler.stop(),
    },
  };
};
