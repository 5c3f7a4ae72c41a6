import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailTransport, createMailer } from '../../adapters/gateway/email';
import { fixedClock } from '../../src/domain/clock';
import { destinations } from '../../src/outbox/transport';
import { FieldCipher } from '../../src/store/field-crypto';
import { createTestDatabase, providers } from '../support/databases';
import { intelligenceAnswers } from './support/fixtures';
import { parseMime } from './support/mime';
import { startSmtpServer } from './support/smtp';
import { createWorld, type World } from './support/world';

describe.each(providers)('a worker killed mid-send on %s', (provider) => {
  const key = randomBytes(32);
  let world: World;

  beforeAll(async () => {
    const database = await createTestDatabase(provider);
    world = await createWorld(
      provider,
      { intelligence: [destinations.gatewayEmail] },
      { database, cipher: new FieldCipher(key) },
    );
  });
  afterAll(async () => {
    await world.database.destroy();
  });

  it('resends with the same Message-ID and reference once its lease runs out, and keeps one record', async () => {
    const smtp = await startSmtpServer();
    const actor = await world.actor('crash-sender');
    const saved = await world.submissions.submitIntelligence(actor, intelligenceAnswers());

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/gateway/support/crash-worker.ts'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: world.database.url,
        DATA_KEY: key.toString('base64'),
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    const sent = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('sent ')) resolve();
      });
      child.stderr!.on('data', (chunk) => (output += chunk));
      child.on('exit', () => reject(new Error(`the worker exited early: ${output}`)));
    });
    try {
      // The server has accepted the message (250) and the worker has not marked it delivered.
      await sent;
      expect(output).toContain('sent {"ok":true}');
      expect(smtp.received).toHaveLength(1);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const orphan = await world.database.db.outboxMessage.findFirstOrThrow({
        where: { recordId: saved.recordId, destination: destinations.gatewayEmail },
      });
      expect(orphan).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: 'crashing-worker' });

      // Another worker takes it once the dead worker's lease has run out.
      const mailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}` });
      const transports = new Map([
        [
          destinations.gatewayEmail,
          createEmailTransport({
            mailer,
            from: 'metbot@example.org',
            to: ['intel-gateway@police.example'],
            prompts: world.core.prompts,
            destination: destinations.gatewayEmail,
          }),
        ],
      ]);
      // The dead worker ran on its own clock: judge the lease by the time it wrote, not by today.
      const clock = fixedClock(new Date(orphan.leaseUntil!.getTime() - 1));
      const survivor = world.worker(transports, { clock });
      expect(await survivor.runOnce()).toBe(0);
      clock.set(new Date(orphan.leaseUntil!.getTime() + 1));
      expect(await survivor.runOnce()).toBe(1);
      mailer.close();

      const mails = await smtp.waitFor(2);
      const heads = mails.map((mail) => parseMime(mail.raw).headers);
      expect(heads.map((h) => h.get('message-id'))).toEqual([
        `<${saved.recordId}@metbot>`,
        `<${saved.recordId}@metbot>`,
      ]);
      expect(heads.map((h) => h.get('x-metbot-idempotency-key'))).toEqual([saved.recordId, saved.recordId]);
      expect(heads[1]!.get('subject')).toBe(heads[0]!.get('subject'));
      expect(heads[0]!.get('subject')).toContain(saved.reference);

      expect(await world.database.db.record.count()).toBe(1);
      const row = await world.database.db.outboxMessage.findUniqueOrThrow({ where: { id: orphan.id } });
      expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await smtp.close();
    }
  });
});
