import { createSlackSurface, type SlackSurface } from '../../adapters/slack/index';
import { createTeamsFeatureWith, type TeamsFeature } from '../../adapters/teams/index';
import type { Actor } from '../../src/access/actor';
import { AlertDeliveryTransport } from '../../src/alerts/alert-delivery';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/domain/clock';
import type { Role } from '../../src/domain/policy';
import { createLogger } from '../../src/logger';
import type { DeliveryResult } from '../../src/outbox/transport';
import { createApp, listen } from '../../src/server';
import type { Provider } from '../../src/store/database';
import {
  commandBody,
  interactionBody,
  SIGNING_SECRET,
  type Person as SlackPerson,
  send,
} from '../slack/slack-requests';
import { SlackWebApiStandIn } from '../slack/web-api-stand-in';
import {
  activity,
  type ConnectorCall,
  post,
  startConnector,
  type Person as TeamsPerson,
  type Place as TeamsPlace,
  tenant,
} from '../teams/support';
import { createTestCore } from './core';

const log = createLogger('silent');

/**
 * One test core with Slack and Teams both on, over one HTTP server as main.ts runs them, with the
 * local Slack Web API and Teams connector stand-ins, for tests of what crosses the two platforms.
 */
export async function startSlackAndTeams(
  provider: Provider,
  options: { clock?: Clock; slackDutyChannel?: string } = {},
) {
  const { core, database, cipher, clock } = await createTestCore(provider, { clock: options.clock });
  const slack = await new SlackWebApiStandIn().start();
  const connector = await startConnector();
  const slackSide: SlackSurface = createSlackSurface(
    { core, log },
    {
      signingSecret: SIGNING_SECRET,
      botToken: 'xoxb-test-token',
      apiUrl: slack.apiUrl,
      botId: 'BBOT',
      botUserId: 'UBOT',
      ...(options.slackDutyChannel && { dutyChannel: options.slackDutyChannel }),
    },
    { retryConfig: { retries: 0 } },
  );
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url });
  const teamsOn = await createTeamsFeatureWith({ proactive: { baseDelayMs: 5, maxDelayMs: 20 } })({
    env: { TEAMS_UNAUTHENTICATED_LOCAL: 'true' },
    config,
    core,
    log,
  });
  if (!teamsOn.on) throw new Error(`Teams is off: ${teamsOn.why}`);
  const teams = teamsOn.feature as TeamsFeature;
  const server = await listen(createApp(database, [slackSide.feature, teams]), 0, '127.0.0.1', log);
  const url = `http://127.0.0.1:${server.port}`;
  await slackSide.feature.start?.();
  // As main.ts does: the core's surfaces are filled in once the features exist.
  for (const surface of [slackSide.feature.surface, teams.surface])
    core.surfaces.set(surface!.platform, surface!);
  const transport = new AlertDeliveryTransport(database.db, core.alerts, log);

  return {
    core,
    database,
    cipher,
    clock,
    slack,
    connector,
    slackSide,
    teams,
    url,
    transport,

    slackPerson(who: SlackPerson, role: Role, name: string): Promise<Actor> {
      return core.users.ensure(
        { platform: 'slack', workspace: 'T1', platformUserId: who.user, displayName: name },
        role,
        'Example Agency',
        'slack',
      );
    },

    teamsPerson(who: TeamsPerson, role: Role): Promise<Actor> {
      return core.users.ensure(
        { platform: 'teams', workspace: tenant, platformUserId: who.aadObjectId, displayName: who.name },
        role,
        'Example Agency',
        'teams',
      );
    },

    /** A `/met` command in a channel, answered through its response URL. */
    async slackCommand(text: string, who: SlackPerson, channel: string) {
      const sent = await send(
        url,
        commandBody(text, who, channel, `${slack.url}/respond/${channel}`),
        'application/x-www-form-urlencoded',
      );
      await slackSide.idle();
      return sent;
    },

    async slackInteract(payload: Record<string, unknown>) {
      const sent = await send(url, interactionBody(payload), 'application/x-www-form-urlencoded');
      await slackSide.idle();
      return sent;
    },

    /** Sends one Teams activity and returns what the bot sent in answer. */
    async teamsSay(
      from: TeamsPerson,
      place: TeamsPlace,
      fields: Record<string, unknown>,
    ): Promise<ConnectorCall[]> {
      const before = connector.calls.length;
      const response = await post(`${url}/api/messages`, activity(connector.url, from, place, fields));
      if (response.status !== 200) throw new Error(`/api/messages answered ${response.status}`);
      return connector.calls.slice(before);
    },

    /** The outbox worker's work for alerts, without its timing: what each pending message came to. */
    async deliverAlerts(): Promise<DeliveryResult[]> {
      const pending = await database.db.outboxMessage.findMany({
        where: { destination: 'alert', status: 'pending' },
        orderBy: { createdAt: 'asc' },
      });
      const results: DeliveryResult[] = [];
      for (const message of pending) {
        const result = await transport.send({
          id: message.id,
          destination: message.destination,
          recordId: message.recordId,
          idempotencyKey: message.idempotencyKey,
          attempt: message.attempts + 1,
          payload: cipher.openJson('OutboxMessage', 'payloadEnc', message.id, message.payloadEnc),
        });
        results.push(result);
        await database.db.outboxMessage.update({
          where: { id: message.id },
          data: result.ok
            ? { status: 'delivered', attempts: { increment: 1 } }
            : { attempts: { increment: 1 }, lastError: result.error },
        });
      }
      return results;
    },

    async stop() {
      await server.close();
      await slackSide.feature.stop?.();
      await slack.stop();
      await connector.close();
      await database.destroy();
    },
  };
}

export type SlackAndTeams = Awaited<ReturnType<typeof startSlackAndTeams>>;
