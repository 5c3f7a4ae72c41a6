import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw body, as a receiver must verify it. */
  body: Buffer;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A force system's webhook endpoint on loopback: records each request and answers with the next
 * of `answers` (200 once they run out).
 */
export function startReceiver(answers: Answer[] = []) {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers.shift() ?? { status: 200, body: '{"ok":true}' };
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  return new Promise<{ url: string; received: ReceivedRequest[]; answers: Answer[]; close(): Promise<void> }>(
    (resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        resolve({
          url: `http://127.0.0.1:${port}/metbot`,
          received,
          answers,
          close: () => new Promise((done) => server.close(() => done())),
        });
      });
    },
  );
}
