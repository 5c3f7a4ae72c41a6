import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createLogger, type Logger } from './logger';
import type { Database } from './store/database';

/** Something that serves HTTP routes on the one server: an adapter, the dashboard, the API. */
export interface HttpMount {
  mount?(app: Express): void;
}

export function createApp(
  database: Pick<Database, 'ping'>,
  mounts: HttpMount[] = [],
  log: Logger = createLogger('silent'),
): Express {
  const app = express();
  app.disable('x-powered-by');
  // Each answer carries an id that its log lines carry too (never one the caller chose).
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId);
    next();
  });
  app.get('/healthz', async (_req, res) => {
    const up = await database.ping();
    res
      .status(up ? 200 : 503)
      .json({ status: up ? 'ok' : 'unavailable', database: up ? 'ok' : 'unavailable' });
  });
  // No global body parser: Bolt must see the raw body to check Slack's signature (bolt-js #1434).
  for (const mount of mounts) mount.mount?.(app);
  app.use(lastErrorHandler(log));
  return app;
}

/** What a refused body is called in an answer: the error types body-parser and raw-body give. */
const refusals: Record<string, string> = {
  'entity.too.large': 'too-large',
  'entity.parse.failed': 'malformed',
  'encoding.unsupported': 'unsupported-encoding',
  'charset.unsupported': 'unsupported-encoding',
};

/**
 * Whatever a route did not answer itself. A request's own fault (a body too large or not JSON,
 * an address that cannot be decoded) keeps its 4xx status; anything else is `{"error":"internal"}`.
 * The details go to the log under the request id, never into the answer.
 */
function lastErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = String(res.locals.requestId ?? '');
    const {
      status: given,
      statusCode,
      type,
    } = (error ?? {}) as {
      status?: unknown;
      statusCode?: unknown;
      type?: string;
    };
    const asked = Number(given ?? statusCode);
    const status = asked >= 400 && asked < 500 ? asked : 500;
    const where = { requestId, method: req.method, path: req.path };
    if (status === 500) log.error({ err: error, ...where }, 'a request failed');
    else log.warn({ ...where, status, type }, 'a request was refused');
    if (res.headersSent) return void res.destroy();
    const code =
      status === 500 ? 'internal' : (refusals[type ?? ''] ?? (status === 404 ? 'not-found' : 'bad-request'));
    res.status(status);
    if (req.path.startsWith('/dashboard') && req.accepts(['json', 'html']) === 'html') {
      res
        .type('html')
        .send(
          `<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>Something went wrong</title><p>Sorry, that could not be done. Please try again; if it keeps happening, tell your admin and give them this code: ${requestId}</p></html>`,
        );
      return;
    }
    res.json({ error: code });
  };
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops taking connections and resolves when in-flight requests have finished. */
  close(): Promise<void>;
}

export function listen(app: Express, port: number, host: string, log: Logger): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      log.info({ port: actualPort }, 'metbot is listening');
      resolve({
        server,
        port: actualPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
    server.on('error', reject);
  });
}
