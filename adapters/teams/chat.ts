import type { Actor } from '../../src/access/actor';
import type { ChatMessage, StoredConversation } from '../../src/chat/chat.service';
import { commandForForm } from '../../src/chat/commands';
import { fill } from '../../src/conversation/prompts';
import type { Reply } from '../../src/conversation/reply';
import type { Core } from '../../src/core';
import type { Place } from '../../src/people/admin.service';
import { type CardDraft, type CardForms, cardChannel, typedChannel } from './card-forms';
import { fromReplies, type Outgoing, say } from './render';
import { teamsWords } from './words';

/**
 * Typed messages: the same words as every surface, through core.chat.
 *
 * In a personal chat a form command starts the step-by-step conversation and, beside it, the
 * same form as cards: the first card comes with a line saying that typing works too. Whichever
 * the person uses first wins; the other is dropped (typing drops the cards, a card drops the
 * typed draft), so one form is never saved twice.
 *
 * In a channel or group chat everyone reads the answers, so lists show references and initials
 * only (`private: false`), and a form is never asked there: the person is sent to a personal chat.
 */
export class TeamsChat {
  constructor(
    private readonly core: Core,
    private readonly cards: CardForms,
  ) {}

  /**
   * `drafts` are the person's drafts in this chat (typed and card), read with the delivery's claim;
   * without them they are read here.
   */
  async handle(
    actor: Actor,
    conversationId: string,
    personal: boolean,
    text: string,
    place?: Place,
    drafts?: Map<string, StoredConversation<unknown>>,
  ): Promise<Outgoing[]> {
    const { chat, conversations, prompts } = this.core;
    const channel = typedChannel(conversationId);
    if (personal) {
      await this.cards.dropIfTyping(
        actor,
        conversationId,
        drafts && ((drafts.get(cardChannel(conversationId)) ?? null) as StoredConversation<CardDraft> | null),
      );
    }
    const draft = drafts && ((drafts.get(channel) ?? null) as ChatMessage['draft']);
    const { replies, started, intro } = await chat.converse({
      actor,
      channel,
      private: personal,
      text,
      ...(place && { place }),
      ...(drafts && { draft }),
    });
    if (!started) return fromReplies(replies, prompts.messages);
    if (!personal) {
      await conversations.remove(actor.id, channel);
      return [say(fill(teamsWords.formsArePrivate, { command: commandForForm(started) }))];
    }
    const card = await this.cards.start(actor, conversationId, started);
    // The card shows the form's intro: the typed conversation beside it goes on without it.
    const typed: Reply[] = replies.filter((reply) => reply !== intro);
    return [
      card,
      ...fromReplies([{ kind: 'text', text: teamsWords.orTypeHere }, ...typed], prompts.messages),
    ];
  }
}
