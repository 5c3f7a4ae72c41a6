import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createLogger, type Logger } from './logger';
import type { Metrics } from './ops/metrics';
import { checkReadiness, type ReadinessCheck } from './ops/readiness';
import { currentRequestId, currentRoundTrips, requestIds } from './ops/request-context';
import type { Database } from './store/database';

/** Something that serves HTTP routes on the one server: an adapter, the dashboard, the API. */
export interface HttpMount {
  mount?(app: Express): void;
}

export interface AppOptions {
  /** What /readyz checks besides the database (migrations, workers, not stopping). */
  readiness?: ReadinessCheck[];
  /** /metrics and the request timings, when METRICS_TOKEN is set. */
  metrics?: Metrics;
  /** Writes one line per request answered; none when absent. */
  log?: Logger;
  /** Express's "trust proxy" (config TRUST_PROXY): whose X-Forwarded-For names the caller. */
  trustProxy?: number | string;
}

/** Probes and scrapes are frequent and dull: logged at debug, not info. */
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(
  database: Pick<Database, 'ping'>,
  mounts: HttpMount[] = [],
  { readiness = [], metrics, log, trustProxy }: AppOptions = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  // First, so that every log line written while serving a request carries its id.
  app.use(requestIds);
  if (log) {
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
        // The path only, never the query string: a signed dashboard link carries its token there.
        // Work done after the answer (Slack's, acknowledged first) is counted on its own line.
        const line = {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms,
          roundTrips: currentRoundTrips(),
        };
        if (quietPaths.has(req.path)) log.debug(line, 'request');
        else log.info(line, 'request');
      });
      next();
    });
  }
  if (metrics) app.use(metrics.middleware);
  // A NUL in the address (`/dashboard/child/%00`) reaches no route: PostgreSQL refuses it in any
  // text it is given, so it would otherwise fail deep in a query.
  app.use((req, res, next) => {
    if (/%00/.test(req.originalUrl)) res.status(404).json({ error: 'not-found' });
    else next();
  });
  // Liveness: the process answers. It does not ask the database, so that an outage of the
  // database does not get every instance restarted; /readyz takes them out of the rotation instead.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: this instance can do its work (database, migrations, workers).
  app.get('/readyz', async (_req, res) => {
    const result = await checkReadiness([{ name: 'database', check: () => database.ping() }, ...readiness]);
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'unavailable', ...result });
  });
  metrics?.mount(app);
  // No global body parser: Bolt must see the raw body to check Slack's signature (bolt-js #1434).
  for (const mount of mounts) mount.mount?.(app);
  app.use(lastErrorHandler(log ?? createLogger('silent')));
  return app;
}

/** What a refused body is called in an answer: the error types body-parser and raw-body give. */
const refusals: Record<string, string> = {
  'entity.too.large': 'too-large',
  'entity.parse.failed': 'malformed',
  'encoding.unsupported': 'unsupported-encoding',
  'charset.unsupported': 'unsupported-encoding',
  // A sealed value moved to another row or column (src/store/field-crypto.ts).
  'sealed.mismatch': 'conflict.sealed',
};

/**
 * Whatever a route did not answer itself. A request's own fault (a body too large or not JSON,
 * an address that cannot be decoded) keeps its 4xx status; anything else is `{"error":"internal"}`.
 * The details go to the log under the request id, never into the answer.
 */
function lastErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const requestId = currentRequestId() ?? '';
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
