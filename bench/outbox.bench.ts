import { randomUUID } from 'node:crypto';
import { createEmailTransport, createMailer } from '../adapters/gateway/email';
import type { Prompts } from '../src/conversation/prompts';
import { createCore } from '../src/core';
import type { RecordEnvelope } from '../src/domain/record-envelope';
import { createLogger } from '../src/logger';
import { enqueueRecordDeliveries } from '../src/outbox/enqueue';
import { destinations } from '../src/outbox/transport';
import { OutboxWorker } from '../src/outbox/worker';
import { openDatabase, type Provider } from '../src/store/database';
import { intelligenceAnswers } from '../test/gateway/support/fixtures';
import { startSmtpServer } from '../test/gateway/support/smtp';
import { createTestDatabaseUrl } from '../test/support/databases';
import { testCipher } from '../test/support/keys';

/**
 * The outbox worker against plain nodemailer, both sending the same messages to one loopback SMTP
 * server through the same email transport (the same rendering, the same nodemailer pool, as many
 * sends in flight as connections). The worker also claims each batch with a lease, decrypts, marks
 * each message delivered and queues its receipt. Target: ≥ 0.8× the plain rate, with every
 * Message-ID received exactly once.
 */
const N = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 600);
/** The production pool: 5 connections, 5 sends in flight (BENCH_OUTBOX_CONNECTIONS to change it). */
const CONCURRENCY = Number(process.env.BENCH_OUTBOX_CONNECTIONS ?? 5);
const ROUNDS = 2;
const LIMIT_MS = 60_000;

/** CPU time of this process (the SMTP server included, in both runs), in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const messageIdOf = (raw: string) => /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '';

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${LIMIT_MS / 1000} s`)), LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Counts what arrived by Message-ID: lost = expected but absent; doubled = arrived more than once. */
function tally(raws: string[], expected: string[]) {
  const seen = new Map<string, number>();
  for (const raw of raws) seen.set(messageIdOf(raw), (seen.get(messageIdOf(raw)) ?? 0) + 1);
  const lost = expected.filter((id) => !seen.has(id)).length;
  const doubled = [...seen.values()].filter((count) => count > 1).length;
  return { lost, doubled };
}

/** The baseline: the same email transport (the same rendering, the same nodemailer pool), no database. */
async function plainNodemailer(envelopes: RecordEnvelope[], prompts: Prompts) {
  const smtp = await startSmtpServer();
  const mailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}`, maxConnections: CONCURRENCY });
  const email = emailTransport(mailer, prompts);
  const started = performance.now();
  const cpuStart = cpuMs();
  const queue = [...envelopes];
  const lane = async () => {
    for (let envelope = queue.shift(); envelope; envelope = queue.shift()) {
      const result = await email.send({
        id: envelope.id,
        destination: destinations.gatewayEmail,
        recordId: envelope.id,
        idempotencyKey: envelope.id,
        attempt: 1,
        payload: envelope,
      });
      if (!result.ok) throw new Error(result.error);
    }
  };
  await within(Promise.all(Array.from({ length: CONCURRENCY }, lane)), 'plain nodemailer');
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs() - cpuStart;
  mailer.close();
  const raws = smtp.received.map((m) => m.raw);
  await smtp.close();
  return {
    seconds,
    cpu,
    ...tally(
      raws,
      envelopes.map((e) => `<${e.id}@metbot>`),
    ),
    received: raws.length,
  };
}

function emailTransport(mailer: ReturnType<typeof createMailer>, prompts: Prompts) {
  return createEmailTransport({
    mailer,
    from: 'metbot@example.org',
    to: ['intel-gateway@police.example'],
    prompts,
    destination: destinations.gatewayEmail,
  });
}

async function outboxWorker(provider: Provider) {
  const { url, drop } = await createTestDatabaseUrl(provider);
  const database = await openDatabase(url);
  const smtp = await startSmtpServer();
  const mailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}`, maxConnections: CONCURRENCY });
  try {
    const cipher = testCipher();
    const log = createLogger('silent');
    const core = createCore({
      config: {
        DRAFT_EXPIRY_HOURS: 24,
        ENROL_NEW_USERS: 'practitioner',
        ENROL_SLACK_TEAMS: [],
        ENROL_TEAMS_TENANTS: [],
        METBOT_ADMINS: new Set(),
        REPEAT_MISSING_THRESHOLD: 3,
        REPEAT_MISSING_DAYS: 90,
      },
      database,
      cipher,
      log,
      routes: { intelligence: [destinations.gatewayEmail] },
    });
    const actor = await core.users.ensure(
      { platform: 'console', workspace: 'bench', platformUserId: 'bench', displayName: 'Bench Sender' },
      'practitioner',
      'Example Agency',
      'console',
    );
    // One report through the real path; the rest are copies of it, saved and queued in one
    // transaction as save() does (the record, then its deliveries), so that set-up stays quick.
    const first = await core.submissions.submitIntelligence(actor, intelligenceAnswers());
    const row = await database.db.record.findUniqueOrThrow({ where: { id: first.recordId } });
    const sample = cipher.openJson<RecordEnvelope>('Record', 'dataEnc', row.id, row.dataEnc);
    const copies = Array.from({ length: N - 1 }, (_, i) => ({
      ...sample,
      id: randomUUID(),
      reference: `INT-2026-${String(900_000 + i).padStart(6, '0')}`,
    }));
    await database.db.$transaction(
      async (tx) => {
        for (const envelope of copies) {
          const { id: _, reference: __, dataEnc: ___, ...rest } = row;
          await tx.record.create({
            data: {
              ...rest,
              id: envelope.id,
              reference: envelope.reference,
              dataEnc: cipher.sealJson('Record', 'dataEnc', envelope.id, envelope),
            },
          });
          await enqueueRecordDeliveries(
            tx,
            cipher,
            envelope,
            { intelligence: [destinations.gatewayEmail] },
            row.createdAt,
          );
        }
      },
      { timeout: 120_000 },
    );
    const saved = [first.recordId, ...copies.map((c) => c.id)];
    const worker = new OutboxWorker({
      db: database.outbox,
      provider,
      cipher,
      transports: new Map([[destinations.gatewayEmail, emailTransport(mailer, core.prompts)]]),
      log,
      retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 5 },
      pollMs: 20,
      concurrency: CONCURRENCY,
    });
    const started = performance.now();
    const cpuStart = cpuMs();
    worker.start();
    // Every message at the server, then every one marked delivered (the worker's last step).
    const allDelivered = async () => {
      await smtp.waitFor(N);
      for (;;) {
        const delivered = await database.db.outboxMessage.count({
          where: { destination: destinations.gatewayEmail, status: 'delivered' },
        });
        if (delivered === N) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await within(allDelivered(), 'the outbox worker');
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuMs() - cpuStart;
    await worker.stop();
    const raws = smtp.received.map((m) => m.raw);
    return {
      seconds,
      cpu,
      ...tally(
        raws,
        saved.map((id) => `<${id}@metbot>`),
      ),
      received: raws.length,
      sample,
      prompts: core.prompts,
    };
  } finally {
    mailer.close();
    await smtp.close();
    await database.close();
    await drop();
  }
}

export async function bench(): Promise<string[]> {
  const providers: Provider[] = process.env.TEST_POSTGRES_URL ? ['sqlite', 'postgresql'] : ['sqlite'];
  const lines = [
    `${N} messages to a loopback SMTP server, ${CONCURRENCY} connections; best of ${ROUNDS} rounds`,
  ];
  for (const provider of providers) {
    let plainBest = Number.POSITIVE_INFINITY;
    let outboxBest = Number.POSITIVE_INFINITY;
    let plainCpu = Number.POSITIVE_INFINITY;
    let outboxCpu = Number.POSITIVE_INFINITY;
    let problems = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const outbox = await outboxWorker(provider);
      // The same messages, each with its own Message-ID, through plain nodemailer.
      const copies = Array.from({ length: N }, () => ({ ...outbox.sample, id: randomUUID() }));
      const plain = await plainNodemailer(copies, outbox.prompts);
      for (const run of [outbox, plain]) problems += run.lost + run.doubled + Math.abs(run.received - N);
      plainBest = Math.min(plainBest, plain.seconds);
      outboxBest = Math.min(outboxBest, outbox.seconds);
      plainCpu = Math.min(plainCpu, plain.cpu / N);
      outboxCpu = Math.min(outboxCpu, outbox.cpu / N);
    }
    const plainRate = N / plainBest;
    const outboxRate = N / outboxBest;
    const ratio = outboxRate / plainRate;
    lines.push(
      `  plain nodemailer:          ${plainRate.toFixed(0).padStart(6)} messages/s`,
      `  outbox worker (${provider.padEnd(10)}): ${outboxRate.toFixed(0).padStart(6)} messages/s  = ${ratio.toFixed(2)}× plain (target ≥ 0.80×) ${ratio >= 0.8 ? 'OK' : 'BELOW TARGET'}`,
      `  CPU per message (this process, SMTP server included): plain ${plainCpu.toFixed(1)} ms, outbox ${outboxCpu.toFixed(1)} ms`,
      `  lost or doubled (by Message-ID, all rounds): ${problems === 0 ? 'none' : `${problems} PROBLEMS`}`,
    );
  }
  return lines;
}
