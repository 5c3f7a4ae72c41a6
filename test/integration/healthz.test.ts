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

describe('/healthz', () => {
  it('answers 503 when the database does not answer', async () => {
    server = await listen(createApp({ ping: async () => false }), 0, '127.0.0.1', log);
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', database: 'unavailable' });
  });

  it.runIf(providers.includes('postgresql'))('answers 503 once the PostgreSQL database is gone', async () => {
    const database = await createTestDatabase('postgresql');
    server = await listen(createApp(database), 0, '127.0.0.1', log);
    const url = `http://127.0.0.1:${server.port}/healthz`;
    expect((await fetch(url)).status).toBe(200);
    await database.destroy();
    expect((await fetch(url)).status).toBe(503);
  });

  it('answers 200 on SQLite', async () => {
    const { url, drop } = await createTestDatabaseUrl('sqlite');
    const { openDatabase } = await import('../../src/store/database');
    const database = await openDatabase(url);
    server = await listen(createApp(database), 0, '127.0.0.1', log);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    await database.close();
    await drop();
  });
});
