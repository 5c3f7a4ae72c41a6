import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { createApp, listen, type RunningServer } from '../../src/server';
import { createTestDatabase, createTestDatabaseUrl, providers } from '../support/databases';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const log = createLogger('silent');

describe('/healthz (liveness) and /readyz (readiness)', () => {
  it('stays alive but is not ready when the database does not answer', async () => {
    server = await listen(createApp({ ping: async () => false }), 0, '127.0.0.1', log);
    const base = `http://127.0.0.1:${server.port}`;
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { database: 'failing' } });
  });

  it('is not ready while a worker is stopped or a check throws, and names it', async () => {
    let outboxRunning = false;
    const readiness = [
      { name: 'worker: Outbox', check: () => outboxRunning },
      {
        name: 'migrations',
        check: async (): Promise<boolean> => {
          throw new Error('no table');
        },
      },
    ];
    server = await listen(createApp({ ping: async () => true }, [], { readiness }), 0, '127.0.0.1', log);
    const url = `http://127.0.0.1:${server.port}/readyz`;
    const first = await fetch(url);
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({
      checks: { database: 'ok', 'worker: Outbox': 'failing', migrations: 'failing' },
    });
    outboxRunning = true;
    readiness[1] = { name: 'migrations', check: async () => true };
    expect((await fetch(url)).status).toBe(200);
  });

  it.runIf(providers.includes('postgresql'))(
    'is not ready once the PostgreSQL database is gone',
    async () => {
      const database = await createTestDatabase('postgresql');
      server = await listen(createApp(database), 0, '127.0.0.1', log);
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      await database.destroy();
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    },
  );

  it('answers 200 to both on SQLite', async () => {
    const { url, drop } = await createTestDatabaseUrl('sqlite');
    const { openDatabase } = await import('../../src/store/database');
    const database = await openDatabase(url);
    server = await listen(createApp(database), 0, '127.0.0.1', log);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    await database.close();
    await drop();
  });
});

describe('request ids', () => {
  it('tags every line logged while serving a request, by any logger, and answers with the id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger('info', sink);
    // A mount logging through the shared logger, as the core does: no child logger is passed in.
    const mount = {
      mount: (app: import('express').Express) =>
        app.get('/work', async (_req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          logger.info('doing the work');
          res.send('done');
        }),
    };
    server = await listen(
      createApp({ ping: async () => true }, [mount], { log: logger }),
      0,
      '127.0.0.1',
      log,
    );
    const base = `http://127.0.0.1:${server.port}`;
    // A caller's own id is never taken: it could make two requests' lines look like one.
    const first = await fetch(`${base}/work`, { headers: { 'X-Request-Id': 'proxy-42' } });
    const given = first.headers.get('x-request-id');
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await fetch(`${base}/work`);
    const id = fresh.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(given);
    logger.info('outside any request');
    await new Promise((resolve) => setTimeout(resolve, 20));

    const work = lines.filter((line) => line.msg === 'doing the work').map((line) => line.reqId);
    const requests = lines.filter((line) => line.msg === 'request').map((line) => line.reqId);
    expect(work).toEqual([given, id]);
    expect(requests).toEqual([given, id]);
    expect(lines.find((line) => line.msg === 'outside any request')).not.toHaveProperty('reqId');
  });
});
