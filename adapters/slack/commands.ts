import type { App } from '@slack/bolt';
import { findCommand, helpText } from '../../src/chat/commands';
import { text } from '../../src/conversation/reply';
import { replyMessage } from './blocks';
import type { SlackParts } from './parts';
import { slackPlace } from './place';
import { tellEphemeral } from './send';

export type Route = { form: string } | { chat: string };

/**
 * `/met <text>`: a form to open as a modal, or words for the chat to answer, as the one command
 * table (src/chat/commands.ts) reads them. A form's own id (e.g. `/met interview`) opens it too, so
 * a form added in prompts/ needs no change here. The chat gets the words as typed: MET-list
 * reasons keep their case.
 */
export function routeCommand(said: string, formIds: readonly string[] = []): Route {
  const found = findCommand(said, formIds);
  if (found.form) return { form: found.form };
  return { chat: found.words.length ? said.trim().replace(/\s+/g, ' ') : 'help' };
}

/** `/met`: acknowledged at once (Slack allows 3 s); the answer follows as an ephemeral message. */
export function registerCommand(app: App, parts: SlackParts): void {
  const { core, people, modals, log } = parts;
  const messages = core.prompts.messages;
  // Help is the same for everyone and names no one: it goes back in the acknowledgement itself
  // (ephemeral), with no lookup and no Web API call, and arrives even where the bot is not a member.
  const help = { response_type: 'ephemeral' as const, ...replyMessage([text(helpText(messages))], messages) };
  app.command('/met', async ({ command, ack, client, respond }) => {
    const route = routeCommand(command.text ?? '', core.catalogue.ids());
    if ('chat' in route && findCommand(route.chat).name === 'help') return ack(help);
    await ack();
    const where = { channel: command.channel_id, user: command.user_id, respond };
    const actor = await people.actor(client, {
      teamId: command.team_id,
      userId: command.user_id,
      name: command.user_name,
    });
    if (!actor) return tellEphemeral(client, where, [text(messages.notKnown)], messages, log);
    if ('form' in route) {
      const problem = await modals.open(client, command.trigger_id, actor, route.form);
      if (problem) await tellEphemeral(client, where, problem, messages, log, { formId: route.form });
      return;
    }
    // Names are shown only in the user's own DM with the bot, never in a channel.
    const inPrivate = await people.isBotDm(client, command.user_id, command.channel_id);
    const replies = await core.chat.handle({
      actor,
      channel: 'slack:command',
      private: inPrivate,
      text: route.chat,
      // "setup duty here" makes this channel the duty channel (the core checks the role).
      place: slackPlace(command.channel_id, command.team_id),
      // No draft is ever kept here: forms asked for with /met open as modals.
      draft: null,
    });
    await tellEphemeral(client, where, replies, messages, log);
  });
}
