import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailTransport, createMailer } from '../../adapters/gateway/email';
import { destinations } from '../../src/outbox/transport';
import { type Database, openDatabase } from '../../src/store/database';
import { providers } from '../support/databases';
import { intelligenceAnswers } from './support/fixtures';
import { parseMime } from './support/mime';
import { startSmtpServer } from './support/smtp';
import { createWorld, type World } from './support/world';

const N = 40;

describe.each(providers)('two workers on one %s database', (provider) => {
  let world: World;
  let second: Database;

  beforeAll(async () => {
    world = await createWorld(provider, { intelligence: [destinations.gatewayEmail] });
    // The second worker has its own connections, as another bot instance would.
    second = await openDatabase(world.database.url);
  });
  afterAll(async () => {
    await second.close();
    await world.database.destroy();
  });

  it(`send each of ${N} messages once`, async () => {
    const smtp = await startSmtpServer();
    const actor = await world.actor('busy-sender');
    const saved = [];
    for (let i = 0; i < N; i += 1)
      saved.push(await world.submissions.submitIntelligence(actor, intelligenceAnswers()));

    const mailers = [0, 1].map(() => createMailer({ url: `smtp://127.0.0.1:${smtp.port}` }));
    const workers = [world.database, second].map((database, i) =>
      world.worker(
        new Map([
          [
            destinations.gatewayEmail,
            createEmailTransport({
              mailer: mailers[i]!,
              from: 'metbot@example.org',
              to: ['intel-gateway@police.example'],
              prompts: world.core.prompts,
              destination: destinations.gatewayEmail,
            }),
          ],
        ]),
        { db: database.outbox, owner: `worker-${i}`, batchSize: 4, concurrency: 2 },
      ),
    );
    try {
      for (const worker of workers) worker.start();
      const mails = await smtp.waitFor(N);
      for (const worker of workers) await worker.stop();

      const ids = mails.map((mail) => parseMime(mail.raw).headers.get('message-id'));
      expect(new Set(ids).size).toBe(N);
      expect(ids.sort()).toEqual(saved.map((s) => `<${s.recordId}@metbot>`).sort());
      expect(smtp.received).toHaveLength(N);

      const rows = await world.database.db.outboxMessage.findMany({
        where: { destination: destinations.gatewayEmail },
      });
      expect(rows).toHaveLength(N);
      expect(rows.every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
    } finally {
      for (const worker of workers) await worker.stop();
      for (const mailer of mailers) mailer.close();
      await smtp.close();
    }
  });
});
