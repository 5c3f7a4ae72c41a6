import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDeliveryTransport } from '../../src/alerts/alert-delivery';
import type { AlertView } from '../../src/alerts/alerts.service';
import type { AlertPost, Surface, SurfaceTarget } from '../../src/alerts/surfaces';
import { createLogger } from '../../src/logger';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/** A surface that remembers what it was asked to show. */
function recordingSurface(platform: string) {
  const shown = new Map<string, AlertView>();
  const told: { target: SurfaceTarget; text: string }[] = [];
  const surface: Surface = {
    platform,
    postAlert: async (target, view) => {
      const messageId = `${target.key}-${shown.size + 1}`;
      shown.set(messageId, view);
      return { platform, key: target.key, messageId };
    },
    updateAlert: async (post: AlertPost, view) => void shown.set(post.messageId, view),
    tell: async (target, text) => void told.push({ target, text }),
  };
  return { surface, shown, told };
}

describe.each(providers)('posting alerts on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  const slack = recordingSurface('slack');
  const teams = recordingSurface('teams');
  let transport: AlertDeliveryTransport;

  /** What the outbox worker does for the alert destination, without its timing. */
  async function deliverAlerts() {
    const pending = await database.db.outboxMessage.findMany({
      where: { destination: 'alert', status: 'pending' },
    });
    for (const message of pending) {
      const result = await transport.send({
        id: message.id,
        destination: message.destination,
        recordId: message.recordId,
        idempotencyKey: message.idempotencyKey,
        attempt: 1,
        payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
      });
      expect(result).toEqual({ ok: true });
      await database.db.outboxMessage.update({ where: { id: message.id }, data: { status: 'delivered' } });
    }
  }
  let cipher: Awaited<ReturnType<typeof createTestCore>>['cipher'];

  beforeAll(async () => {
    const surfaces = new Map([
      ['slack', slack.surface],
      ['teams', teams.surface],
    ]);
    ({ core, database, cipher } = await createTestCore(provider, { surfaces }));
    transport = new AlertDeliveryTransport(database.db, core.alerts, createLogger('silent'));
    for (const [platform, key] of [
      ['slack', 'C-DUTY'],
      ['teams', '19:duty@thread.tacv2'],
    ] as const) {
      await database.db.chatAddress.create({
        data: { platform, key, kind: 'channel', address: '{}', purpose: 'duty' },
      });
    }
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('posts to the duty channel on every platform, and an acknowledgement from one updates both', async () => {
    const actor = await testActor(core, 'p-1', 'practitioner');
    await chatWith(core, actor, 'dm').script([
      'intel',
      'yes',
      '1', // about a child
      'Testchild Posted',
      'skip all',
      'Threatened with a knife',
      'Example Lane',
      'Tonight',
      '1',
      '1',
      'A',
      'P',
      '1',
      'send',
    ]);
    await deliverAlerts();
    expect([...slack.shown.values()]).toEqual([
      expect.objectContaining({ category: 'Immediate danger reported', initials: 'T.P.' }),
    ]);
    expect([...teams.shown.values()]).toHaveLength(1);

    const alert = await database.db.alert.findFirstOrThrow();
    await core.alerts.acknowledge(await testActor(core, 'd-1', 'duty-officer', 'Ada Example'), alert.id);
    await deliverAlerts();
    for (const view of [...slack.shown.values(), ...teams.shown.values()]) {
      expect(view.acknowledged).toMatch(/^Acknowledged by Ada Example at /);
    }
    for (const view of [...slack.shown.values(), ...teams.shown.values()]) {
      expect(JSON.stringify(view)).not.toContain('Testchild');
    }
  });
});

describe('an unreachable place', () => {
  it('does not hold up the others, and only it is tried again', async () => {
    const slack = recordingSurface('slack');
    let teamsUp = false;
    const teams: Surface = {
      platform: 'teams',
      postAlert: async (target) => {
        if (!teamsUp) throw new Error('403 the bot was removed');
        return { platform: 'teams', key: target.key, messageId: 'm1' };
      },
      updateAlert: async () => undefined,
      tell: async () => undefined,
    };
    const surfaces = new Map([
      ['slack', slack.surface],
      ['teams', teams],
    ]);
    const { core, database, cipher } = await createTestCore('sqlite', { surfaces });
    try {
      const transport = new AlertDeliveryTransport(database.db, core.alerts, createLogger('silent'));
      for (const [platform, key] of [
        ['teams', 'T-DUTY'],
        ['slack', 'C-DUTY'],
      ] as const) {
        await database.db.chatAddress.create({
          data: { platform, key, kind: 'channel', address: '{}', purpose: 'duty' },
        });
      }
      const id = await database.db.$transaction((tx) =>
        core.alerts.raise(tx, { rule: 'immediate-danger', initials: 'T.U.' }, new Date()),
      );
      const message = await database.db.outboxMessage.findFirstOrThrow({ where: { destination: 'alert' } });
      const delivery = {
        id: message.id,
        destination: 'alert',
        recordId: null,
        idempotencyKey: message.idempotencyKey,
        attempt: 1,
        payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
      };
      expect(await transport.send(delivery)).toMatchObject({
        ok: false,
        retry: true,
        error: expect.stringContaining('403'),
      });
      expect(slack.shown.size).toBe(1);
      teamsUp = true;
      expect(await transport.send({ ...delivery, attempt: 2 })).toEqual({ ok: true });
      expect(slack.shown.size).toBe(1);
      const posts = JSON.parse((await database.db.alert.findUniqueOrThrow({ where: { id } })).posts);
      expect(posts.map((p: { platform: string }) => p.platform).sort()).toEqual(['slack', 'teams']);
    } finally {
      await database.destroy();
    }
  });
});

describe.each(providers)('every place failing on %s', (provider) => {
  it(`is retried, and the alert stays open with nobody reached (${provider})`, async () => {
    const down: Surface = {
      platform: 'slack',
      postAlert: async () => {
        throw new Error('channel_not_found');
      },
      updateAlert: async () => undefined,
      tell: async () => undefined,
    };
    const { core, database, cipher } = await createTestCore(provider, {
      surfaces: new Map([['slack', down]]),
    });
    try {
      await database.db.chatAddress.create({
        data: { platform: 'slack', key: 'C-GONE', kind: 'channel', address: '{}', purpose: 'duty' },
      });
      const id = await database.db.$transaction((tx) =>
        core.alerts.raise(
          tx,
          { rule: 'immediate-danger', reference: 'INT-2026-000007', initials: 'J.E.' },
          core.clock.now(),
        ),
      );
      const message = await database.db.outboxMessage.findFirstOrThrow({ where: { destination: 'alert' } });
      const transport = new AlertDeliveryTransport(database.db, core.alerts, createLogger('silent'));
      expect(
        await transport.send({
          id: message.id,
          destination: 'alert',
          recordId: null,
          idempotencyKey: message.idempotencyKey,
          attempt: 1,
          payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
        }),
      ).toEqual({ ok: false, retry: true, error: 'channel_not_found' });
      expect(await database.db.alert.findUniqueOrThrow({ where: { id } })).toMatchObject({
        posts: '[]',
        acknowledgedAt: null,
      });
      const duty = await testActor(core, 'd-1', 'duty-officer');
      expect(await core.alerts.openAlerts(duty)).toEqual([
        expect.objectContaining({ code: 'INT-2026-000007', reached: 0 }),
      ]);
    } finally {
      await database.destroy();
    }
  });
});
