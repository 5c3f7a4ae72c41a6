import type { Actor } from '../../src/access/actor';
import { buildWholeFormView, fieldsOfForm, formOutline, noticesFor } from '../../src/conversation/form-view';
import { fill } from '../../src/conversation/prompts';
import type { Core } from '../../src/core';
import { assess, type CardInputs, readInputs } from './card-inputs';
import { type AdaptiveCard, formCard } from './cards';
import { teamsWords } from './words';

/** The question a shared message's text fills in (prompts/forms/intelligence.yaml). */
export const sharedTextField = 'whatHappened';
export const shareFormId = 'intelligence';

/**
 * "Share as intelligence" on a Teams message: the whole intelligence form in one card in a
 * dialog, which only the person who opened it sees, with the message's text filled in.
 */
export class ShareForm {
  constructor(private readonly core: Core) {}

  async card(actor: Actor, inputs: CardInputs, errors: Record<string, string> = {}): Promise<AdaptiveCard> {
    const spec = this.core.catalogue.spec(shareFormId, actor);
    const steps = await buildWholeFormView(spec, this.core.prompts.messages);
    const { title, intro } = formOutline(spec);
    return formCard({
      title,
      intro,
      sections: steps.map((step) => ({ title: step.stepTitle, fields: step.fields })),
      inputs,
      errors,
      actions: [
        {
          type: 'Action.Submit',
          title: teamsWords.send,
          style: 'positive',
          data: { metbot: { action: 'share' } },
        },
      ],
    });
  }

  /** Opens the dialog with the message's text as what was seen or heard. */
  open(actor: Actor, messageText: string): Promise<AdaptiveCard> {
    return this.card(actor, { [sharedTextField]: messageText.slice(0, 3000) });
  }

  /** Saves the dialog's answers when the engine accepts them; else the card again with the reasons. */
  async submit(
    actor: Actor,
    value: Record<string, unknown>,
  ): Promise<{ saved: true; text: string } | { saved: false; card: AdaptiveCard }> {
    const spec = this.core.catalogue.spec(shareFormId, actor);
    const inputs = readInputs(fieldsOfForm(spec), value);
    const validation = await assess(this.core.engine, spec, inputs);
    if (!validation.ok) return { saved: false, card: await this.card(actor, inputs, validation.errors) };
    const submission = await this.core.chat.submit(actor, shareFormId, validation.values);
    const notices = noticesFor(spec, validation.values);
    return { saved: true, text: [...notices, fill(formOutline(spec).done, submission.vars)].join(' ') };
  }
}

/** A Teams message body (HTML) as plain text. */
export function messageText(content: string | undefined, contentType: string | undefined): string {
  if (!content) return '';
  if (contentType && contentType !== 'html') return content.trim();
  return (
    content
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li)>/gi, '\n')
      // [^<>]: a tag never holds '<', so a '<' with no '>' after it stops at the next '<' (linear).
      .replace(/<[^<>]*>/g, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
