import type { App } from '@slack/bolt';
import type { ChatMessage } from '../../src/chat/chat.service';
import { text } from '../../src/conversation/reply';
import { repliesText } from './blocks';
import { unescapeSlack } from './escape';
import { deliveryKey } from './inbound';
import type { SlackParts } from './parts';
import { eventTeamOf } from './people';
import { slackPlace } from './place';
import { tellDirect } from './send';

interface MessageEvent {
  type: 'message';
  channel: string;
  channel_type?: string;
  user?: string;
  /** The sender's own workspace, in a Slack Connect conversation. */
  user_team?: string;
  text?: string;
  subtype?: string;
  bot_id?: string;
}

/**
 * The step-by-step chat in a DM with the bot: the same engine as the terminal. Only a person's
 * own new messages are answered: never a bot's (this one's included), an edit or a deletion.
 */
export function registerDirectMessages(app: App, parts: SlackParts): void {
  const { core, people, log } = parts;
  const messages = core.prompts.messages;
  app.event('message', async ({ event, body, client, context }) => {
    const message = event as unknown as MessageEvent;
    if (message.channel_type !== 'im' || message.subtype || message.bot_id || !message.user) return;
    const teamId = eventTeamOf(body);
    const actor = await people.actor(client, {
      teamId: message.user_team ?? teamId,
      userId: message.user,
      viaTeamId: teamId,
    });
    const channel = `slack:dm:${message.channel}`;
    const key = context[deliveryKey] as string | undefined;
    const turn = await core.conversations.claimAndFind(
      key,
      actor?.id ?? '',
      actor ? [channel] : [],
      core.clock.now(),
    );
    if (!turn.claimed) return void log.info({ key }, 'Slack delivered this again: already handled');
    const replies = actor
      ? await core.chat.handle({
          actor,
          channel,
          private: true,
          text: unescapeSlack(message.text ?? ''),
          place: slackPlace(message.channel, teamId),
          draft: (turn.drafts.get(channel) ?? null) as ChatMessage['draft'],
        })
      : [text(messages.notKnown)];
    // One message per turn: Slack allows about one chat.postMessage a second per channel.
    await tellDirect(client, message.channel, repliesText(replies, messages), log);
  });
}
