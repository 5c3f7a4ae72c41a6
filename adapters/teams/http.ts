import {
  type Activity,
  type Request as BotRequest,
  type Response as BotResponse,
  CloudAdapter,
  type TurnContext,
} from 'botbuilder';
import express, { type Express, type Response } from 'express';
import type { Logger } from '../../src/logger';
import { tenantOf } from './activity';
import { CheckedAuthentication } from './auth';
import type { TeamsSettings } from './settings';
import { teamsWords } from './words';

/**
 * The Bot Framework adapter. ConfigurationBotFrameworkAuthentication checks every request's JWT
 * whenever an app id is set; with none it lets everything in (Emulator mode). `endpoints`
 * replaces Microsoft's sign-in and key addresses (tests use a local stand-in).
 */
export function createTeamsAdapter(
  settings: TeamsSettings,
  log: Logger,
  endpoints: Record<string, string> = {},
): CloudAdapter {
  const adapter = new CloudAdapter(new CheckedAuthentication({ ...settings.auth, ...endpoints }));
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, activityType: context.activity.type }, 'Teams: handling an activity failed');
    if (context.activity.type !== 'message') return;
    try {
      await context.sendActivity(teamsWords.somethingWrong);
    } catch (sendError) {
      log.warn({ err: sendError }, 'Teams: could not say that something went wrong');
    }
  };
  return adapter;
}

/**
 * What adapter.process writes, kept until the turn is over so the route decides the status:
 * the SDK's own (401 for a missing or bad token, 200, an invoke's answer) or 403 for an
 * activity refusalOf turns away.
 */
class HeldResponse implements BotResponse {
  socket: unknown = undefined;
  statusCode = 200;
  body: unknown = undefined;
  headers: Record<string, unknown> = {};
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown) {
    this.headers[name] = value;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  end() {
    return this;
  }
  writeTo(res: Response): void {
    for (const [name, value] of Object.entries(this.headers)) res.setHeader(name, String(value));
    res.status(this.statusCode);
    if (this.body === undefined) res.end();
    else res.send(this.body);
  }
}

export type Refusal = 'channel-not-allowed' | 'no-tenant' | 'tenant-not-allowed';

/**
 * Why an activity is not for metbot, or undefined when it is. Only Teams itself: other Bot
 * Framework channels (Web Chat, Direct Line) let the client choose `from.id`. Every Teams
 * activity names its tenant, and the tenant must be on the allow-list when there is one.
 */
export function refusalOf(activity: Partial<Activity>, allowedTenants: string[]): Refusal | undefined {
  if (activity.channelId !== 'msteams') return 'channel-not-allowed';
  const tenant = tenantOf(activity);
  if (!tenant) return 'no-tenant';
  if (allowedTenants.length > 0 && !allowedTenants.includes(tenant.toLowerCase()))
    return 'tenant-not-allowed';
  return undefined;
}

/**
 * POST /api/messages: JSON parsed on this route only (a global parser breaks Slack's signature
 * check), authenticated by botbuilder, then refusalOf, then the bot. A refused activity is
 * answered 403 and nothing else: no reply to its serviceUrl, nothing stored.
 */
export function mountMessages(
  app: Express,
  adapter: CloudAdapter,
  allowedTenants: string[],
  turn: (context: TurnContext) => Promise<void>,
  log: Logger,
): void {
  app.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
    const held = new HeldResponse();
    let refused: { refusal: Refusal; channelId?: string; tenant?: string } | undefined;
    try {
      await adapter.process(req as unknown as BotRequest, held, async (context) => {
        const refusal = refusalOf(context.activity, allowedTenants);
        if (refusal) {
          refused = { refusal, channelId: context.activity.channelId, tenant: tenantOf(context.activity) };
          return;
        }
        await turn(context);
      });
    } catch (error) {
      log.error({ err: error }, 'Teams: /api/messages failed');
      if (!res.headersSent) res.status(500).end();
      return;
    }
    if (refused) {
      log.warn(
        refused,
        'Teams: refused an activity that is not from Teams, names no tenant or an unlisted one',
      );
      res.status(403).json({ error: refused.refusal, message: teamsWords.tenantRefused });
      return;
    }
    held.writeTo(res);
  });
}
