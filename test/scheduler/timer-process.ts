// A separate bot process for the scheduler tests: `run` fires due timers until none are left;
// `claim-and-hang` takes leases on every due timer and then waits to be killed.
import { systemClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import { openDatabase } from '../../src/store/database';
import { claimDueTimers } from '../../src/store/leases';

const [mode, owner] = process.argv.slice(2) as ['run' | 'claim-and-hang', string];
const database = await openDatabase(process.env.DATABASE_URL!);

if (mode === 'claim-and-hang') {
  const now = new Date();
  const ids = await claimDueTimers(database.db, database.provider, {
    owner,
    now,
    leaseUntil: new Date(now.getTime() + 60_000),
    limit: 1000,
  });
  process.stdout.write(`claimed ${ids.length}\n`);
  setInterval(() => undefined, 1000);
} else {
  const scheduler = new Scheduler(
    database.db,
    database.provider,
    systemClock,
    {
      test: async (tx, timer) => {
        await tx.inboundEvent.create({ data: { key: `fired:${timer.id}:${owner}` } });
      },
    },
    createLogger('silent'),
    { owner, batch: 7 },
  );
  let fired = 0;
  for (let idle = 0; idle < 3; ) {
    const now = await scheduler.tick();
    fired += now;
    idle = now === 0 ? idle + 1 : 0;
  }
  process.stdout.write(`fired ${fired}\n`);
  await database.close();
}
