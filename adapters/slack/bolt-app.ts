import { App, ExpressReceiver, type webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger';
import { boltLogger } from './log-bridge';
import { SLACK_BODY_LIMIT } from './request-guard';
import { refuseWrongShape } from './request-shape';
import type { SlackSettings } from './settings';

export interface BoltOptions {
  /** How the Web API client retries 5xx, network errors and 429 (p-retry options). */
  retryConfig?: webApi.RetryOptions;
}

/**
 * Errors and 429s are retried with backoff, within about a minute: long enough for a blip, short
 * enough that a person waiting for an answer is not kept for half an hour (the client's default).
 */
export const defaultRetry: webApi.RetryOptions = {
  retries: 5,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 15_000,
  randomize: true,
};

export interface BoltParts {
  app: App;
  /** The HTTP receiver, when not in Socket Mode: its router goes on the one Express app. */
  receiver?: ExpressReceiver;
}

/**
 * Bolt, over HTTP on the bot's own Express app (POST /slack/events) or, with an app-level token,
 * over Socket Mode. Bolt checks each request's signature and age (5 minutes) itself; a stamp in
 * the future is refused before Bolt (request-guard.ts).
 */
export function createBolt(settings: SlackSettings, log: Logger, options: BoltOptions = {}): BoltParts {
  const logger = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(settings.apiUrl && { slackApiUrl: settings.apiUrl }),
    retryConfig: options.retryConfig ?? defaultRetry,
    timeout: 10_000,
  };
  const common = {
    token: settings.botToken,
    // Given both, Bolt does not call auth.test on each start or request.
    botId: settings.botId,
    botUserId: settings.botUserId,
    logger,
    clientOptions,
    // Drafts live in the database: no in-memory conversation store.
    convoStore: false as const,
  };
  if (settings.appToken) {
    return { app: new App({ ...common, appToken: settings.appToken, socketMode: true }) };
  }
  const receiver = new ExpressReceiver({
    signingSecret: settings.signingSecret,
    endpoints: '/slack/events',
    // Acknowledge first, then work: Slack allows 3 seconds.
    processBeforeResponse: false,
    // Bolt's default is 4 MB, read before the signature is checked (request-guard.ts).
    bodyLimit: SLACK_BODY_LIMIT,
    logger,
    customPropertiesExtractor: refuseWrongShape,
    unhandledRequestHandler: ({ response }) => {
      // A refused request was answered already; anything else unanswered gets Bolt's 404.
      if (response.headersSent) return;
      log.warn('Slack: a request was not acknowledged within 3 seconds');
      response.writeHead(404).end();
    },
  });
  return { app: new App({ ...common, receiver }), receiver };
}
