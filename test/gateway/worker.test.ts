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
