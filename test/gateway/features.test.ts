import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFeature } from '../../adapters/gateway';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import type { Feature, FeatureDeps } from '../../src/feature';
import { createLogger } from '../../src/logger';
import { outboxFeature } from '../../src/outbox/feature';
import { deliveryRoutesFrom } from '../../src/outbox/settings';
import type { Transport, Transports } from '../../src/outbox/transport';
import { providers } from '../support/databases';
import { intelligenceAnswers } from './support/fixtures';
import { parseMime } from './support/mime';
import { startReceiver } from './support/receiver';
import { startSmtpServer, type TestSmtpServer } from './support/smtp';
import { createWorld, testConfig, type World } from './support/world';

/** Wired as src/main.ts wires them: one map of transports, the worker always on, the gateway adding to it. */
describe.each(providers)('the gateway and outbox features on %s', (provider) => {
  let world: World;
  let smtp: TestSmtpServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    world = await createWorld(provider, {});
    smtp = await startSmtpServer();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await smtp.close();
    await receiver.close();
    await world.database.destroy();
  });

  it('deliver a saved report by email and webhook, and a receipt to the surface that registered for it', async () => {
    const env = {
      GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      GATEWAY_EMAIL_TO: 'intel@police.example',
      GATEWAY_EMAIL_FROM: 'metbot@partnership.example',
      GATEWAY_WEBHOOK_URL: receiver.url,
      GATEWAY_WEBHOOK_SECRET: 's'.repeat(40),
      GATEWAY_ROUTES: 'intelligence=email,webhook',
      OUTBOX_POLL_MS: '20',
    };
    const log = createLogger('silent');
    const core = createCore({
      config: testConfig,
      database: world.database,
      cipher: world.cipher,
      log,
      clock: fixedClock('2026-11-28T10:00:00Z'),
      routes: deliveryRoutesFrom(env),
    });
    const deps: FeatureDeps = {
      env,
      config: {} as never,
      core,
      database: world.database,
      cipher: world.cipher,
      log,
    };
    const transports: Transports = new Map();
    const features: Feature[] = [];
    for (const factory of [outboxFeature(transports).factory, gatewayFeature(transports)]) {
      const result = await factory(deps);
      if (result.on) features.push(result.feature);
    }
    const receipts: unknown[] = [];
    const surface: Transport = {
      async send(message) {
        receipts.push(message.payload);
        return { ok: true };
      },
    };
    transports.set('receipt', surface);
    for (const feature of features) await feature.start?.();
    try {
      const actor = await world.actor('wired-sender');
      const saved = await core.submissions.submitIntelligence(actor, intelligenceAnswers());
      const [mail] = await smtp.waitFor(1);
      expect(parseMime(mail!.raw).headers.get('subject')).toContain(saved.reference);
      while (receipts.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(receiver.received).toHaveLength(1);
      expect(receipts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            reference: saved.reference,
            destination: 'gateway-email',
            state: 'delivered',
          }),
          expect.objectContaining({
            reference: saved.reference,
            destination: 'gateway-webhook',
            state: 'delivered',
          }),
        ]),
      );
    } finally {
      for (const feature of features) await feature.stop?.();
    }
  });
});
