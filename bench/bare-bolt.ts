import { App, ExpressReceiver } from '@slack/bolt';
import { boltLogger } from '../adapters/slack/log-bridge';
import type { Logger } from '../src/logger';
import { SIGNING_SECRET } from '../test/slack/slack-requests';

/** The bare Bolt app the Slack benchmarks measure metbot against: a receiver and nothing else. */
export function bareBolt(log: Logger, slackApiUrl?: string): { bolt: App; receiver: ExpressReceiver } {
  const receiver = new ExpressReceiver({
    signingSecret: SIGNING_SECRET,
    endpoints: '/slack/events',
    logger: boltLogger(log),
  });
  const bolt = new App({
    receiver,
    token: 'xoxb-bench',
    botId: 'BBOT',
    botUserId: 'UBOT',
    logger: boltLogger(log),
    ...(slackApiUrl && { clientOptions: { slackApiUrl } }),
  });
  return { bolt, receiver };
}
