import type { RespondFn, webApi } from '@slack/bolt';
import type { Messages } from '../../src/conversation/prompts';
import type { Reply } from '../../src/conversation/reply';
import type { Logger } from '../../src/logger';
import { replyMessage } from './blocks';

type WebClient = webApi.WebClient;

export interface Where {
  channel: string;
  user: string;
  /** The response URL of a command or shortcut: works where the bot is not a member. */
  respond?: RespondFn;
}

/**
 * Answers only the asker, in the channel they asked in. chat.postEphemeral needs the bot in the
 * channel; where it is not (a private channel, a DM between people) the response URL still works.
 * A failure is logged with what it was about, never dropped silently.
 */
export async function tellEphemeral(
  client: WebClient,
  where: Where,
  replies: Reply[],
  messages: Messages,
  log: Logger,
  about: Record<string, unknown> = {},
): Promise<void> {
  const message = replyMessage(replies, messages);
  try {
    await client.chat.postEphemeral({ channel: where.channel, user: where.user, ...message });
    return;
  } catch (error) {
    if (!where.respond) {
      log.error({ err: error, channel: where.channel, ...about }, 'Slack: could not answer the user');
      return;
    }
    log.info(
      { err: error, channel: where.channel },
      'Slack: postEphemeral failed; answering by response URL',
    );
  }
  try {
    await where.respond({ response_type: 'ephemeral', replace_original: false, ...message });
  } catch (error) {
    log.error({ err: error, channel: where.channel, ...about }, 'Slack: could not answer the user');
  }
}

/** A direct message from the bot (to a user id or a DM channel id). */
export async function tellDirect(
  client: WebClient,
  channel: string,
  text: string,
  log: Logger,
  about: Record<string, unknown> = {},
): Promise<boolean> {
  try {
    await client.chat.postMessage({ channel, text, mrkdwn: true });
    return true;
  } catch (error) {
    log.error({ err: error, channel, ...about }, 'Slack: could not send a direct message');
    return false;
  }
}
