import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerLimit, parseAnswer } from '../../src/conversation/answer-parsers';
import { inputTypes } from '../../src/conversation/form-definition';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { signature } from '../slack/slack-requests';
import { providers } from '../support/databases';
import { parseTime } from '../support/timing';
import { activity, channel, personalChat } from '../teams/support';
import { startWholeBot, type WholeBot } from './whole-bot';

/**
 * Property-based fuzzing of every HTTP route on the whole bot and of every answer parser.
 * Run counts are kept moderate so that the file takes well under a minute; each is printed.
 */
const HTTP_RUNS = 1000;
const PARSER_RUNS = 1000;

/** What no answer may hold: a stack frame, an error's name, a source path. */
const internals = /\n\s+at |\bError:|\.ts:\d+|\/(?:work|home|root|usr)\/|node_modules/;

/** Every route the server has, with `:x` where the path takes a value. */
const routes: [string, string][] = [
  ['GET', '/healthz'],
  ['POST', '/api/messages'],
  ['POST', '/slack/events'],
  ['POST', '/api/v1/intelligence'],
  ['POST', '/api/v1/missing'],
  ['POST', '/api/v1/returns'],
  ['GET', '/api/v1/records/:x'],
  ['GET', '/schema/:x'],
  ['GET', '/dashboard'],
  ['GET', '/dashboard/list'],
  ['GET', '/dashboard/missing'],
  ['GET', '/dashboard/repeat'],
  ['GET', '/dashboard/child/:x'],
  ['GET', '/dashboard/figures'],
  ['GET', '/dashboard/pack'],
  ['GET', '/dashboard/pack.xlsx'],
  ['GET', '/dashboard/assets/:x'],
  ['GET', '/dashboard/sign-in'],
  ['POST', '/dashboard/sign-in'],
  ['POST', '/dashboard/sign-out'],
  ['GET', '/dashboard/signed-out'],
  ['GET', '/dashboard/teams'],
  ['GET', '/dashboard/teams/configure'],
  ['POST', '/dashboard/teams/sso'],
  ['GET', '/api/v1/dashboard/me'],
  ['GET', '/api/v1/dashboard/due'],
  ['GET', '/api/v1/dashboard/list'],
  ['GET', '/api/v1/dashboard/missing'],
  ['GET', '/api/v1/dashboard/repeat'],
  ['GET', '/api/v1/dashboard/children/:x'],
  ['GET', '/api/v1/dashboard/figures'],
  ['GET', '/nowhere/:x'],
];

const valueRoutes = routes.filter(([, path]) => path.includes(':x'));

/** Text as an attacker might type it: anything, control characters, long runs, known tricks. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    '../../etc/passwd',
    '%00',
    '%E0%A4%A',
    '<script>alert(1)</script>',
    '{{7*7}}',
    "' OR 1=1 --",
    '9'.repeat(400),
    '-1',
    '1e309',
    'NaN',
    '2026-13-45',
    `${' '.repeat(3000)}at`,
    '<'.repeat(5000),
  ),
);

/** A path value: names every object has, bad percent-encodings, real values, or any text encoded. */
const pathValue = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'constructor',
      '__proto__',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '%E0%A4%A',
      '%',
      '..%2F..%2F',
      'MIS-2026-000001',
      'intelligence.json',
      'constructor.json',
      'dashboard.css',
    ),
  },
  { weight: 1, arbitrary: hostileText.map((text) => encodeURIComponent(text)) },
);

const queryKeys = ['page', 'month', 'level', 'agency', 'review', 'link', 'where', 'x'];
const query = fc.dictionary(fc.constantFrom(...queryKeys), hostileText, { maxKeys: 3 });

const printable = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });

type Body = { kind: string; bytes?: Buffer; type?: string };

/** Bodies: JSON of any shape, platform-shaped payloads with hostile fields, junk bytes, large ones. */
function bodies(connectorUrl: string): fc.Arbitrary<Body> {
  const json = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
  const teamsActivity = fc
    .record({
      text: hostileText,
      value: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
      type: fc.constantFrom('message', 'invoke', 'conversationUpdate', 'messageReaction', 'x'),
      name: fc.constantFrom(
        undefined,
        'adaptiveCard/action',
        'composeExtension/fetchTask',
        'task/submit',
        'x',
      ),
      place: fc.constantFrom('personal', 'channel'),
    })
    .map(({ place, ...fields }) => {
      const from = { id: '29:fuzz', aadObjectId: 'aad-fuzz', name: 'Fuzz Example' };
      return JSON.stringify(
        activity(connectorUrl, from, place === 'channel' ? channel : personalChat(from), fields),
      );
    });
  const slackPayload = fc.oneof(
    json,
    fc
      .record({ text: hostileText, user_id: printable(12), trigger_id: printable(20) })
      .map((fields) =>
        new URLSearchParams({ command: '/met', team_id: 'T1', channel_id: 'C1', ...fields }).toString(),
      ),
    fc
      .record({ type: fc.constantFrom('event_callback', 'view_submission', 'url_verification'), junk: json })
      .map(({ type, junk }) => `payload=${encodeURIComponent(`{"type":"${type}","x":${junk}}`)}`),
  );
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  return fc.oneof(
    {
      weight: 4,
      arbitrary: json.map((text) => ({ kind: 'json', bytes: utf8(text), type: 'application/json' })),
    },
    {
      weight: 3,
      arbitrary: teamsActivity.map((text) => ({
        kind: 'activity',
        bytes: utf8(text),
        type: 'application/json',
      })),
    },
    { weight: 3, arbitrary: slackPayload.map((text) => ({ kind: 'slack', bytes: utf8(text) })) },
    {
      weight: 2,
      arbitrary: fc
        .dictionary(fc.constantFrom('link', 'where', 'token', 'payload'), hostileText)
        .map((form) => ({
          kind: 'form',
          bytes: utf8(new URLSearchParams(form).toString()),
          type: 'application/x-www-form-urlencoded',
        })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => ({ kind: 'bytes', bytes: Buffer.from(b) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(0, 1024, 17 * 1024, 120 * 1024, 300 * 1024)
        .map((size) => ({ kind: `${size} bytes`, bytes: Buffer.alloc(size, '{') })),
    },
    {
      weight: 1,
      arbitrary: json.map((text) => ({
        kind: 'utf-16',
        bytes: Buffer.from(text, 'utf16le'),
        type: 'application/json; charset=utf-16',
      })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
  );
}

interface FuzzRequest {
  method: string;
  path: string;
  body: Body;
  contentType?: string;
  encoding?: string;
  gzip: boolean;
  auth?: string;
  signed: 'valid' | 'junk' | 'none' | 'future' | 'old';
  session: 'valid' | 'junk' | 'none';
  origin: boolean;
  accept?: string;
  extra: Record<string, string>;
}

async function sendFuzz(app: WholeBot, cookie: string, token: string, request: FuzzRequest) {
  const headers: Record<string, string> = {};
  const bytes = request.body.bytes && request.gzip ? gzipSync(request.body.bytes) : request.body.bytes;
  const contentType = request.contentType ?? request.body.type;
  if (contentType) headers['content-type'] = contentType;
  if (request.encoding) headers['content-encoding'] = request.encoding;
  else if (request.gzip) headers['content-encoding'] = 'gzip';
  if (request.auth !== undefined)
    headers.authorization = request.auth === 'token' ? `Bearer ${token}` : request.auth;
  if (request.session === 'valid') headers.cookie = cookie;
  if (request.session === 'junk') headers.cookie = `${cookie.split('=')[0]}=${request.extra.cookie ?? 'x'}`;
  for (const [name, value] of Object.entries(request.extra)) if (name !== 'cookie') headers[name] = value;
  if (request.origin) headers.origin = app.base;
  if (request.accept) headers.accept = request.accept;
  const now = Math.floor(Date.now() / 1000);
  const stamp = { valid: now, junk: now, none: now, future: now + 900, old: now - 900 }[request.signed];
  if (request.signed !== 'none') {
    headers['x-slack-request-timestamp'] = String(stamp);
    headers['x-slack-signature'] =
      request.signed === 'junk' ? 'v0=deadbeef' : signature((bytes ?? Buffer.alloc(0)).toString(), stamp);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const response = await fetch(`${app.base}${request.path}`, {
    method: request.method,
    headers,
    redirect: 'manual',
    ...(hasBody && bytes && { body: new Uint8Array(bytes) }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

describe.each(providers)('fuzzing every HTTP route on %s', (provider) => {
  let app: WholeBot;
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    app = await startWholeBot(provider);
    cookie = await app.signIn();
    const tokens = new ApiTokenService(
      app.bot.database.db,
      app.bot.database.provider,
      app.bot.core.users,
      app.bot.core.clock,
    );
    const created = await tokens.create(
      { name: 'fuzz set-up', surface: 'admin' },
      { name: 'fuzz', role: 'practitioner', agency: 'Example Academy' },
    );
    token = created.token;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it(`gives no 5xx and no stack trace to ${HTTP_RUNS} random and hostile requests, and still answers /healthz`, async () => {
    const request = fc.record<FuzzRequest>({
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      ),
      path: fc
        // Routes that take a value are picked more often: their values are fuzzed too.
        .tuple(fc.oneof(fc.constantFrom(...routes), fc.constantFrom(...valueRoutes)), pathValue, query)
        .map(([[, path], value, params]) => {
          const search = new URLSearchParams(params).toString();
          return `${path.replace(':x', value)}${search ? `?${search}` : ''}`;
        }),
      body: bodies(app.connector.url),
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/json; charset=bogus',
          'application/json; charset=utf-16',
          'application/*',
          ';;;',
        ),
        { nil: undefined, freq: 2 },
      ),
      encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip'), {
        nil: undefined,
        freq: 4,
      }),
      gzip: fc.boolean(),
      auth: fc.option(
        fc.oneof(
          fc.constant('token'),
          printable(80).map((t) => `Bearer ${t}`),
          printable(80),
        ),
        {
          nil: undefined,
        },
      ),
      signed: fc.constantFrom('valid', 'junk', 'none', 'future', 'old'),
      session: fc.constantFrom('valid', 'junk', 'none'),
      origin: fc.boolean(),
      extra: fc.dictionary(
        fc.constantFrom(
          'cookie',
          'x-slack-retry-num',
          'x-slack-retry-reason',
          'x-forwarded-proto',
          'x-forwarded-for',
          'x-request-id',
          'channelid',
          'range',
          'if-none-match',
          'accept-charset',
        ),
        printable(60),
        { maxKeys: 3 },
      ),
      accept: fc.option(fc.constantFrom('text/html', 'application/json', '*/*', 'x/y;q=x'), {
        nil: undefined,
      }),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        // An empty method means the route's own (most requests should reach the handlers).
        const route = routes.find(([, path]) => generated.path.startsWith(path.split(':')[0]!));
        const fuzz = { ...generated, method: generated.method || route?.[0] || 'GET' };
        const answer = await sendFuzz(app, cookie, token, fuzz);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${fuzz.method} ${fuzz.path} (${fuzz.body.kind})`).toBeLessThan(500);
        if (/json|html|text/.test(answer.type) && !/javascript|css/.test(answer.type)) {
          expect(answer.body, `${fuzz.method} ${fuzz.path}`).not.toMatch(internals);
        }
      }),
      { numRuns: HTTP_RUNS },
    );
    console.info(
      `${provider}: ${HTTP_RUNS} fuzzed requests; statuses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`,
    );
    const health = await fetch(`${app.base}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);
});

describe('fuzzing every answer parser', () => {
  const options = fc.array(
    fc.record({
      value: fc.string({ minLength: 1, maxLength: 20 }),
      label: fc.string({ minLength: 1, maxLength: 40 }),
    }),
    { maxLength: 15 },
  );
  const typed = fc.oneof(
    fc.string({ maxLength: 600 }),
    fc.string({ unit: 'binary', maxLength: 4000 }),
    fc
      .tuple(
        fc.constantFrom(' ', ' at ', '1', '1:', '/', ',', '<', 'today ', 'a'),
        fc.integer({ min: 0, max: 2000 }),
      )
      .map(([piece, times]) => piece.repeat(times)),
  );

  it.each(inputTypes)(`%s: never throws and answers within 50 ms, ${PARSER_RUNS} runs`, (type) => {
    let slowest = 0;
    fc.assert(
      fc.property(typed, options, fc.date({ noInvalidDate: true }), (raw, choices, now) => {
        const parsed = parseAnswer(type, raw, choices, now);
        slowest = Math.max(
          slowest,
          parseTime(() => parseAnswer(type, raw, choices, now)),
        );
        expect(typeof parsed.ok).toBe('boolean');
        if (raw.trim().length > answerLimit(type)) expect(parsed.ok).toBe(false);
      }),
      { numRuns: PARSER_RUNS },
    );
    console.info(`${type}: ${PARSER_RUNS} runs, slowest ${slowest.toFixed(2)} ms`);
    expect(slowest).toBeLessThan(50);
  });
});
