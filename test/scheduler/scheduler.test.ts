import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock, HOUR } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { cancelTimers, type DueTimer, Scheduler, schedule } from '../../src/scheduler/scheduler';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';

const databases: TestDatabase[] = [];
afterEach(async () => {
  for (const database of databases.splice(0)) await database.destroy();
});

async function fresh(provider: (typeof providers)[number]) {
  const database = await createTestDatabase(provider);
  databases.push(database);
  return database;
}

function runProcess(args: string[], url: string): Promise<string> & { kill(): void; output(): string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'timer-process.ts'), ...args],
    {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const done = new Promise<string>((resolve) => child.on('exit', () => resolve(out)));
  return Object.assign(done, { kill: () => child.kill('SIGKILL'), output: () => out });
}

describe.each(providers)('durable timers on %s', (provider) => {
  it('fire once, in due order, and not before they are due', async () => {
    const database = await fresh(provider);
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const fired: string[] = [];
    const scheduler = new Scheduler(
      database.db,
      database.provider,
      clock,
      { note: async (_tx, timer: DueTimer) => void fired.push(timer.subjectId) },
      createLogger('silent'),
    );
    await schedule(database.db, 'note', 'later', new Date('2026-11-28T12:00:00Z'));
    await schedule(database.db, 'note', 'sooner', new Date('2026-11-28T11:00:00Z'));
    await schedule(database.db, 'note', 'cancelled', new Date('2026-11-28T11:30:00Z'));
    expect(await cancelTimers(database.db, 'cancelled')).toBe(1);

    expect(await scheduler.tick()).toBe(0);
    clock.advance(3 * HOUR); // late, as after downtime: still fires, once
    expect(await scheduler.tick()).toBe(2);
    expect(fired).toEqual(['sooner', 'later']);
    expect(await scheduler.tick()).toBe(0);
    expect(fired).toEqual(['sooner', 'later']);
  });

  it('leave a timer whose work failed pending, and try it again when its lease runs out', async () => {
    const database = await fresh(provider);
    const clock = fixedClock('2026-11-28T10:00:00Z');
    let failures = 1;
    const scheduler = new Scheduler(
      database.db,
      database.provider,
      clock,
      {
        flaky: async (tx, timer) => {
          await tx.inboundEvent.create({ data: { key: `flaky:${timer.id}:${failures}` } });
          if (failures-- > 0) throw new Error('the work failed');
        },
      },
      createLogger('silent'),
      { leaseMs: 60_000 },
    );
    await schedule(database.db, 'flaky', 's1', clock.now());
    expect(await scheduler.tick()).toBe(0);
    expect(await database.db.inboundEvent.count()).toBe(0); // rolled back with the failure
    expect(await scheduler.tick()).toBe(0); // still leased
    clock.advance(61_000);
    expect(await scheduler.tick()).toBe(1);
    expect(await database.db.timer.findFirst()).toMatchObject({ status: 'fired' });
  });
});

describe.runIf(providers.includes('postgresql'))(
  'timers with two bot processes on one PostgreSQL database',
  () => {
    it('fire each of 100 due timers exactly once', async () => {
      const database = await fresh('postgresql');
      const due = new Date(Date.now() - 60_000);
      for (let i = 0; i < 100; i += 1) await schedule(database.db, 'test', `subject-${i}`, due);
      const [a, b] = await Promise.all([
        runProcess(['run', 'instance-a'], database.url),
        runProcess(['run', 'instance-b'], database.url),
      ]);
      const firedA = Number(/fired (\d+)/.exec(a)?.[1]);
      const firedB = Number(/fired (\d+)/.exec(b)?.[1]);
      expect(firedA + firedB).toBe(100);
      const keys = (await database.db.inboundEvent.findMany()).map((e) => e.key.split(':')[1]);
      expect(keys).toHaveLength(100);
      expect(new Set(keys).size).toBe(100);
      expect(await database.db.timer.count({ where: { status: 'fired' } })).toBe(100);
    }, 60_000);

    it('hands the timers of a process killed while holding their leases to another after the lease runs out', async () => {
      const database = await fresh('postgresql');
      const now = new Date();
      for (let i = 0; i < 5; i += 1)
        await schedule(database.db, 'test', `held-${i}`, new Date(now.getTime() - 1000));
      const holder = runProcess(['claim-and-hang', 'doomed'], database.url);
      while (!holder.output().includes('claimed')) await new Promise((r) => setTimeout(r, 50));
      expect(holder.output()).toContain('claimed 5');
      holder.kill();
      await holder;

      const clock = fixedClock(now);
      const fired: string[] = [];
      const survivor = new Scheduler(
        database.db,
        'postgresql',
        clock,
        { test: async (_tx, timer) => void fired.push(timer.subjectId) },
        createLogger('silent'),
      );
      expect(await survivor.tick()).toBe(0); // the dead process's leases still hold
      clock.advance(120_000); // its 60-second leases ran from when it started, a little after `now`
      expect(await survivor.tick()).toBe(5);
      expect(fired.sort()).toEqual(['held-0', 'held-1', 'held-2', 'held-3', 'held-4']);
    }, 60_000);
  },
);
