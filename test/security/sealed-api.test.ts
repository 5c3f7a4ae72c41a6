import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFeature } from '../../adapters/api';
import { createLogger } from '../../src/logger';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { createApp, listen, type RunningServer } from '../../src/server';
import { intelligenceAnswers } from '../gateway/support/fixtures';
import { createWorld, type World } from '../gateway/support/world';
import { providers } from '../support/databases';

// Issue 17: a record's sealed answers moved to another record are caught (AES-GCM associated
// data); the partner API answers 409 {"error":"conflict"}: never a 500, never the answers.
describe.each(providers)('a sealed record moved to another row, in the partner API (%s)', (provider) => {
  let world: World;
  let server: RunningServer;
  let base: string;
  let token: string;

  beforeAll(async () => {
    world = await createWorld(provider, {});
    const result = await createApiFeature({
      env: {},
      config: {} as never,
      core: world.core,
      log: createLogger('silent'),
    });
    if (!result.on) throw new Error('the API should always be on');
    server = await listen(
      createApp(world.database, [result.feature]),
      0,
      '127.0.0.1',
      createLogger('silent'),
    );
    base = `http://127.0.0.1:${server.port}`;
    const tokens = new ApiTokenService(world.database.db, provider, world.core.users, world.clock);
    token = (
      await tokens.create(
        { name: 'test set-up', surface: 'admin' },
        { name: 'sealed-mis', role: 'practitioner', agency: 'Example Academy' },
      )
    ).token;
  });
  afterAll(async () => {
    await server.close();
    await world.database.destroy();
  });

  const call = (path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('answers 409 for a record holding another record’s answers, and 200 for the one they belong to', async () => {
    const first = (await (await call('/api/v1/intelligence', intelligenceAnswers())).json()) as {
      reference: string;
    };
    const second = (await (
      await call(
        '/api/v1/intelligence',
        intelligenceAnswers({ child: { name: 'Otherchild Example', ageYears: 12 } }),
      )
    ).json()) as { reference: string };
    const db = world.database.db;
    const from = await db.record.findUniqueOrThrow({ where: { reference: first.reference } });
    await db.record.update({ where: { reference: second.reference }, data: { dataEnc: from.dataEnc } });

    expect((await call(`/api/v1/records/${first.reference}`)).status).toBe(200);
    const moved = await call(`/api/v1/records/${second.reference}`);
    expect(moved.status).toBe(409);
    const text = await moved.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'conflict.sealed' });
    expect(text).not.toContain('Testchild');
  });
});
