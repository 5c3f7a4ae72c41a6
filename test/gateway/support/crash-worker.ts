/**
 * A worker in its own process, for the crash test: it sends through the real email transport and
 * then stops dead before it can mark the message delivered — the window a SIGKILL can hit.
 * Run with `node --import tsx`; settings come from the environment.
 */
import { createEmailTransport, createMailer } from '../../../adapters/gateway/email';
import { loadPrompts } from '../../../src/conversation/prompts';
import { createLogger } from '../../../src/logger';
import { destinations, type Transport } from '../../../src/outbox/transport';
import { OutboxWorker } from '../../../src/outbox/worker';
import { openDatabase } from '../../../src/store/database';
import { FieldCipher } from '../../../src/store/field-crypto';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};
const database = await openDatabase(env('DATABASE_URL'));
const email = createEmailTransport({
  mailer: createMailer({ url: env('SMTP_URL') }),
  from: 'metbot@example.org',
  to: ['intel-gateway@police.example'],
  prompts: loadPrompts(),
  destination: destinations.gatewayEmail,
});
const sendThenHang: Transport = {
  async send(message) {
    const result = await email.send(message);
    process.stdout.write(`sent ${JSON.stringify(result)}\n`);
    return new Promise(() => undefined);
  },
};
new OutboxWorker({
  db: database.outbox,
  provider: database.provider,
  cipher: new FieldCipher(Buffer.from(env('DATA_KEY'), 'base64')),
  transports: new Map([[destinations.gatewayEmail, sendThenHang]]),
  log: createLogger('silent'),
  retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 5 },
  pollMs: 50,
  leaseMs: 60_000,
  owner: 'crashing-worker',
}).start();
process.stdout.write('ready\n');
