import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import { toPlainText } from '../../src/conversation/plain-text';
import type { Messages } from '../../src/conversation/prompts';
import type { Reply } from '../../src/conversation/reply';
import { type AdaptiveCard, listCard } from './cards';
import { toTeamsMarkdown } from './markdown';

/** One message the bot sends: markdown text, or an Adaptive Card. */
export type Outgoing = { kind: 'text'; text: string } | { kind: 'card'; card: AdaptiveCard };

export const say = (value: string): Outgoing => ({ kind: 'text', text: toTeamsMarkdown(value) });
export const show = (card: AdaptiveCard): Outgoing => ({ kind: 'card', card });

/**
 * Neutral replies as Teams messages: text and questions as markdown (the step-by-step chat),
 * lists as cards. Consecutive texts go in one message, so a question arrives with its intro.
 */
export function fromReplies(replies: Reply[], messages: Messages): Outgoing[] {
  const out: Outgoing[] = [];
  for (const reply of replies) {
    if (reply.kind === 'list') {
      out.push(show(listCard(reply)));
      continue;
    }
    let plain = toPlainText(reply, messages);
    if (reply.kind === 'text' && reply.tone === 'danger') plain = `*${plain}*`;
    const message = toTeamsMarkdown(plain);
    const last = out.at(-1);
    if (last?.kind === 'text') last.text = `${last.text}\n\n${message}`;
    else out.push({ kind: 'text', text: message });
  }
  return out;
}

export function toActivity(out: Outgoing): Partial<Activity> {
  if (out.kind === 'card') return MessageFactory.attachment(CardFactory.adaptiveCard(out.card));
  const activity = MessageFactory.text(out.text);
  activity.textFormat = 'markdown';
  return activity;
}
