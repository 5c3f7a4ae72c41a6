import type { App, MessageShortcut, webApi } from '@slack/bolt';
import { text } from '../../src/conversation/reply';
import { LONGTEXT_MAX_CHARS } from '../../src/domain/records';
import { unescapeSlack } from './escape';
import { userOf } from './interactions';
import type { SlackParts } from './parts';
import { tellEphemeral } from './send';
import { words } from './words';

export const SHARE_AS_INTELLIGENCE = 'share_as_intelligence';

/** The trigger_id lasts 3 seconds: the permalink gets one second, then the channel and ts stand in. */
async function linkTo(client: webApi.WebClient, channel: string, ts: string): Promise<string> {
  const fallback = `channel ${channel}, message ${ts}`;
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000).unref());
  try {
    const found = await Promise.race([client.chat.getPermalink({ channel, message_ts: ts }), timeout]);
    return found?.permalink ?? fallback;
  } catch {
    return fallback;
  }
}

/** The message's words, and a line saying where it came from, within the narrative's limit. */
export function sharedText(message: string, link: string): string {
  const line = `${words.sharedFrom} ${link}`;
  const room = LONGTEXT_MAX_CHARS - line.length - 2;
  const body = unescapeSlack(message).trim().slice(0, Math.max(0, room));
  return body ? `${body}\n\n${line}` : line;
}

/** Message shortcut "Share as intelligence": the intelligence form with the message filled in. */
export function registerShortcut(app: App, parts: SlackParts): void {
  const { core, people, modals, log } = parts;
  const messages = core.prompts.messages;
  app.shortcut<MessageShortcut>(
    { callback_id: SHARE_AS_INTELLIGENCE, type: 'message_action' },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      const where = { channel: shortcut.channel.id, user: shortcut.user.id, respond };
      const actor = await people.actor(client, userOf(shortcut));
      if (!actor) return tellEphemeral(client, where, [text(messages.notKnown)], messages, log);
      const link = await linkTo(client, shortcut.channel.id, shortcut.message.ts);
      const prefill = { whatHappened: sharedText(shortcut.message.text ?? '', link) };
      const problem = await modals.open(client, shortcut.trigger_id, actor, 'intelligence', prefill);
      if (problem) await tellEphemeral(client, where, problem, messages, log);
    },
  );
}
