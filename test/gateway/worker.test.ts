import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/outbox/enqueue';
import type { OutboxDelivery, Transport } from '../../src/outbox/transport';
import { providers } from '../support/databases';
import { withOpenedError } from '../support/keys';
import { createWorld, type World } from './support/world';

describe.each(providers)('the outbox worker on %s', (provider) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(provider, {});
  });
  afterAll(async () => {
    await world.database.destroy();
  });

  const queue = (destination: string, count: number) =>
    world.database.db.$transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        await enqueueMessage(tx, world.cipher, {
          destination,
          recordId: null,
          idempotencyKey: `${destination}-${i}`,
          payload: { n: i },
          // A millisecond apart, so that the queue's order (oldest first) is the order they were made.
          at: new Date(world.clock.now().getTime() + i),
        });
      }
    });
  const rows = (destination: string) =>
    world.database.db.outboxMessage
      .findMany({ where: { destination }, orderBy: { idempotencyKey: 'asc' } })
      .then((found) => found.map((row) => withOpenedError(world.cipher, row)));

  it('leaves a message for a destination nobody delivers yet waiting, not dead', async () => {
    await queue('nobody-yet', 1);
    const worker = world.worker(new Map([['someone-else', { send: async () => ({ ok: true as const }) }]]));
    expect(await worker.runOnce()).toBe(0);
    expect(await rows('nobody-yet')).toMatchObject([{ status: 'pending', attempts: 0, leaseOwner: null }]);
  });

  it('tells its observer (the metrics) each outcome by destination', async () => {
    await queue('observed-ok', 2);
    await queue('observed-no', 1);
    const seen: string[] = [];
    const worker = world.worker(
      new Map<string, Transport>([
        ['observed-ok', { send: async () => ({ ok: true }) }],
        ['observed-no', { send: async () => ({ ok: false, retry: false, error: 'refused' }) }],
      ]),
      { observe: (destination, outcome) => seen.push(`${destination} ${outcome}`) },
    );
    await worker.runOnce();
    expect(seen.sort()).toEqual(['observed-no dead', 'observed-ok delivered', 'observed-ok delivered']);
  });

  it('queues a key once per destination', async () => {
    await queue('once', 1);
    await queue('once', 1);
    expect(await rows('once')).toHaveLength(1);
  });

  it('counts a transport that throws as a failed attempt, and tries again later', async () => {
    await queue('throws', 1);
    const worker = world.worker(
      new Map([
        [
          'throws',
          {
            send: async () => {
              throw new Error('socket hang up');
            },
          },
        ],
      ]),
    );
    expect(await worker.runOnce()).toBe(1);
    expect(await rows('throws')).toMatchObject([
      { status: 'pending', attempts: 1, lastError: 'socket hang up', leaseOwner: null },
    ]);
  });

  it('has connections of its own on PostgreSQL, so that no request stands between a send and its mark', () => {
    if (provider === 'postgresql') expect(world.database.outbox).not.toBe(world.database.db);
    else expect(world.database.outbox).toBe(world.database.db);
  });

  it('sends only while the lease outlasts the send: renews one that waited, skips one taken meanwhile', async () => {
    await queue('waited', 3);
    const before = world.clock.now();
    // A second on, all three are due.
    const start = before.getTime() + 1000;
    world.clock.set(new Date(start));
    const sent: { n: number; leaseUntil: number }[] = [];
    const worker = world.worker(
      new Map([
        [
          'waited',
          {
            async send(message: OutboxDelivery) {
              const row = await world.database.db.outboxMessage.findUniqueOrThrow({
                where: { id: message.id },
              });
              sent.push({ n: (message.payload as { n: number }).n, leaseUntil: row.leaseUntil!.getTime() });
              if (sent.length === 1) {
                // The first send is slow: 80 s pass, leaving the others 40 s of their 120 s lease.
                world.clock.set(new Date(start + 80_000));
                // Meanwhile the third's lease is taken by another worker (as if it had run out).
                const [, , third] = await rows('waited');
                await world.database.db.outboxMessage.update({
                  where: { id: third!.id },
                  data: { leaseOwner: 'another-worker' },
                });
              }
              return { ok: true };
            },
          },
        ],
      ]),
      { concurrency: 1, leaseMs: 120_000, sendTimeoutMs: 45_000, clock: world.clock },
    );
    try {
      expect(await worker.runOnce()).toBe(3);
    } finally {
      world.clock.set(before);
    }
    expect(sent).toEqual([
      { n: 0, leaseUntil: start + 120_000 },
      { n: 1, leaseUntil: start + 80_000 + 120_000 },
    ]);
    expect((await rows('waited')).map((row) => [row.status, row.leaseOwner])).toEqual([
      ['delivered', worker.owner],
      ['delivered', worker.owner],
      ['pending', 'another-worker'],
    ]);
  });

  it('counts a send with no answer within the send timeout as failed, and tries again later', async () => {
    await queue('silent', 1);
    const worker = world.worker(new Map([['silent', { send: () => new Promise<never>(() => undefined) }]]), {
      leaseMs: 6000,
      sendTimeoutMs: 50,
    });
    expect(await worker.runOnce()).toBe(1);
    expect(await rows('silent')).toMatchObject([
      { status: 'pending', attempts: 1, lastError: 'no answer within 0.05 s', leaseOwner: null },
    ]);
  });

  it('on stop, finishes the send in hand and hands back what it had claimed but not tried', async () => {
    await queue('slow', 5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const first = new Promise<void>((resolve) => (started = resolve));
    const sent: unknown[] = [];
    const slow: Transport = {
      async send(message: OutboxDelivery) {
        started();
        await held;
        sent.push(message.payload);
        return { ok: true };
      },
    };
    const worker = world.worker(new Map([['slow', slow]]), { concurrency: 1, batchSize: 5 });
    worker.start();
    await first;
    const stopped = worker.stop();
    release();
    await stopped;

    expect(sent).toEqual([{ n: 0 }]);
    const after = await rows('slow');
    expect(after[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(after.slice(1)).toEqual(
      Array.from({ length: 4 }, () =>
        expect.objectContaining({ status: 'pending', attempts: 0, leaseOwner: null }),
      ),
    );
  });
});
