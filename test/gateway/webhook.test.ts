import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookTransport, retryAfterMs } from '../../adapters/gateway/webhook';
import { RefusedError } from '../../src/access/refusal';
import { fixedClock } from '../../src/domain/clock';
import { recordSchemas } from '../../src/domain/record-schemas';
import { destinations } from '../../src/outbox/transport';
import { AdminService } from '../../src/people/admin.service';
import { providers } from '../support/databases';
import { withOpenedError } from '../support/keys';
import { documentedVerifier } from './support/doc-sample';
import { intelligenceAnswers } from './support/fixtures';
import { type Answer, startReceiver } from './support/receiver';
import { createWorld, type World } from './support/world';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe.each(providers)('police gateway webhook on %s', (provider) => {
  let world: World;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    world = await createWorld(provider, { intelligence: [destinations.gatewayWebhook] });
  });
  afterAll(async () => {
    await world.database.destroy();
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function sendOne(answers: Answer[]) {
    receiver = await startReceiver(answers);
    const transports = new Map([
      [destinations.gatewayWebhook, createWebhookTransport({ url: receiver.url, secret })],
    ]);
    const clock = fixedClock(new Date(Date.now() + 1000));
    const worker = world.worker(transports, { clock });
    const actor = await world.actor(`webhook-${answers.length}-${Math.random()}`);
    const saved = await world.submissions.submitIntelligence(actor, intelligenceAnswers());
    const row = () =>
      world.database.db.outboxMessage
        .findFirstOrThrow({
          where: { recordId: saved.recordId, destination: destinations.gatewayWebhook },
        })
        .then((found) => withOpenedError(world.cipher, found));
    return { worker, clock, saved, actor, row };
  }

  it('posts the signed record; the signature verifies with the recipe in docs/gateway.md', async () => {
    const { worker, saved, row } = await sendOne([]);
    expect(await worker.runOnce()).toBe(1);
    expect(await row()).toMatchObject({ status: 'delivered', attempts: 1 });

    const [request] = receiver.received;
    expect(request!.headers['idempotency-key']).toBe(saved.recordId);
    expect(request!.headers['content-type']).toBe('application/json');
    const verify = await documentedVerifier();
    const timestamp = Number(request!.headers['x-metbot-timestamp']);
    expect(verify(secret, request!.headers, request!.body, timestamp)).toBe(true);
    // What the recipe must refuse: another body, another secret, an old timestamp.
    const tampered = Buffer.from(request!.body.toString().replace('Testchild', 'Someoneelse'));
    expect(verify(secret, request!.headers, tampered, timestamp)).toBe(false);
    expect(verify(`${secret}x`, request!.headers, request!.body, timestamp)).toBe(false);
    expect(verify(secret, request!.headers, request!.body, timestamp + 301)).toBe(false);

    const record = recordSchemas.intelligence.parse(JSON.parse(request!.body.toString()));
    expect(record.reference).toBe(saved.reference);
  });

  it('dead-letters at once on a 400, keeping the answer; an admin can retry it in one step', async () => {
    const { worker, clock, saved, row, actor } = await sendOne([
      { status: 400, body: '{"error":"unknown field: vehicles"}' },
    ]);
    expect(await worker.runOnce()).toBe(1);
    const dead = await row();
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead.lastError).toBe('HTTP 400 Bad Request: {"error":"unknown field: vehicles"}');
    const [mine] = await world.core.questions.mySubmissions(actor);
    expect(mine!.fields).toContainEqual({
      label: 'Police gateway',
      value: 'Not yet delivered: the team has been told',
    });

    // The admins' list and one-step retry (AdminService: `admin deadletters`, `admin retry <id>`).
    const admin = new AdminService(world.database.db, provider, clock, world.cipher);
    await expect(admin.deadLetters(actor)).rejects.toBeInstanceOf(RefusedError);
    const adminActor = await world.actor('webhook-admin', 'admin');
    const listed = await admin.deadLetters(adminActor);
    expect(listed.map((item) => item.title)).toContain(`${saved.reference} · ${dead.id.slice(0, 8)}`);
    expect(await admin.retry(adminActor, dead.id.slice(0, 8))).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(await row()).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual([
      saved.recordId,
      saved.recordId,
    ]);
  });

  it('retries a 503, no sooner than its Retry-After, with the same idempotency key', async () => {
    const { worker, clock, saved, row } = await sendOne([{ status: 503, headers: { 'Retry-After': '120' } }]);
    expect(await worker.runOnce()).toBe(1);
    const waiting = await row();
    expect(waiting).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 503 Service Unavailable',
    });
    expect(waiting.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(120_000);
    clock.advance(119_000);
    expect(await worker.runOnce()).toBe(0);
    clock.advance(2_000);
    expect(await worker.runOnce()).toBe(1);
    expect(await row()).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['idempotency-key']).toBe(saved.recordId);
    expect(receiver.received[1]!.body.equals(receiver.received[0]!.body)).toBe(true);
  });
});

describe('Retry-After', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  it.each([
    ['30', 30_000],
    ['Sat, 28 Nov 2026 10:02:00 GMT', 120_000],
    ['Sat, 28 Nov 2026 09:00:00 GMT', undefined],
    ['soon', undefined],
    [null, undefined],
    ['999999', 24 * 60 * 60_000],
  ])('reads %s as %s ms', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
