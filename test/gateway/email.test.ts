import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailTransport, createMailer } from '../../adapters/gateway/email';
import { fixedClock } from '../../src/domain/clock';
import { recordSchemas } from '../../src/domain/record-schemas';
import { destinations } from '../../src/outbox/transport';
import { providers } from '../support/databases';
import { withOpenedError } from '../support/keys';
import { intelligenceAnswers, missingAnswers } from './support/fixtures';
import { leaves, parseMime } from './support/mime';
import { type ReceivedMail, startSmtpServer } from './support/smtp';
import { createWorld, type World } from './support/world';

const routes = { intelligence: [destinations.gatewayEmail], missing: [destinations.gatewayEmail] };

function emailTransports(world: World, port: number) {
  const mailer = createMailer({ url: `smtp://127.0.0.1:${port}` });
  const transport = createEmailTransport({
    mailer,
    from: 'metbot@example.org',
    to: ['intel-gateway@police.example'],
    prompts: world.core.prompts,
    destination: destinations.gatewayEmail,
  });
  return { transports: new Map([[destinations.gatewayEmail, transport]]), close: () => mailer.close() };
}

function read(mail: ReceivedMail) {
  const message = parseMime(mail.raw);
  const parts = leaves(message);
  const text = parts.find((p) => p.headers.get('content-type')?.startsWith('text/plain'))!;
  const html = parts.find((p) => p.headers.get('content-type')?.startsWith('text/html'))!;
  const attachment = parts.find((p) => p.headers.get('content-disposition')?.startsWith('attachment'))!;
  return { message, text: text.body, html: html.body, attachment };
}

describe.each(providers)('police gateway email on %s', (provider) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(provider, routes);
  });
  afterAll(async () => {
    await world.database.destroy();
  });

  it('delivers a submitted report with the subject, a readable body and the record attached', async () => {
    const smtp = await startSmtpServer();
    const { transports, close } = emailTransports(world, smtp.port);
    try {
      const actor = await world.actor('sender-1');
      const saved = await world.submissions.submitIntelligence(actor, intelligenceAnswers());
      expect(await world.worker(transports).runOnce()).toBe(1);

      const [mail] = await smtp.waitFor(1);
      expect(mail!.to).toEqual(['intel-gateway@police.example']);
      const { message, text, html, attachment } = read(mail!);
      expect(message.headers.get('subject')).toBe(
        `OFFICIAL-SENSITIVE: Intelligence ${saved.reference} (Example Agency)`,
      );
      expect(message.headers.get('message-id')).toBe(`<${saved.recordId}@metbot>`);
      // What a mailbox rule de-duplicates a resend by (docs/gateway.md, "Sent twice").
      expect(message.headers.get('x-metbot-record-id')).toBe(saved.recordId);
      expect(message.headers.get('x-metbot-reference')).toBe(saved.reference);

      // Reads like the form: the form's own labels, option labels not codes, UK time.
      expect(text).toContain('OFFICIAL-SENSITIVE');
      expect(text).toContain(`Reference: ${saved.reference}`);
      expect(text).toContain("Child's name: Testchild Example");
      expect(text).toContain('Care status: In care by agreement (section 20)');
      expect(text).toContain('Submitted: Sat 28 Nov 2026, 10:00 (UK time)');
      expect(text).toContain('Anyone in immediate danger: No');
      expect(text).toContain('How you know: I saw or heard it myself');
      expect(text).toContain('    He gave her a new phone.');
      expect(text).not.toMatch(/saw-it|section-20/);
      expect(html).toContain('<th scope="row"');
      expect(html).toContain('Testchild Example');
      expect(html).not.toMatch(/<img|<script|https?:\/\//i);

      expect(attachment.headers.get('content-type')).toContain('application/json');
      expect(attachment.headers.get('content-disposition')).toContain(`${saved.reference}.json`);
      const record = recordSchemas.intelligence.parse(JSON.parse(attachment.body));
      expect(record).toMatchObject({ id: saved.recordId, reference: saved.reference, type: 'intelligence' });

      const row = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.gatewayEmail },
      });
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, idempotencyKey: saved.recordId });
      const receipt = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.receipt },
      });
      expect(world.cipher.openJson('OutboxMessage', 'payloadEnc', receipt.id, receipt.payloadEnc)).toEqual({
        recordId: saved.recordId,
        reference: saved.reference,
        userId: actor.id,
        destination: destinations.gatewayEmail,
        state: 'delivered',
      });
      const [mine] = await world.core.questions.mySubmissions(actor);
      expect(mine!.fields).toContainEqual({
        label: 'Police gateway',
        value: expect.stringMatching(/^Delivered /),
      });
    } finally {
      close();
      await smtp.close();
    }
  });

  it('delivers intelligence about a place with no child named, saying so plainly (issue 16)', async () => {
    const smtp = await startSmtpServer();
    const { transports, close } = emailTransports(world, smtp.port);
    try {
      const actor = await world.actor('sender-no-child');
      const { child: _child, childAware: _aware, ...rest } = intelligenceAnswers();
      const saved = await world.submissions.submitIntelligence(actor, {
        ...rest,
        about: 'place',
        placeList: [{ place: 'The flat above the chip shop', postcode: 'PO1 2AB' }],
      });
      expect(await world.worker(transports).runOnce()).toBe(1);
      const [mail] = await smtp.waitFor(1);
      const { message, text, html, attachment } = read(mail!);
      expect(message.headers.get('subject')).toBe(
        `OFFICIAL-SENSITIVE: Intelligence ${saved.reference} (Example Agency)`,
      );
      expect(text).toContain('No child is named in this report. It is about a place.');
      expect(text).toContain('What it is about: A place, with no child named');
      expect(text).toContain('Each place: ');
      expect(text).not.toMatch(/Child's name|Child knows/);
      expect(html).toContain('No child is named in this report. It is about a place.');
      const record = recordSchemas.intelligence.parse(JSON.parse(attachment.body));
      expect(record.answers.child).toBeUndefined();
      expect(record.answers).toMatchObject({ about: 'place', placeList: [{ postcode: 'PO1 2AB' }] });
    } finally {
      await close();
      await smtp.close();
    }
  });

  it('keeps the report while the mail server is down, retries, and delivers once it is back', async () => {
    // A port with nothing listening: the gateway's mail server is down.
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close();
    const { transports, close } = emailTransports(world, port);
    try {
      const actor = await world.actor('sender-2');
      const saved = await world.submissions.submitMissing(actor, missingAnswers());
      const clock = fixedClock(new Date(Date.now() + 1000));
      const worker = world.worker(transports, { clock });

      expect(await worker.runOnce()).toBe(1);
      const failed = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.gatewayEmail },
      });
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: null });
      expect(withOpenedError(world.cipher, failed).lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
      expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(clock.now().getTime());
      expect(await world.database.db.record.count({ where: { id: saved.recordId } })).toBe(1);
      const [mine] = await world.core.questions.mySubmissions(actor);
      expect(mine!.fields).toContainEqual({ label: 'Police gateway', value: 'Waiting to be sent' });

      // Not due yet: the backoff holds it back.
      expect(await worker.runOnce()).toBe(0);

      const smtp = await startSmtpServer({ port });
      try {
        clock.set(new Date(failed.nextAttemptAt.getTime() + 1));
        expect(await worker.runOnce()).toBe(1);
        const [mail] = await smtp.waitFor(1);
        expect(parseMime(mail!.raw).headers.get('subject')).toContain(saved.reference);
        const row = await world.database.db.outboxMessage.findUniqueOrThrow({ where: { id: failed.id } });
        expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
      } finally {
        // The pool keeps its connection open: close it first, or the server waits for it.
        close();
        await smtp.close();
      }
    } finally {
      close();
    }
  });

  it('dead-letters after the last attempt, and the submitter is told', async () => {
    const probe = await startSmtpServer();
    await probe.close();
    const { transports, close } = emailTransports(world, probe.port);
    try {
      const actor = await world.actor('sender-3');
      const saved = await world.submissions.submitMissing(actor, missingAnswers());
      const clock = fixedClock(new Date(Date.now() + 1000));
      const worker = world.worker(transports, {
        clock,
        retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 2 },
      });
      expect(await worker.runOnce()).toBe(1);
      clock.advance(60_000);
      expect(await worker.runOnce()).toBe(1);
      const row = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.gatewayEmail },
      });
      expect(row).toMatchObject({ status: 'dead', attempts: 2 });
      const receipt = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.receipt },
      });
      expect(
        world.cipher.openJson('OutboxMessage', 'payloadEnc', receipt.id, receipt.payloadEnc),
      ).toMatchObject({ state: 'dead', userId: actor.id });
      const [mine] = await world.core.questions.mySubmissions(actor);
      expect(mine!.fields).toContainEqual({
        label: 'Police gateway',
        value: 'Not yet delivered: the team has been told',
      });
    } finally {
      close();
    }
  });
});
