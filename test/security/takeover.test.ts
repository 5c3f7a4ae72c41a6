import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createTestDatabaseUrl, providers } from '../support/databases';
import {
  activity,
  type Connector,
  type Person,
  personalChat,
  post,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  tenant,
} from '../teams/support';

/**
 * The chain that once made a stranger an admin with one unauthenticated request: an activity
 * whose from.id was a METBOT_ADMINS id became admin, granted itself met-member, asked for a
 * dashboard link, and had it posted to a serviceUrl of its own choosing. Each step must fail.
 */

const adminAad = 'aad-admin-0001';
const partnerTenant = 'tenant-partner-2';
const admin: Person = { id: '29:admin', aadObjectId: adminAad, name: 'Testadmin Example' };
/** Someone claiming the admin's ids: from.id and aadObjectId both set to the admin's object id. */
const impostor: Person = { id: adminAad, aadObjectId: adminAad, name: 'Testadmin Example' };
/** The steps of the takeover, as chat messages. */
const chain = [`admin grant @${adminAad} met-member`, 'dashboard'];

/** The attacker's own serviceUrl: counts every request that reaches it, whatever its path. */
async function startAttackerListener() {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"taken"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

type AttackerListener = Awaited<ReturnType<typeof startAttackerListener>>;

/** Runs src/main.ts as `npm start` would, and waits for it to stop. */
function startUp(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const home = mkdtempSync(join(tmpdir(), 'metbot-home-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, XDG_CONFIG_HOME: home, DATA_DIR: home, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: output.trim().split('\n') });
    }),
  );
}

describe.each(providers)('the admin-takeover chain over HTTP on %s', (provider) => {
  let teams: TeamsBot;
  let connector: Connector;
  let attacker: AttackerListener;

  beforeAll(async () => {
    connector = await startConnector();
    attacker = await startAttackerListener();
    // A local trial as loose as it may be: unauthenticated on loopback, two tenants allowed and
    // enrolled, the admin named in METBOT_ADMINS, and dashboard links on.
    teams = await startTeamsBot(
      provider,
      { TEAMS_UNAUTHENTICATED_LOCAL: 'true', TEAMS_ALLOWED_TENANTS: `${tenant},${partnerTenant}` },
      {},
      {
        METBOT_ADMINS: `teams:${tenant}:${adminAad}`,
        ENROL_TEAMS_TENANTS: `${tenant},${partnerTenant}`,
        PUBLIC_URL: 'http://127.0.0.1:3978',
      },
    );
  });
  afterAll(async () => {
    await teams.close();
    await connector.close();
    await attacker.close();
  });

  /** The chain sent as the impostor, each message shaped by `change`; the HTTP statuses. */
  async function attack(change: (sent: Record<string, unknown>) => Record<string, unknown>) {
    const statuses: number[] = [];
    for (const text of chain) {
      const sent = change(activity(attacker.url, impostor, personalChat(impostor), { text }));
      statuses.push((await post(teams.url, sent)).status);
    }
    return statuses;
  }

  const withoutTenant = (sent: Record<string, unknown>) => ({
    ...sent,
    conversation: { ...(sent.conversation as object), tenantId: undefined },
    channelData: {},
  });
  const fromTenant = (id: string) => (sent: Record<string, unknown>) => ({
    ...sent,
    conversation: { ...(sent.conversation as object), tenantId: id },
    channelData: { tenant: { id } },
  });

  it.each<[string, { channelId?: string; strip?: boolean }]>([
    ['from another Bot Framework channel (Web Chat), with the admin tenant', { channelId: 'webchat' }],
    ['from the Emulator, naming no tenant', { channelId: 'emulator', strip: true }],
    ['from msteams with no tenant', { strip: true }],
  ])('refuses an activity %s with 403: no admin, nothing sent to its serviceUrl', async (_, how) => {
    const statuses = await attack((sent) => {
      const shaped = how.strip ? withoutTenant(sent) : sent;
      return how.channelId ? { ...shaped, channelId: how.channelId } : shaped;
    });
    expect(statuses).toEqual([403, 403]);
    expect(attacker.requests).toEqual([]);
    expect(await teams.database.db.user.count()).toBe(0);
    expect(await teams.database.db.chatAddress.count()).toBe(0);
  });

  it('refuses an msteams activity from a tenant that is not allowed with 403, and sends it nothing', async () => {
    expect(await attack(fromTenant('tenant-attacker-9'))).toEqual([403, 403]);
    expect(attacker.requests).toEqual([]);
    expect(await teams.database.db.user.count()).toBe(0);
  });

  it("does not make an admin of someone in another allowed tenant who uses the admin's object id", async () => {
    expect(await attack(fromTenant(partnerTenant))).toEqual([200, 200]);
    const users = await teams.database.db.user.findMany();
    expect(users.map((user) => [user.workspace, user.platformUserId, user.role])).toEqual([
      [partnerTenant, adminAad, 'practitioner'],
    ]);
    // What came back to the serviceUrl it chose: two refusals, never a sign-in link.
    expect(attacker.requests).toHaveLength(2);
    expect(attacker.requests[0]).toContain('giving people roles is only for admins');
    expect(attacker.requests.join('\n')).not.toMatch(/sign-in|Here is your link/);
  });

  it('still makes the real admin an admin: the same object id, from the tenant METBOT_ADMINS names', async () => {
    const before = connector.calls.length;
    const said = await post(
      teams.url,
      activity(connector.url, admin, personalChat(admin), { text: 'admin deadletters' }),
    );
    expect(said.status).toBe(200);
    const answer = JSON.stringify(connector.calls.slice(before));
    expect(answer).toContain('Nothing has failed to deliver.');
    expect(answer).not.toContain('only for admins');
    const real = await teams.database.db.user.findUniqueOrThrow({
      where: {
        platform_workspace_platformUserId: { platform: 'teams', workspace: tenant, platformUserId: adminAad },
      },
    });
    expect(real.role).toBe('admin');
  });

  it('answers 401 to the admin chain with no token when an app id is set, and sends its serviceUrl nothing', async () => {
    const checked = await startTeamsBot(
      provider,
      {
        MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
        MicrosoftAppPassword: 'not-a-real-secret',
        TEAMS_ALLOWED_TENANTS: tenant,
      },
      {},
      { METBOT_ADMINS: `teams:${tenant}:${adminAad}`, ENROL_TEAMS_TENANTS: tenant },
    );
    try {
      const before = attacker.requests.length;
      for (const text of chain) {
        const sent = activity(attacker.url, admin, personalChat(admin), { text });
        expect((await post(checked.url, sent)).status).toBe(401);
      }
      expect(attacker.requests.length).toBe(before);
      expect(await checked.database.db.user.count()).toBe(0);
    } finally {
      await checked.close();
    }
  });

  describe(`start-up on ${provider}`, () => {
    let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
    beforeAll(async () => {
      database = await createTestDatabaseUrl(provider);
    });
    afterAll(() => database.drop());

    it(`is production unless NODE_ENV says otherwise, and stops without DATA_KEY (${provider})`, async () => {
      expect(loadConfig({}).NODE_ENV).toBe('production');
      const run = await startUp({ DATABASE_URL: database.url });
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([expect.stringContaining('DATA_KEY must be set when NODE_ENV=production')]);
    });

    it(`refuses to start Teams without an app id off loopback, or in production (${provider})`, async () => {
      const local = {
        DATABASE_URL: database.url,
        DATA_KEY: randomBytes(32).toString('base64'),
        TEAMS_UNAUTHENTICATED_LOCAL: 'true',
      };
      const open = await startUp({ ...local, NODE_ENV: 'development', HOST: '0.0.0.0' });
      expect(open.code).toBe(1);
      expect(open.lines.at(-1)).toContain(
        'HOST must be a loopback address such as 127.0.0.1 (it is "0.0.0.0")',
      );
      const production = await startUp({ ...local, HOST: '127.0.0.1' });
      expect(production.code).toBe(1);
      expect(production.lines.at(-1)).toContain('refused when NODE_ENV=production');
    });

    it(`refuses a bare id in METBOT_ADMINS, naming the platform:workspace:user form (${provider})`, async () => {
      const run = await startUp({
        DATABASE_URL: database.url,
        NODE_ENV: 'development',
        METBOT_ADMINS: adminAad,
      });
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([
        expect.stringContaining('METBOT_ADMINS must be a comma-separated list of platform:workspace:user'),
      ]);
    });
  });
});
