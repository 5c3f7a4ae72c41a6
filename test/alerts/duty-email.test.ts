import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFeature } from '../../adapters/gateway/index';
import type { Actor } from '../../src/access/actor';
import { AlertDeliveryTransport } from '../../src/alerts/alert-delivery';
import { ALERT_DESTINATION } from '../../src/alerts/alerts.service';
import { confirmation } from '../../src/chat/confirmation';
import { loadConfig } from '../../src/config';
import { fixedClock, HOUR } from '../../src/domain/clock';
import type { Feature } from '../../src/feature';
import { createLogger } from '../../src/logger';
import type { Transports } from '../../src/outbox/transport';
import { OutboxWorker } from '../../src/outbox/worker';
import type { FieldCipher } from '../../src/store/field-crypto';
import { parseMime } from '../gateway/support/mime';
import { startSmtpServer, type TestSmtpServer } from '../gateway/support/smtp';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import { withOpenedError } from '../support/keys';

const log = createLogger('silent');

/** A child in care reported missing, with a date of birth: the alert must carry neither. */
const child = { name: 'Jay Example', dob: ['2013-05-06', '06/05/2013', '6 May 2013'] };

describe.each(providers)('DUTY_EMAIL on %s', (provider) => {
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;
  let smtp: TestSmtpServer;
  let gateway: Feature;
  let worker: OutboxWorker;
  let reporter: Actor;
  const transports: Transports = new Map();

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, { clock }));
    smtp = await startSmtpServer();
    transports.set(ALERT_DESTINATION, new AlertDeliveryTransport(database.db, core.alerts, log));
    worker = new OutboxWorker({
      db: database.outbox,
      provider: database.provider,
      cipher,
      transports,
      log,
      retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 5 },
      pollMs: 20,
      clock,
      random: () => 0.5,
    });
    reporter = await testActor(core, 'p-1', 'practitioner', 'Sam Example');
  });
  afterAll(async () => {
    await gateway?.stop?.();
    await smtp?.close();
    await database?.destroy();
  });

  /** A missing report for a child in care, as any surface saves it, and what the reporter is told. */
  async function reportMissing(name: string, dateOfBirth?: string) {
    const spec = core.catalogue.spec('missing', reporter);
    const checked = await core.engine.validateAll(spec, {
      'child.name': name,
      'child.inCare': 'yes',
      ...(dateOfBirth && { 'child.dateOfBirth': dateOfBirth }),
      missingFrom: 'care-residential',
      'lastSeen.at': '28/11/2026 07:30',
      'lastSeen.where': 'Example Park',
      description: 'Tall, blue hoodie',
      policeTold: 'yes',
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const saved = await core.chat.submit(reporter, 'missing', checked.values);
    const told = confirmation(spec.form.done, saved, core.prompts.messages)
      .map((reply) => ('text' in reply ? reply.text : ''))
      .join('\n');
    return { saved, told };
  }

  it(`emails the open alerts when DUTY_EMAIL is switched on, with no name or date of birth (${provider})`, async () => {
    const first = await reportMissing(child.name, child.dob[1]);
    expect(first.told).toContain('No duty team can be reached yet');
    // Nowhere to go: tried, not delivered, kept for a retry.
    expect(await worker.runOnce()).toBe(1);
    const waiting = await database.db.outboxMessage.findFirstOrThrow({ where: { destination: 'alert' } });
    expect(withOpenedError(cipher, waiting)).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('Nobody to send it to'),
    });

    const on = await gatewayFeature(transports)({
      env: {
        GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        GATEWAY_EMAIL_TO: 'intel-gateway@police.example',
        GATEWAY_EMAIL_FROM: 'metbot@example.org',
        DUTY_EMAIL: 'duty-desk@example.org',
      },
      config: loadConfig({ DATABASE_URL: database.url, PUBLIC_URL: 'https://metbot.example.org' }),
      core,
      log,
    });
    if (!on.on) throw new Error(on.why);
    gateway = on.feature;
    expect(gateway.name).toContain('duty alerts to duty-desk@example.org');
    core.surfaces.set(gateway.surface!.platform, gateway.surface!);
    await gateway.start?.();
    expect(await worker.runOnce()).toBe(1);

    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['duty-desk@example.org']);
    const message = parseMime(mail!.raw);
    const alert = await database.db.alert.findFirstOrThrow({ where: { recordId: first.saved.recordId } });
    expect(message.headers.get('subject')).toBe(
      `OFFICIAL-SENSITIVE: Missing child at high risk: ${first.saved.reference} (J.E.)`,
    );
    expect(message.headers.get('message-id')).toBe(`<${alert.id}.duty-email@metbot>`);
    expect(message.body).toContain(`Reference: ${first.saved.reference}`);
    expect(message.body).toContain('Child: J.E.');
    expect(message.body).toContain(`ack ${first.saved.reference}`);
    expect(message.body).toContain('https://metbot.example.org/dashboard/alerts');
    for (const secret of [child.name, 'Example Park', ...child.dob]) expect(mail!.raw).not.toContain(secret);
    expect(JSON.parse(alert.posts)).toEqual([expect.objectContaining({ platform: 'email' })]);
  });

  it(`tells the next reporter the duty team will be alerted, and retries a mail server that is down (${provider})`, async () => {
    const port = smtp.port;
    await smtp.close();
    const second = await reportMissing('Lee Example');
    expect(second.told).toContain('The duty team will be alerted.');
    expect(await worker.runOnce()).toBeGreaterThanOrEqual(1);
    const alert = () => database.db.alert.findFirstOrThrow({ where: { recordId: second.saved.recordId } });
    expect((await alert()).posts).toBe('[]');

    smtp = await startSmtpServer({ port });
    clock.advance(HOUR);
    await worker.runOnce();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.raw).toContain(second.saved.reference);
    expect(JSON.parse((await alert()).posts)).toHaveLength(1);
    const pending = await database.db.outboxMessage.count({
      where: { destination: 'alert', status: { not: 'delivered' } },
    });
    expect(pending).toBe(0);
  });
});
