import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type RetryPolicy, retryDelay } from './backoff';
import { GroupCommit } from './group-commit';
import { OutboxRepository, type OutboxRow } from './outbox.repository';
import type { DeliveryResult, Transports } from './transport';

export interface OutboxWorkerOptions {
  db: Db;
  provider: Provider;
  cipher: FieldCipher;
  /** Read on every poll: a transport added later is used from the next poll. */
  transports: Transports;
  log: Logger;
  retry: RetryPolicy;
  /** How long to wait when there was nothing to send. */
  pollMs: number;
  /**
   * How long a claimed message stays this worker's; after a crash, another worker resends once it
   * has run out. Longer than `sendTimeoutMs`: a message is sent only while its lease outlasts the
   * slowest send (it is renewed first if it would not), so a live worker never loses its lease
   * mid-send and no other worker sends the same message beside it.
   */
  leaseMs?: number;
  /**
   * The longest a send may take before the attempt counts as failed and is retried (nodemailer's
   * own timeouts bound each step of a send, not the whole of it; the webhook gives up after 30 s).
   */
  sendTimeoutMs?: number;
  batchSize?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  /**
   * How long a finished send waits for others to be marked delivered in the same transaction.
   * None by default: sends that finish while a mark is being written are still grouped into the
   * next, and every millisecond between the receiver's acceptance and the mark is a window in
   * which a crash causes a resend.
   */
  markLingerMs?: number;
  clock?: Clock;
  /** Told each attempt's outcome, for the metrics. */
  observe?(destination: string, outcome: 'delivered' | 'retry' | 'dead'): void;
  owner?: string;
  random?: () => number;
}

/** Time for the mark after the slowest send, within a lease. */
const LEASE_SPARE_MS = 5_000;

/** Errors are kept to help an admin; they never hold a payload, and are kept short. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 1000);
}

/**
 * Delivers outbox messages: claims due ones with a lease, sends each through its destination's
 * transport, and marks it delivered, to be retried with backoff, or dead. At least once: a crash
 * between sending and marking resends with the same idempotency key.
 */
export class OutboxWorker {
  readonly owner: string;
  private readonly repository: OutboxRepository;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly sendTimeoutMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Claimed, not yet tried: the lanes take from here; it is refilled, one claim at a time, as it runs low. */
  private readonly queue: OutboxRow[] = [];
  private refill: Promise<void> | undefined;
  private lastClaimWasFull = false;
  private idle: { promise: Promise<void>; wake(): void } | undefined;
  private readonly marking = new Set<Promise<void>>();
  /** Sends the running lanes have in hand, so that deliverDue can wait for them. */
  private readonly sending = new Set<Promise<void>>();
  /** Sends that finish together are marked delivered in one transaction. */
  private readonly deliveries: GroupCommit<OutboxRow>;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.repository = new OutboxRepository(options.db, options.provider, options.cipher);
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? 2 * 60_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 45_000;
    if (this.leaseMs <= this.sendTimeoutMs + LEASE_SPARE_MS)
      throw new Error('the outbox lease must outlast the send timeout by more than 5 s');
    this.batchSize = options.batchSize ?? 20;
    this.concurrency = options.concurrency ?? 5;
    this.deliveries = new GroupCommit((messages) => this.markDelivered(messages), options.markLingerMs ?? 0);
  }

  /** True from start() until stop() is called. */
  get running(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  /** Runs `concurrency` lanes until stopped: each sends one message after another. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = Promise.all(Array.from({ length: this.concurrency }, () => this.lane())).then(async () => {
      // A batch claimed ahead may still be arriving: wait for it, so that it is handed back too.
      await this.refill?.catch(() => undefined);
      await Promise.all(this.marking);
      await this.repository.release(this.queue.splice(0), this.owner);
    });
  }

  /** Finishes the sends in hand, hands back what it had claimed but not tried, and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.idle?.wake();
    await this.loop;
    this.loop = undefined;
  }

  /** One claim and its sends, `concurrency` at a time; returns how many messages were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    const queue = [...claimed];
    const lane = async () => {
      for (let message = queue.shift(); message; message = queue.shift()) await this.deliver(message);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, claimed.length) }, lane));
    await Promise.all(this.marking);
    return claimed.length;
  }

  /** Waits for the sends the running lanes already have in hand (a message they claimed is not due again). */
  async settled(): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      await this.refill?.catch(() => undefined);
      if (this.sending.size === 0 && (this.queue.length === 0 || !this.running)) break;
      if (this.sending.size) await Promise.allSettled([...this.sending]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(this.marking);
  }

  private claim(): Promise<OutboxRow[]> {
    const wanted = [...this.options.transports.keys()];
    return this.repository.claim(this.owner, wanted, this.clock.now(), this.leaseMs, this.batchSize);
  }

  private async lane(): Promise<void> {
    while (!this.stopping) {
      let message: OutboxRow | undefined;
      try {
        message = await this.next();
      } catch (err) {
        this.options.log.warn({ err }, 'outbox: could not read the queue; trying again');
      }
      if (this.stopping) {
        if (message) this.queue.unshift(message);
        return;
      }
      if (!message) {
        await this.sleep();
        continue;
      }
      const send = this.deliver(message);
      this.sending.add(send);
      try {
        await send;
      } catch (err) {
        // The send may have happened: the lease runs out and the message is sent again, same key.
        this.options.log.warn({ err, outboxId: message.id }, 'outbox: could not record a delivery attempt');
      } finally {
        this.sending.delete(send);
      }
    }
  }

  /**
   * The next claimed message. One claim at a time: when the queue runs low after a full batch
   * (more is likely waiting), the next batch is claimed while the lanes keep sending.
   */
  private async next(): Promise<OutboxRow | undefined> {
    if (this.queue.length === 0) await this.refillQueue();
    const message = this.queue.shift();
    if (this.queue.length < this.concurrency && this.lastClaimWasFull) {
      this.refillQueue().catch((err) => this.options.log.warn({ err }, 'outbox: could not read the queue'));
    }
    return message;
  }

  private refillQueue(): Promise<void> {
    this.refill ??= this.claim()
      .then((rows) => {
        this.lastClaimWasFull = rows.length === this.batchSize;
        this.queue.push(...rows);
      })
      .finally(() => {
        this.refill = undefined;
      });
    return this.refill;
  }

  /** Waits for the poll interval; every idle lane wakes together. */
  private sleep(): Promise<void> {
    if (!this.idle) {
      let wake!: () => void;
      const promise = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => {
        this.idle = undefined;
      });
      this.idle = { promise, wake };
    }
    return this.idle.promise;
  }

  private async markDelivered(messages: OutboxRow[]): Promise<void> {
    const marked = await this.repository.delivered(messages, this.owner, this.clock.now());
    for (const message of marked) {
      const { id: outboxId, destination, recordId, attempts: attempt } = message;
      this.options.log.info({ outboxId, destination, recordId, attempt }, 'outbox: delivered');
      this.options.observe?.(destination, 'delivered');
    }
  }

  private async deliver(message: OutboxRow): Promise<void> {
    const { log, transports, cipher, retry } = this.options;
    const transport = transports.get(message.destination);
    if (!transport) {
      await this.repository.release([message], this.owner);
      return;
    }
    // A message that waited in the claimed queue is sent only while its lease outlasts the send.
    const startAt = this.clock.now().getTime();
    if ((message.leaseUntil?.getTime() ?? 0) - startAt < this.sendTimeoutMs + LEASE_SPARE_MS) {
      const leaseUntil = new Date(startAt + this.leaseMs);
      if (!(await this.repository.renew(message, this.owner, leaseUntil))) return;
      message.leaseUntil = leaseUntil;
    }
    let result: DeliveryResult;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<DeliveryResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, retry: true, error: `no answer within ${this.sendTimeoutMs / 1000} s` }),
          this.sendTimeoutMs,
        );
      });
      const send = transport.send({
        id: message.id,
        destination: message.destination,
        recordId: message.recordId,
        idempotencyKey: message.idempotencyKey,
        attempt: message.attempts,
        payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
      });
      result = await Promise.race([send, timedOut]);
    } catch (error) {
      result = { ok: false, retry: true, error: describe(error) };
    } finally {
      clearTimeout(timer);
    }
    const about = {
      outboxId: message.id,
      destination: message.destination,
      recordId: message.recordId,
      attempt: message.attempts,
    };
    if (result.ok) {
      // Not awaited: the lane sends its next message while the mark is written with others.
      const marking = this.deliveries
        .add(message)
        .catch((err) =>
          log.warn(
            { err, outboxId: message.id },
            'outbox: sent, but could not mark it delivered; it will be resent',
          ),
        )
        .finally(() => this.marking.delete(marking));
      this.marking.add(marking);
      return;
    }
    const now = this.clock.now();
    const error = result.error.slice(0, 1000);
    if (!result.retry || message.attempts >= retry.maxAttempts) {
      if (await this.repository.dead(message, this.owner, error, now)) {
        this.options.observe?.(message.destination, 'dead');
        log.error(
          { ...about, error },
          result.retry
            ? `outbox: not delivered after ${message.attempts} attempts; an admin must retry it`
            : 'outbox: refused by the receiver; an admin must look at it',
        );
      }
      return;
    }
    const wait = retryDelay(message.attempts, retry, result.retryAfterMs, this.options.random);
    await this.repository.retryLater(message, this.owner, new Date(now.getTime() + wait), error);
    this.options.observe?.(message.destination, 'retry');
    log.warn({ ...about, error, retryInMs: wait }, 'outbox: not delivered yet; will retry');
  }
}
