import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Db, Provider, Tx } from '../store/database';
import { claimDueTimers } from '../store/leases';

export interface DueTimer {
  id: string;
  kind: string;
  subjectId: string;
  dueAt: Date;
}

/** Does a timer's work inside the transaction that marks it fired: both happen, or neither. */
export type TimerHandler = (tx: Tx, timer: DueTimer, now: Date) => Promise<void>;

export interface SchedulerOptions {
  owner?: string;
  leaseMs?: number;
  pollMs?: number;
  batch?: number;
}

/**
 * Durable timers: every due time is a row, claimed with a lease, so timers survive restarts,
 * fire late but once after downtime, and never fire twice with several instances running.
 */
export class Scheduler {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly batch: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    private readonly handlers: Record<string, TimerHandler>,
    private readonly log: Logger,
    options: SchedulerOptions = {},
  ) {
    this.owner = options.owner ?? `scheduler-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.batch = options.batch ?? 50;
  }

  /** Claims the due timers and fires each; returns how many fired here. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const ids = await claimDueTimers(this.db, this.provider, {
      owner: this.owner,
      now,
      leaseUntil: new Date(now.getTime() + this.leaseMs),
      limit: this.batch,
    });
    let fired = 0;
    for (const id of ids) {
      try {
        if (await this.fire(id, now)) fired += 1;
      } catch (err) {
        // The lease runs out and the timer is tried again, here or on another instance.
        this.log.error({ err, timerId: id }, 'a timer failed; it will be tried again');
      }
    }
    return fired;
  }

  private fire(id: string, now: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.timer.updateMany({
        where: { id, leaseOwner: this.owner, status: 'pending' },
        data: { status: 'fired', firedAt: now },
      });
      if (count !== 1) return false;
      const timer = await tx.timer.findUniqueOrThrow({ where: { id } });
      const handler = this.handlers[timer.kind];
      if (!handler) throw new Error(`No handler for timers of kind ${timer.kind}`);
      await handler(tx, timer, now);
      return true;
    });
  }

  /** True from start() until stop(). */
  get started(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    const loop = () => {
      this.running = this.tick()
        .catch((err) => this.log.error({ err }, 'the scheduler could not claim timers'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops polling and waits for the timers in hand. */
  async stop(): Promise<void> {
    const pending = this.timer;
    this.timer = undefined;
    clearTimeout(pending);
    await this.running;
  }
}

/** Sets (or moves) a timer; a pending one of the same kind and subject is replaced. */
export async function schedule(tx: Tx | Db, kind: string, subjectId: string, dueAt: Date): Promise<void> {
  await tx.timer.upsert({
    where: { kind_subjectId: { kind, subjectId } },
    create: { kind, subjectId, dueAt },
    update: { dueAt, status: 'pending', leaseOwner: null, leaseUntil: null, firedAt: null },
  });
}

/** Cancels what is pending for a subject: the work is done (the interview happened, the alert was seen). */
export async function cancelTimers(tx: Tx | Db, subjectId: string, kinds?: string[]): Promise<number> {
  const { count } = await tx.timer.updateMany({
    where: { subjectId, status: 'pending', ...(kinds && { kind: { in: kinds } }) },
    data: { status: 'cancelled' },
  });
  return count;
}
