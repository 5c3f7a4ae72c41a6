import { SAME_CHILD } from '../../src/children/duplicates-chat';
import { fill } from '../../src/conversation/prompts';
import type { Reply } from '../../src/conversation/reply';
import type { Core } from '../../src/core';
import type { Actor } from '../../src/services/actor';
import type { Place } from '../../src/services/admin.service';
import { type CardForms, typedChannel } from './card-forms';
import { fromReplies, type Outgoing, say } from './render';
import { teamsWords } from './words';

/** The command that starts a form, for telling someone what to type in a personal chat. */
function commandFor(formId: string): string {
  if (formId.startsWith('check-')) return `check ${formId.slice(6)}`;
  return (
    ({ intelligence: 'intel', missing: 'missing', return: 'found' } as Record<string, string>)[formId] ??
    formId
  );
}

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

  async handle(
    actor: Actor,
    conversationId: string,
    personal: boolean,
    text: string,
    place?: Place,
  ): Promise<Outgoing[]> {
    const { chat, conversations, clock, prompts } = this.core;
    const channel = typedChannel(conversationId);
    if (personal) await this.cards.dropIfTyping(actor, conversationId);
    const replies = await chat.handle({ actor, channel, private: personal, text, ...(place && { place }) });
    const draft = await conversations.find(actor.id, channel, clock.now());
    // The "same child?" question after a report is typed, not a form: no card for it.
    if (!draft || draft.expired || draft.formId === SAME_CHILD) return fromReplies(replies, prompts.messages);

    const intro = this.core.catalogue.spec(draft.formId, actor).form.intro;
    const started = replies.some((reply) => reply.kind === 'text' && reply.text === intro);
    if (!personal) {
      await conversations.remove(actor.id, channel);
      return [say(fill(teamsWords.formsArePrivate, { command: commandFor(draft.formId) }))];
    }
    if (!started) return fromReplies(replies, prompts.messages);
    const card = await this.cards.start(actor, conversationId, draft.formId);
    const typed: Reply[] = replies.filter((reply) => !(reply.kind === 'text' && reply.text === intro));
    return [
      card,
      ...fromReplies([{ kind: 'text', text: teamsWords.orTypeHere }, ...typed], prompts.messages),
    ];
  }
}
