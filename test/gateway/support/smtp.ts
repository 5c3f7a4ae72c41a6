import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** When the server had it all, before answering 250 (ms since the epoch). */
  at: number;
  /** The name the client gave in EHLO (nodemailer's `name`). */
  client: string;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Resolves once `count` messages have arrived (the test's timeout bounds the wait). */
  waitFor(count: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback, as a police gateway mailbox would be. `onMessage` runs when a
 * message has been received, before the server answers 250.
 */
export function startSmtpServer(
  options: { port?: number; onMessage?: (mail: ReceivedMail) => void | Promise<void> } = {},
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: (mails: ReceivedMail[]) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    // A pooled client keeps its connection open; do not wait long for it on close.
    closeTimeout: 1000,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          client: session.hostNameAppearsAs ?? '',
        };
        await options.onMessage?.(mail);
        received.push(mail);
        for (const waiter of waiters.filter((w) => received.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(received.slice());
        }
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      // A client that goes away mid-conversation (an instance killed in the soak test) is logged
      // and forgotten by a real mail server; unhandled, it would end this process.
      server.off('error', reject);
      server.on('error', () => undefined);
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        received,
        waitFor: (count) =>
          received.length >= count
            ? Promise.resolve(received.slice())
            : new Promise((done) => waiters.push({ count, resolve: done })),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
