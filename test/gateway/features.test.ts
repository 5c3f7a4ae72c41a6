import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFeature } from '../../adapters/gateway';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import type { Feature, WorkerDeps } from '../../src/feature';
import { createLogger } from '../../src/logger';
import { outboxFeature } from '../../src/outbox/feature';
import { deliveryRoutesFrom } from '../../src/outbox/settings';
import type { Transport, Transports } from '../../src/outbox/transport';
import { providers } from '../support/databases';
import { intelligenceAnswers, missingAnswers } from './support/fixtures';
import { leaves, parseMime } from './support/mime';
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
    const deps: WorkerDeps = {
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

  it('with no routes set, sends intelligence to the police, and a risk check, an interview and a MET change to the coordinator (and the interview to the case file), never to the police, and a role change to the coordinator alone', async () => {
    const POLICE = 'intel@police.example';
    const COORDINATOR = 'met@partnership.example';
    const CASE_FILE = 'casefile@council.example';
    const env = {
      GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      GATEWAY_EMAIL_TO: POLICE,
      GATEWAY_EMAIL_FROM: 'metbot@partnership.example',
      MET_COORDINATOR_EMAIL: COORDINATOR,
      CASE_FILE_EMAIL: CASE_FILE,
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
    const deps: WorkerDeps = {
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
    transports.set('receipt', { send: async () => ({ ok: true }) });
    smtp.received.length = 0;
    for (const feature of features) await feature.start?.();
    try {
      const practitioner = await world.actor('routes-practitioner');
      const member = await world.actor('routes-member', 'met-member');
      const { submissions, metList } = core;
      const intelligence = await submissions.submitIntelligence(practitioner, intelligenceAnswers());
      const missing = await submissions.submitMissing(
        practitioner,
        missingAnswers({ child: { name: 'Testchild Routes', ageYears: 14, inCare: true } }),
      );
      const found = await submissions.submitReturn(practitioner, {
        episode: missing.reference,
        returnedAt: '2026-11-28T08:00:00.000Z',
        whereFound: 'Example Park',
        foundBy: 'police',
        safeAndWellCheck: 'yes',
      } as never);
      const interview = await submissions.submitInterview(practitioner, {
        episode: missing.reference,
        offeredAt: '2026-11-28T09:00:00.000Z',
        offeredHow: 'in-person',
        outcome: 'completed',
        completedAt: '2026-11-28T09:30:00.000Z',
        completedBy: 'Example Worker',
        whereTheyWere: 'At a friend’s flat',
      } as never);
      const check = await submissions.submitRiskCheck(practitioner, 'cse', {
        child: { name: 'Testchild Routes', ageYears: 14 },
        indicators: { significant: ['older-boyfriend'] },
      });
      const change = await metList.nominate(member, {
        child: { reference: intelligence.reference },
        level: 'medium',
        reason: 'Older boyfriend seen at the school gate',
      });

      // Intelligence to the police; the interview to the coordinator and the case file; the risk
      // check (medium, so it also nominates the child) and the MET change to the coordinator.
      const mails = await smtp.waitFor(6);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sentTo = (reference: string) =>
        smtp.received
          .filter((mail) => parseMime(mail.raw).headers.get('subject')?.includes(reference))
          .flatMap((mail) => mail.to)
          .sort();
      expect(sentTo(intelligence.reference)).toEqual([POLICE]);
      expect(sentTo(missing.reference)).toEqual([]);
      expect(sentTo(found.reference)).toEqual([]);
      expect(sentTo(interview.reference)).toEqual([CASE_FILE, COORDINATOR].sort());
      expect(sentTo(check.reference)).toEqual([COORDINATOR]);
      expect(sentTo(change.reference)).toEqual([COORDINATOR]);
      const toPolice = smtp.received.filter((mail) => mail.to.includes(POLICE));
      expect(toPolice).toHaveLength(1);
      expect(mails.length).toBeGreaterThanOrEqual(6);

      // Each confirmation says where the record went.
      expect(intelligence.sentTo).toEqual(['gateway-email']);
      expect(check.sentTo).toEqual(['met-coordinator']);
      expect(interview.sentTo).toEqual(['met-coordinator', 'case-file']);
      expect(missing.sentTo).toEqual([]);

      // A role change reaches the coordinator, and only the coordinator, as a short email.
      const admin = await world.actor('routes-admin', 'admin');
      const before = smtp.received.length;
      await core.admin.grant(admin, { userId: practitioner.id }, 'duty-officer');
      await core.admin.confirmRole(member, practitioner.id);
      await smtp.waitFor(before + 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const told = smtp.received.slice(before);
      expect(told).toHaveLength(1);
      expect(told[0]!.to).toEqual([COORDINATOR]);
      const mime = parseMime(told[0]!.raw);
      expect(mime.headers.get('subject')).toContain(
        'roles are now duty-officer, practitioner (were practitioner)',
      );
      const body = leaves(mime)
        .map((part) => part.body)
        .join('\n');
      expect(body).toContain('Roles before: practitioner');
      expect(body).toContain('Roles now: duty-officer, practitioner');
      expect(body).toMatch(/Changed by: .+ \(/);
      expect(body).not.toContain('Testchild');
    } finally {
      for (const feature of features) await feature.stop?.();
    }
  });
});
