import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFeature } from '../../adapters/api';
import { runAdmin } from '../../src/admin';
import { createLogger } from '../../src/logger';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { createApp, listen, type RunningServer } from '../../src/server';
import { FieldCipher } from '../../src/store/field-crypto';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { createWorld, type World } from '../gateway/support/world';
import { providers } from '../support/databases';
import { testAuditKey } from '../support/keys';

const run = promisify(execFile);
const admin = { name: 'test set-up', surface: 'admin' };

describe.each(providers)('the partner API on %s', (provider) => {
  let world: World;
  let server: RunningServer;
  let base: string;
  let tokens: ApiTokenService;
  let practitionerToken: string;
  // The server's data key: the command line must have it too (it seals the token's user name).
  const dataKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    world = await createWorld(provider, {}, { cipher: new FieldCipher(Buffer.from(dataKey, 'base64')) });
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
    tokens = new ApiTokenService(world.database.db, provider, world.core.users, world.clock);
    practitionerToken = (
      await tokens.create(admin, { name: 'school-mis', role: 'practitioner', agency: 'Example Academy' })
    ).token;
  });
  afterAll(async () => {
    await server.close();
    await world.database.destroy();
  });

  const post = (path: string, body: unknown, token: string | null = practitionerToken) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, token = practitionerToken) =>
    fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it('201: saves intelligence as the token, with its agency, and answers with id and reference', async () => {
    const response = await post('/api/v1/intelligence', intelligenceAnswers());
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; reference: string };
    expect(body.reference).toMatch(/^INT-2026-\d{6}$/);
    expect(response.headers.get('location')).toBe(`/api/v1/records/${body.reference}`);
    const record = await world.database.db.record.findUniqueOrThrow({ where: { id: body.id } });
    expect(record).toMatchObject({ reference: body.reference, surface: 'api' });
    const user = await world.database.db.user.findUniqueOrThrow({ where: { id: record.submittedById } });
    expect(user).toMatchObject({
      platform: 'api',
      workspace: 'token',
      platformUserId: 'school-mis',
      role: 'practitioner',
    });

    const back = await get(`/api/v1/records/${body.reference.toLowerCase()}`);
    expect(back.status).toBe(200);
    const found = (await back.json()) as { record: Record<string, unknown>; delivery: { state: string } };
    expect(found.record).toMatchObject({
      id: body.id,
      reference: body.reference,
      submittedBy: { name: 'school-mis (API)', agency: 'Example Academy', surface: 'api' },
      answers: { child: { name: 'Testchild Example' } },
    });
    expect(found.delivery.state).toBe('Kept here; no police gateway is set up to send it to');
    const reads = await world.database.db.auditEvent.count({
      where: { action: 'read', recordType: 'record', recordId: body.id },
    });
    expect(reads).toBe(1);
  });

  it('400: names each problem with its field, unknown fields included', async () => {
    const { whatHappened: _, ...rest } = intelligenceAnswers();
    const response = await post('/api/v1/intelligence', {
      ...rest,
      howKnown: 'overheard',
      chlid: { name: 'Typo Example' },
      child: { name: 'Testchild Example', dateOfBirth: '14/03/2011' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('invalid');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'chlid', message: 'This record has no such field.' },
        { path: 'whatHappened', message: 'This field is required.' },
        { path: 'howKnown', message: expect.stringContaining('one of: saw-it, child-said') },
        { path: 'child.dateOfBirth', message: 'Give a date as YYYY-MM-DD, e.g. 2011-03-14.' },
      ]),
    );
    expect(await world.database.db.record.count({ where: { type: 'intelligence', surface: 'api' } })).toBe(1);
  });

  it('400 for a body that is not JSON, 413 for one over 100 kB, cross-field rules included', async () => {
    expect((await post('/api/v1/missing', '{"child":')).status).toBe(400);
    const big = await post('/api/v1/intelligence', {
      ...intelligenceAnswers(),
      whatHappened: 'x'.repeat(110_000),
    });
    expect(big.status).toBe(413);
    const clash = await post('/api/v1/intelligence', intelligenceAnswers({ handling: 'C' }));
    expect(clash.status).toBe(400);
    expect(((await clash.json()) as { issues: unknown[] }).issues).toEqual([
      {
        path: 'handlingConditions',
        message: 'Handling code C means sharing has conditions. Please say what they are.',
      },
    ]);
  });

  it('401 without a token or with a wrong one, before reading the body', async () => {
    const none = await post('/api/v1/intelligence', intelligenceAnswers(), null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metbot"');
    expect((await post('/api/v1/intelligence', intelligenceAnswers(), 'mbt_not-a-real-token')).status).toBe(
      401,
    );
    expect((await post('/api/v1/intelligence', 'not json', 'wrong')).status).toBe(401);
    expect((await get('/api/v1/records/INT-2026-000001', 'mbt_nope')).status).toBe(401);
  });

  it('401 once a token is revoked', async () => {
    const { token } = await tokens.create(admin, {
      name: 'old-script',
      role: 'practitioner',
      agency: 'Example Council',
    });
    expect((await post('/api/v1/intelligence', intelligenceAnswers(), token)).status).toBe(201);
    await tokens.revoke(admin, 'old-script');
    expect((await post('/api/v1/intelligence', intelligenceAnswers(), token)).status).toBe(401);
  });

  it('records a missing child and the return, and shows records only to those who may see them', async () => {
    const missing = await post('/api/v1/missing', missingAnswers());
    expect(missing.status).toBe(201);
    const { reference } = (await missing.json()) as { reference: string };
    const back = await post('/api/v1/returns', {
      episode: reference,
      returnedAt: '2026-11-28T08:00:00Z',
      whereFound: 'At a friend’s house in Sampletown',
      foundBy: 'police',
      safeAndWellCheck: 'yes',
    });
    expect(back.status).toBe(201);
    const again = await post('/api/v1/returns', {
      episode: 'MIS-2026-999999',
      returnedAt: '2026-11-28T08:00:00Z',
      whereFound: 'Home',
      foundBy: 'police',
      safeAndWellCheck: 'yes',
    });
    expect(again.status).toBe(422);

    const other = (
      await tokens.create(admin, { name: 'other-school', role: 'practitioner', agency: 'Example High' })
    ).token;
    expect((await get(`/api/v1/records/${reference}`, other)).status).toBe(404);
    const duty = (
      await tokens.create(admin, {
        name: 'mash-system',
        role: 'duty-officer',
        agency: 'Example MASH',
        allowRole: 'duty-officer',
      })
    ).token;
    expect((await get(`/api/v1/records/${reference}`, duty)).status).toBe(200);
    const adminToken = (
      await tokens.create(admin, {
        name: 'ops',
        role: 'admin',
        agency: 'Example Partnership',
        allowRole: 'admin',
      })
    ).token;
    const refused = await post(
      '/api/v1/returns',
      {
        episode: reference,
        returnedAt: '2026-11-28T09:00:00Z',
        whereFound: 'Home',
        foundBy: 'police',
        safeAndWellCheck: 'yes',
      },
      adminToken,
    );
    expect(refused.status).toBe(403);
  });

  it('pages the lists that chat and the dashboard read, for the roles that may see them', async () => {
    const missing = await post(
      '/api/v1/missing',
      missingAnswers({ child: { name: 'Testchild Listed', ageYears: 13, gender: 'girl', inCare: false } }),
    );
    const { reference } = (await missing.json()) as { reference: string };
    const duty = (
      await tokens.create(admin, {
        name: 'mash-lists',
        role: 'duty-officer',
        agency: 'Example MASH',
        allowRole: 'duty-officer',
      })
    ).token;
    const page = await get('/api/v1/lists/missing-now?page=1', duty);
    expect(page.status).toBe(200);
    const body = (await page.json()) as { rows: { reference: string; initials: string }[]; total: number };
    expect(body.rows).toContainEqual(expect.objectContaining({ reference, initials: 'T.L.' }));
    expect(body.total).toBe(body.rows.length);
    expect(JSON.stringify(body)).not.toContain('Testchild Listed');
    expect((await get('/api/v1/lists/missing-now', practitionerToken)).status).toBe(403);
    expect((await get('/api/v1/lists/everyone', duty)).status).toBe(400);
    expect((await get('/api/v1/lists/due?page=0', duty)).status).toBe(400);
  });

  it('serves the published schemas, the same as docs/schema/', async () => {
    const response = await fetch(`${base}/schema/intelligence.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/schema+json');
    const committed = readFileSync(
      join(import.meta.dirname, '..', '..', 'docs', 'schema', 'intelligence.json'),
      'utf8',
    );
    expect(await response.json()).toEqual(JSON.parse(committed));
    expect((await fetch(`${base}/schema/nothing.json`)).status).toBe(404);
  });

  it('makes and revokes tokens with npm run admin', { timeout: 90_000 }, async () => {
    // The command line as `npm run admin` runs it, once; the other commands in this process. It
    // wires its core as the server does, so it needs the server's data key.
    const made = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/admin.ts',
        'token',
        'create',
        '--name',
        'council-etl',
        '--role',
        'practitioner',
        '--agency',
        'Example Council',
      ],
      {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: world.database.url,
          AUDIT_KEY: testAuditKey(),
          DATA_KEY: dataKey,
        },
      },
    );
    const token = /^\s+(mbt_\S+)$/m.exec(made.stdout)?.[1];
    expect(token).toBeDefined();
    expect((await post('/api/v1/intelligence', intelligenceAnswers(), token!)).status).toBe(201);
    const stored = await world.database.db.apiToken.findUniqueOrThrow({ where: { name: 'council-etl' } });
    expect(stored.tokenHash).not.toContain(token!.slice(4));

    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runAdmin(
        args,
        { DATABASE_URL: world.database.url, DATA_KEY: dataKey },
        {
          out: (line) => out.push(line),
          err: (line) => err.push(line),
        },
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    // The spawned command runs on the real clock, so the day it printed is the day it stored.
    const madeOn = stored.createdAt.toISOString().slice(0, 10);
    expect((await cli('token', 'list')).out).toMatch(
      new RegExp(`council-etl\\s+practitioner\\s+Example Council\\s+made ${madeOn}\\s+in use`),
    );
    expect(await cli('token', 'revoke', '--name', 'council-etl')).toMatchObject({ code: 0 });
    expect((await post('/api/v1/intelligence', intelligenceAnswers(), token!)).status).toBe(401);
    expect(await cli('token', 'create', '--name', 'x1', '--role', 'boss', '--agency', 'A')).toMatchObject({
      code: 1,
      err: expect.stringContaining('The role must be one of'),
    });
    expect(await cli('token', 'create', '--name', 'x1')).toMatchObject({
      code: 2,
      err: expect.stringContaining('Please give --agency.'),
    });
    expect(await cli('token', 'frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringContaining('token create'),
    });
  });
});
