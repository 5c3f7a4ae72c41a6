import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailTransport, createMailer } from '../../adapters/gateway/email';
import { CheckpointExporter } from '../../src/audit/audit-checks';
import { checkAgainstCheckpoint } from '../../src/audit/checkpoint';
import { destinations } from '../../src/outbox/transport';
import { installedAuditKeyring } from '../../src/store/audit-key';
import { intelligenceAnswers } from '../gateway/support/fixtures';
import { leaves, parseMime } from '../gateway/support/mime';
import { startSmtpServer } from '../gateway/support/smtp';
import { createWorld, type World } from '../gateway/support/world';
import { providers } from '../support/databases';

const routes = { 'risk-check': [destinations.metCoordinator] };

describe.each(providers)('the signed audit checkpoint by email on %s', (provider) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(provider, routes);
  });
  afterAll(async () => {
    await world.database.destroy();
  });

  it('is queued for the MET coordinator on its timer and arrives with the checkpoint attached', async () => {
    const actor = await world.actor('sender-1');
    await world.submissions.submitIntelligence(actor, intelligenceAnswers());
    const keyring = installedAuditKeyring();
    const exporter = new CheckpointExporter(
      keyring,
      {
        AUDIT_START_CHECK: 'warn',
        AUDIT_START_CHECK_EVENTS: 1000,
        AUDIT_KEYS_RETIRED: [],
        AUDIT_CHECKPOINT_HOURS: 24,
      },
      { cipher: world.cipher, routes },
    );
    expect(exporter.on).toBe(true);
    const now = world.clock.now();
    await world.database.db.$transaction((tx) =>
      exporter.handler(tx, { id: 't', kind: 'audit-checkpoint', subjectId: 'chain', dueAt: now }, now),
    );

    const smtp = await startSmtpServer();
    const mailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}` });
    try {
      const transport = createEmailTransport({
        mailer,
        from: 'metbot@example.org',
        to: ['met-coordinator@example.org'],
        prompts: world.core.prompts,
        destination: destinations.metCoordinator,
      });
      expect(await world.worker(new Map([[destinations.metCoordinator, transport]])).runOnce()).toBe(1);
      const [mail] = await smtp.waitFor(1);
      const message = parseMime(mail!.raw);
      expect(message.headers.get('subject')).toMatch(/^metbot: audit checkpoint, event \d+$/);
      const parts = leaves(message);
      const text = parts.find((p) => p.headers.get('content-type')?.startsWith('text/plain'))!.body;
      expect(text).toContain('npm run admin -- audit verify --checkpoint');
      const attached = parts.find((p) => p.headers.get('content-disposition')?.startsWith('attachment'))!;
      const checkpoint = JSON.parse(attached.body);
      expect(checkpoint).toMatchObject({ kind: 'audit-checkpoint', madeAt: now.toISOString() });
      expect(await checkAgainstCheckpoint(world.database.db, keyring, checkpoint)).toEqual({ ok: true });
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});
