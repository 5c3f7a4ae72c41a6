import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/access/actor';
import { NotPossibleError, RefusedError, refusalText } from '../../src/access/refusal';
import type { StoredConversation } from '../../src/chat/chat.service';
import { confirmation } from '../../src/chat/confirmation';
import {
  buildStepView,
  type FormSpec,
  fieldsOfStep,
  formOutline,
  noticesFor,
  stepAfter,
  stepBefore,
  stepOfField,
  type Validation,
} from '../../src/conversation/form-view';
import { fill } from '../../src/conversation/prompts';
import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';
import { assess, type CardInputs, readInputs } from './card-inputs';
import { formCard, type SubmitData, stepActions, summaryCard } from './cards';
import { fromReplies, type Outgoing, say, show } from './render';
import { teamsWords } from './words';

/** A form being filled in as cards: kept server-side (encrypted, like every draft), per user per chat. */
export interface CardDraft {
  /** New at every start, so the buttons of an older card are recognised and refused. */
  id: string;
  formId: string;
  step: number;
  inputs: CardInputs;
  /** Set once a card is submitted: the typed conversation offered beside it is dropped. */
  typedDropped: boolean;
}

export const cardChannel = (conversationId: string) => `teams-card:${conversationId}`;
export const typedChannel = (conversationId: string) => `teams:${conversationId}`;

/**
 * A form as Adaptive Cards in a personal chat: one card per step, each step checked by the
 * engine, a summary card to confirm, then saved through the same path as every surface.
 */
export class CardForms {
  constructor(
    private readonly core: Core,
    private readonly log: Logger,
  ) {}

  /** Starts a form as cards and returns its first step. */
  async start(actor: Actor, conversationId: string, formId: string): Promise<Outgoing> {
    const draft: CardDraft = { id: randomUUID(), formId, step: 0, inputs: {}, typedDropped: false };
    const spec = this.core.catalogue.spec(formId, actor);
    const { values } = await assess(this.core.engine, spec, draft.inputs);
    draft.step = stepAfter(spec, -1, values) ?? 0;
    await this.save(actor, conversationId, draft);
    return show(await this.stepCard(spec, draft, values, {}, []));
  }

  /** Typing into the step-by-step form offered beside the cards drops the cards. */
  async dropIfTyping(
    actor: Actor,
    conversationId: string,
    known?: StoredConversation<CardDraft> | null,
  ): Promise<void> {
    const { conversations, clock } = this.core;
    const stored =
      known !== undefined
        ? known
        : await conversations.find<CardDraft>(actor.id, cardChannel(conversationId), clock.now());
    if (stored && !stored.expired && !stored.state.typedDropped) {
      await conversations.remove(actor.id, cardChannel(conversationId));
    }
  }

  /** A button pressed on one of the form's cards. */
  async submit(actor: Actor, conversationId: string, value: Record<string, unknown>): Promise<Outgoing[]> {
    const { conversations, clock, catalogue } = this.core;
    const data = value.metbot as SubmitData;
    const stored = await conversations.find<CardDraft>(actor.id, cardChannel(conversationId), clock.now());
    if (!stored || stored.expired || stored.state.id !== data.draft) return [say(teamsWords.formClosed)];
    const draft = stored.state;
    if (!draft.typedDropped) {
      await conversations.remove(actor.id, typedChannel(conversationId));
      draft.typedDropped = true;
    }
    const spec = catalogue.spec(draft.formId, actor);
    const step = Math.min(Math.max(Number(data.step ?? draft.step) || 0, 0), formOutline(spec).steps - 1);
    switch (data.action) {
      case 'cancel':
        await conversations.remove(actor.id, cardChannel(conversationId));
        return [say(this.core.prompts.messages.cancelled)];
      case 'back':
      case 'edit': {
        const { values } = await assess(this.core.engine, spec, draft.inputs);
        draft.step = data.action === 'edit' ? step : (stepBefore(spec, step, values) ?? step);
        await this.save(actor, conversationId, draft);
        return [show(await this.stepCard(spec, draft, values, {}, []))];
      }
      case 'next':
        Object.assign(draft.inputs, readInputs(fieldsOfStep(spec, step), value));
        return this.afterStep(actor, conversationId, spec, draft, step);
      case 'send':
        return this.send(actor, conversationId, spec, draft);
      default:
        return [say(teamsWords.formClosed)];
    }
  }

  private async afterStep(
    actor: Actor,
    conversationId: string,
    spec: FormSpec,
    draft: CardDraft,
    step: number,
  ): Promise<Outgoing[]> {
    const validation = await assess(this.core.engine, spec, draft.inputs);
    const wrongStep = firstStepWithErrors(spec, validation, step);
    if (wrongStep !== undefined)
      return this.showErrors(actor, conversationId, spec, draft, validation, wrongStep);
    const notices = noticesFor(spec, validation.values, step);
    const next = stepAfter(spec, step, validation.values);
    draft.step = next ?? step;
    await this.save(actor, conversationId, draft);
    if (next !== undefined) return [show(await this.stepCard(spec, draft, validation.values, {}, notices))];
    return [show(this.summary(spec, draft, validation.values, notices.join(' ') || undefined))];
  }

  private async send(actor: Actor, conversationId: string, spec: FormSpec, draft: CardDraft) {
    const { chat, conversations, prompts } = this.core;
    const validation = await assess(this.core.engine, spec, draft.inputs);
    if (!validation.ok) {
      const wrongStep = firstStepWithErrors(spec, validation, formOutline(spec).steps - 1) ?? draft.step;
      return this.showErrors(actor, conversationId, spec, draft, validation, wrongStep);
    }
    try {
      const submission = await chat.submit(actor, draft.formId, validation.values);
      await conversations.remove(actor.id, cardChannel(conversationId));
      return fromReplies(
        confirmation(formOutline(spec).done, submission, prompts.messages),
        prompts.messages,
      );
    } catch (error) {
      if (error instanceof RefusedError) {
        await conversations.remove(actor.id, cardChannel(conversationId));
        return [say(refusalText(error, prompts.messages))];
      }
      if (!(error instanceof NotPossibleError)) {
        this.log.error({ err: error, formId: draft.formId }, 'saving a Teams card form failed');
      }
      const reason = error instanceof NotPossibleError ? error.message : teamsWords.somethingWrong;
      return [show(this.summary(spec, draft, validation.values, reason))];
    }
  }

  /** The step with the first wrong answer again, the reasons beside the fields, answers kept. */
  private async showErrors(
    actor: Actor,
    conversationId: string,
    spec: FormSpec,
    draft: CardDraft,
    validation: Validation,
    step: number,
  ): Promise<Outgoing[]> {
    draft.step = step;
    await this.save(actor, conversationId, draft);
    const errors = validation.ok ? {} : validation.errors;
    return [show(await this.stepCard(spec, draft, validation.values, errors, []))];
  }

  private summary(spec: FormSpec, draft: CardDraft, values: Record<string, unknown>, warning?: string) {
    const summary = this.core.engine.summaryOfAnswers(spec, values);
    const title = fill(teamsWords.summaryTitle, { title: summary.title });
    return summaryCard({ ...summary, title }, draft.id, warning);
  }

  private async stepCard(
    spec: FormSpec,
    draft: CardDraft,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    notices: string[],
  ) {
    // A card cannot show or hide an input as another changes: its layout is fixed.
    const view = await buildStepView(spec, draft.step, values, {
      words: this.core.prompts.messages,
      layout: 'fixed',
    });
    const here = Object.entries(errors).filter(([field]) => stepOfField(spec, field) === draft.step);
    // A rule across the whole record names no single question: said at the top of the card.
    const elsewhere = Object.entries(errors).filter(([field]) => stepOfField(spec, field) === undefined);
    return formCard({
      title: view.formTitle,
      subtitle: fill(teamsWords.stepOf, { step: view.position, of: view.of, title: view.stepTitle }),
      intro: view.intro,
      notices: [...notices, ...elsewhere.map(([, message]) => message)],
      sections: [{ fields: view.fields }],
      inputs: draft.inputs,
      errors: Object.fromEntries(here),
      actions: stepActions({ draft: draft.id, step: draft.step, last: view.last, canGoBack: !view.first }),
    });
  }

  private save(actor: Actor, conversationId: string, draft: CardDraft): Promise<void> {
    const { conversations, clock } = this.core;
    return conversations.save(actor.id, cardChannel(conversationId), draft.formId, draft, clock.now());
  }
}

/** The earliest step up to `upTo` with a wrong answer; later steps are not answered yet. */
function firstStepWithErrors(spec: FormSpec, validation: Validation, upTo: number): number | undefined {
  if (validation.ok) return undefined;
  let first: number | undefined;
  for (const field of Object.keys(validation.errors)) {
    const step = stepOfField(spec, field) ?? upTo;
    if (step <= upTo && (first === undefined || step < first)) first = step;
  }
  return first;
}
