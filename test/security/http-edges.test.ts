import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { createApp, listen } from '../../src/server';
import { commandBody, eventBody, send } from '../slack/slack-requests';
import { providers } from '../support/databases';
import { activity, personalChat, practitioner } from '../teams/support';
import { startWholeBot, type WholeBot } from './whole-bot';

/** What no answer may hold: a stack frame, an error's name, a file path. */
const internals = /\n\s+at |Error:|\/(?:work|home|usr|node_modules|src|adapters)\/|\.ts:\d+/;

async function answer(response: Response) {
  const body = await response.text();
  expect(body).not.toMatch(internals);
  expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  return { status: response.status, body };
}

/** Sends the headers and a first kilobyte of a body said to be `length` bytes, and waits for the answer. */
function startUpload(url: string, length: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    let sent = 0;
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(length), ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent });
      req.destroy();
    });
    req.on('error', (error) => (sent > 0 ? undefined : reject(error)));
    const chunk = Buffer.alloc(1024, 'a');
    sent += chunk.length;
    req.write(chunk);
  });
}

describe('the last error handler', () => {
  it('answers {"error":"internal"} with a request id, and logs the details under that id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const failing = {
      mount(app: import('express').Express) {
        app.get('/boom', () => {
          throw new Error('details for the log only, from /work/src/somewhere.ts:12');
        });
        app.get('/dashboard/boom', () => {
          throw new Error('a page failed');
        });
      },
    };
    const server = await listen(
      createApp({ ping: async () => true }, [failing], { log: createLogger('info', sink) }),
      0,
      '127.0.0.1',
      createLogger('silent'),
    );
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/boom`);
      const id = response.headers.get('x-request-id');
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'internal' });
      const logged = lines.find((line) => line.requestId === id);
      expect(logged).toMatchObject({ level: 50, path: '/boom', msg: 'a request failed' });
      expect(JSON.stringify(logged)).toContain('details for the log only');

      const page = await fetch(`http://127.0.0.1:${server.port}/dashboard/boom`, {
        headers: { accept: 'text/html' },
      });
      expect(page.status).toBe(500);
      const html = await page.text();
      expect(html).toContain(`give them this code: ${page.headers.get('x-request-id')}`);
      expect(html).not.toContain('a page failed');
    } finally {
      await server.close();
    }
  });
});

describe.each(providers)('requests refused before they are read, on %s', (provider) => {
  let app: WholeBot;
  beforeAll(async () => {
    app = await startWholeBot(provider);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('an address holding a NUL byte is a plain 404, signed in or not (PostgreSQL refuses NUL in text)', async () => {
    const cookie = await app.signIn();
    for (const path of ['/dashboard/child/%00', '/dashboard/networks/%00', '/api/v1/records/MIS%00']) {
      for (const headers of [{}, { cookie }] as Record<string, string>[]) {
        const { status } = await answer(await fetch(`${app.base}${path}`, { headers }));
        expect(status, path).toBe(404);
      }
    }
  });

  it('GET /dashboard/assets/constructor (and other names every object has) is a plain 404', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '%E0%A4%A']) {
      const { status } = await answer(await fetch(`${app.base}/dashboard/assets/${name}`));
      expect([400, 404], name).toContain(status);
    }
  });

  it.each([
    ['/api/messages', 256 * 1024],
    ['/dashboard/teams/sso', 16 * 1024],
    ['/dashboard/sign-in', 4 * 1024],
  ])('%s: malformed JSON is 400, a body over %i bytes is 413', async (path, limit) => {
    const headers = { 'content-type': 'application/json', origin: app.base };
    const malformed = await answer(
      await fetch(`${app.base}${path}`, { method: 'POST', headers, body: '{"a":' }),
    );
    if (path !== '/dashboard/sign-in')
      expect(malformed).toEqual({ status: 400, body: '{"error":"malformed"}' });
    const large = JSON.stringify({ text: 'x'.repeat(limit) });
    const form = path === '/dashboard/sign-in' ? 'application/x-www-form-urlencoded' : 'application/json';
    const tooLarge = await answer(
      await fetch(`${app.base}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': form },
        body: large,
      }),
    );
    expect(tooLarge).toEqual({ status: 413, body: '{"error":"too-large"}' });
  });

  it('Teams: an activity without a type, or an invoke the bot does not handle, is 400, not 5xx', async () => {
    const postActivity = async (body: string) =>
      answer(
        await fetch(`${app.base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      );
    for (const body of ['{}', '{"type":5}']) {
      expect(await postActivity(body)).toEqual({ status: 400, body: '{"error":"malformed"}' });
    }
    const invoke = activity(app.connector.url, practitioner, personalChat(practitioner), {
      type: 'invoke',
      name: 'no/such-invoke',
    });
    expect((await postActivity(JSON.stringify(invoke))).status).toBe(400);
  });

  it('Slack: a body over 256 KB is refused with 413 before it is all sent', async () => {
    const refused = await startUpload(`${app.base}/slack/events`, 10 * 1024 * 1024, {
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-slack-signature': 'v0=00',
    });
    expect(refused).toEqual({ status: 413, sent: 1024 });
    // Sent in chunks, with no length given: Bolt stops reading past 256 KB.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.base}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
          'x-slack-signature': 'v0=00',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 300; i++) req.write(Buffer.alloc(1024, 'a'));
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it('Slack: a request stamped more than 5 minutes from now, either way, is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = eventBody({ type: 'app_home_opened', user: 'U1', tab: 'home' });
    expect((await send(app.base, body, 'application/json', { timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await send(app.base, body, 'application/json', { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await send(app.base, body, 'application/json', { timestamp: now + 60 })).status).toBe(200);
    const command = commandBody('help', { user: 'U1' }, 'C1');
    expect(
      (await send(app.base, command, 'application/x-www-form-urlencoded', { timestamp: now + 3600 })).status,
    ).toBe(401);
  });
});
