import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from './logger';
import type { Database } from './store/database';

/** Something that serves HTTP routes on the one server: an adapter, the dashboard, the API. */
export interface HttpMount {
  mount?(app: Express): void;
}

export function createApp(database: Pick<Database, 'ping'>, mounts: HttpMount[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const up = await database.ping();
    res
      .status(up ? 200 : 503)
      .json({ status: up ? 'ok' : 'unavailable', database: up ? 'ok' : 'unavailable' });
  });
  // No global body parser: Bolt must see the raw body to check Slack's signature (bolt-js #1434).
  for (const mount of mounts) mount.mount?.(app);
  return app;
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
