import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the Slack Web API (or to a response URL). */
export interface WebApiCall {
  method: string;
  args: Record<string, unknown>;
}

type Failure = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

/** Fields WebClient sends JSON-encoded inside its form-encoded body. */
const jsonFields = new Set(['view', 'blocks', 'attachments']);

/**
 * A local stand-in for the Slack Web API: records every call and answers as Slack does
 * (`{ ok: true, … }`), or fails on request (a 429 with Retry-After, a 500, an `ok: false` error).
 * Response URLs (`/respond/…`) are recorded too, as method `response_url`.
 */
export class SlackWebApiStandIn {
  readonly calls: WebApiCall[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private server?: Server;
  private views = 0;
  private ts = 0;
  url = '';

  /** `keepArgs: false` records only which methods were called (a benchmark's load, not a test's). */
  constructor(private readonly options: { keepArgs?: boolean } = {}) {}

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await read(req);
      const path = req.url ?? '/';
      if (path.startsWith('/respond/')) {
        this.calls.push({ method: 'response_url', args: JSON.parse(body || '{}') });
        res.writeHead(200).end('ok');
        return;
      }
      const method = path.replace(/^\/api\//, '');
      const args = this.options.keepArgs === false ? {} : parseArgs(body, req.headers['content-type'] ?? '');
      this.calls.push({ method, args });
      const failure = this.failures.get(method)?.shift();
      if (failure && 'status' in failure) {
        const headers = failure.status === 429 ? { 'retry-after': String(failure.retryAfter) } : undefined;
        res.writeHead(failure.status, headers).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const answer = failure ? { ok: false, error: failure.error } : this.answer(method, args);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** The next calls of `method` fail like this, in order. */
  fail(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  callsTo(method: string): WebApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The DM channel Slack would give the bot and this user. */
  static dmOf(user: string): string {
    return `D${user}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage':
        this.ts += 1;
        return { ok: true, channel: args.channel, ts: `1700000000.${this.ts}`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        this.ts += 1;
        return { ok: true, message_ts: `1700000000.${this.ts}` };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://example.slack.com/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'views.open':
      case 'views.push':
      case 'views.publish': {
        this.views += 1;
        return {
          ok: true,
          view: { ...(args.view as object), id: `V${this.views}`, hash: `hash-${this.views}` },
        };
      }
      case 'views.update':
        this.views += 1;
        return { ok: true, view: { ...(args.view as object), id: args.view_id, hash: `hash-${this.views}` } };
      case 'conversations.open':
        return { ok: true, channel: { id: SlackWebApiStandIn.dmOf(String(args.users)) } };
      case 'users.info':
        return {
          ok: true,
          user: {
            id: args.user,
            name: 'tester',
            real_name: 'Tester Example',
            profile: { display_name: 'Tester' },
          },
        };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      default:
        return { ok: true };
    }
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function parseArgs(body: string, type: string): Record<string, unknown> {
  if (type.includes('json')) return JSON.parse(body || '{}');
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = jsonFields.has(key) ? JSON.parse(value) : value;
  }
  return args;
}
