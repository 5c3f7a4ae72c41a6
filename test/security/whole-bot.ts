import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { type Bot, startBot } from '../../src/main';
import type { Provider } from '../../src/store/database';
import { SIGNING_SECRET } from '../slack/slack-requests';
import { SlackWebApiStandIn } from '../slack/web-api-stand-in';
import { createTestDatabaseUrl } from '../support/databases';
import { type Connector, startConnector, tenant } from '../teams/support';

/**
 * metbot as main.ts starts it, with every surface on (Slack over HTTP, Teams as a local trial,
 * the dashboard, the partner API) on a fresh database, a local Slack Web API and Teams connector,
 * and its log lines kept for the test to read.
 */
export async function startWholeBot(
  provider: Provider,
  options: { env?: Record<string, string>; keepSlackCalls?: boolean; clock?: Clock } = {},
) {
  const { url: databaseUrl, drop } = await createTestDatabaseUrl(provider);
  const dataDir = mkdtempSync(join(tmpdir(), 'metbot-security-'));
  const slack = await new SlackWebApiStandIn({ keepArgs: options.keepSlackCalls ?? false }).start();
  const connector: Connector = await startConnector();
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    DATA_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://127.0.0.1:3978',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_ID: 'BBOT',
    SLACK_BOT_USER_ID: 'UBOT',
    TEAMS_UNAUTHENTICATED_LOCAL: 'true',
    ENROL_SLACK_TEAMS: 'T1',
    ENROL_TEAMS_TENANTS: tenant,
    ...options.env,
  };
  const bot: Bot = await startBot(loadConfig(env), createLogger('info', sink), env, {
    clock: options.clock,
  });
  if (!bot.server) throw new Error('the bot was started without its HTTP server');
  const base = `http://127.0.0.1:${bot.server.port}`;

  /** A dashboard session cookie for a MET member, signed in as the sign-in form does it. */
  const signIn = async (): Promise<string> => {
    const member = await bot.core.users.ensure(
      { platform: 'console', workspace: 'test', platformUserId: 'met-1', displayName: 'Testmember Example' },
      'met-member',
      'Example Agency',
      'console',
    );
    const links = bot.core.dashboardLinks;
    const { token } = await links.issueLink(member.id);
    const response = await fetch(`${base}/dashboard/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ link: token }),
    });
    if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  };

  return {
    bot,
    base,
    slack,
    connector,
    logLines,
    signIn,
    async stop() {
      await bot.stop();
      await slack.stop();
      await connector.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type WholeBot = Awaited<ReturnType<typeof startWholeBot>>;
