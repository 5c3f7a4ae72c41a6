import { randomUUID } from 'node:crypto';
import type { types, ViewOutput, ViewResponseAction, webApi } from '@slack/bolt';
import type { Actor } from '../../src/access/actor';
import { NotPossibleError, RefusedError, refusalText } from '../../src/access/refusal';
import { confirmation } from '../../src/chat/confirmation';
import {
  buildStepView,
  crossFieldProblems,
  type FormSpec,
  fieldsOfStep,
  formOutline,
  nothingToChoose,
  type RawAnswers,
  stepAfter,
  stepBefore,
  stepsThatApply,
  type Validation,
} from '../../src/conversation/form-view';
import { type Reply, text } from '../../src/conversation/reply';
import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';
import type { Submission } from '../../src/submissions/submissions.service';
import { repliesText } from './blocks';
import { noticeView, parseCallbackId, readStep, shownFields, stepView, summaryView } from './modals';
import type { SlackPeople, SlackUser } from './people';
import { tellDirect } from './send';
import { words } from './words';

type WebClient = webApi.WebClient;
type Ack = (response?: ViewResponseAction) => Promise<void>;

interface Draft {
  formId: string;
  raw: RawAnswers;
}

interface Loaded {
  actor: Actor;
  draftId: string;
  draft: Draft;
  spec: FormSpec;
}

/** A view to show instead: the user is not known, or the draft has gone. */
interface Refused {
  refusal: types.ModalView;
}

/**
 * Forms as modals. The draft lives server-side (encrypted, with the chat drafts) under
 * `modal:<draft id>`; a view carries only that id in private_metadata and its step in its
 * callback_id. Each step is checked by the same engine as the chat before the next is shown, in
 * the same view (Next and Back update it): see Place in modals.ts for why nothing is pushed.
 */
export class ModalFlow {
  constructor(
    private readonly core: Core,
    private readonly people: SlackPeople,
    private readonly log: Logger,
  ) {}

  /** Opens a form; returns what to tell the user instead when it cannot be opened. */
  async open(
    client: WebClient,
    triggerId: string,
    actor: Actor,
    formId: string,
    prefill: RawAnswers = {},
  ): Promise<Reply[] | null> {
    const { core } = this;
    const spec = core.catalogue.spec(formId, actor);
    // A form about a missing episode needs one to choose (and Slack refuses a select with no options).
    if (await nothingToChoose(spec)) return [text(core.prompts.messages.noOpenEpisodes)];
    const draftId = randomUUID();
    const draft = { formId, raw: prefill };
    await this.save(actor, draftId, draft);
    const { values } = await core.engine.validateAll(spec, prefill);
    const first = stepsThatApply(spec, values)[0] ?? 0;
    const view = await this.step(spec, draft, first, draftId);
    try {
      // A trigger_id works once and for 3 seconds: nothing slow happens before this call.
      await client.views.open({ trigger_id: triggerId, view });
      return null;
    } catch (error) {
      this.log.error({ err: error, formId }, 'Slack: views.open failed');
      await core.conversations.remove(actor.id, channelOf(draftId));
      return [text(words.couldNotOpen, 'warning')];
    }
  }

  /** A step's Next: check its answers, then the next step, or the summary after the last. */
  async submitStep(client: WebClient, user: SlackUser, view: ViewOutput, ack: Ack): Promise<void> {
    const place = parseCallbackId(view.callback_id);
    const found = await this.load(client, user, view);
    if (place?.kind !== 'step' || 'refusal' in found) {
      return ack({ response_action: 'update', view: 'refusal' in found ? found.refusal : this.expired() });
    }
    const { actor, draftId, draft, spec } = found;
    draft.raw = this.merge(spec, place.step, draft.raw, view);
    await this.save(actor, draftId, draft);
    const check = await this.core.engine.validateAll(spec, draft.raw);
    const here = await this.stepOf(spec, place.step, check.values);
    const visible = here.fields.map((field) => field.field);
    if (shownFields(view.blocks).join() !== visible.join()) {
      // An answer changed which questions apply (typed without pressing Enter): show them first.
      const again = stepView({ view: here, draftId, raw: draft.raw });
      return ack({ response_action: 'update', view: again });
    }
    const errors = this.stepErrors(spec, check, visible);
    if (Object.keys(errors).length) return ack({ response_action: 'errors', errors });
    const next = stepAfter(spec, place.step, check.values);
    if (next !== undefined) {
      const view = await this.step(spec, draft, next, draftId, check);
      return ack({ response_action: 'update', view });
    }
    if (!check.ok) {
      return ack({ response_action: 'update', view: await this.backTo(spec, draft, check, draftId) });
    }
    return ack({ response_action: 'update', view: summaryView(this.summary(spec, check), draftId) });
  }

  /** Back on a step or the summary: the step shown before it, with what was typed here kept. */
  async back(client: WebClient, user: SlackUser, view: ViewOutput): Promise<void> {
    const place = parseCallbackId(view.callback_id);
    if (!place) return;
    const found = await this.load(client, user, view);
    if ('refusal' in found) {
      await client.views.update({ view_id: view.id, hash: view.hash, view: found.refusal });
      return;
    }
    const { actor, draftId, draft, spec } = found;
    if (place.kind === 'step') {
      draft.raw = this.merge(spec, place.step, draft.raw, view);
      await this.save(actor, draftId, draft);
    }
    const { values } = await this.core.engine.validateAll(spec, draft.raw);
    const before = place.kind === 'step' ? place.step : formOutline(spec).steps;
    const step = stepBefore(spec, before, values);
    if (step === undefined) return;
    const shown = await this.step(spec, draft, step, draftId);
    await client.views.update({ view_id: view.id, hash: view.hash, view: shown });
  }

  /** The summary's Send: save with the engine's values, close every view, DM the reference. */
  async submitSummary(client: WebClient, user: SlackUser, view: ViewOutput, ack: Ack): Promise<void> {
    const place = parseCallbackId(view.callback_id);
    const found = await this.load(client, user, view);
    if (!place || 'refusal' in found) {
      return ack({ response_action: 'update', view: 'refusal' in found ? found.refusal : this.expired() });
    }
    const { actor, draftId, draft, spec } = found;
    const check = await this.core.engine.validateAll(spec, draft.raw);
    if (!check.ok) {
      const back = await this.backTo(spec, draft, check, draftId);
      return ack({ response_action: 'update', view: back });
    }
    let submission: Submission;
    try {
      submission = await this.core.chat.submit(actor, draft.formId, check.values);
    } catch (error) {
      const summary = this.summary(spec, check);
      if (error instanceof NotPossibleError) {
        return ack({ response_action: 'update', view: summaryView(summary, draftId, error.message) });
      }
      if (error instanceof RefusedError) {
        const refused = refusalText(error, this.core.prompts.messages);
        return ack({ response_action: 'update', view: noticeView(formOutline(spec).title, [refused]) });
      }
      this.log.error({ err: error, formId: draft.formId }, 'Slack: saving a modal form failed');
      return ack({ response_action: 'update', view: summaryView(summary, draftId, words.tryAgain) });
    }
    await this.core.conversations.remove(actor.id, channelOf(draftId));
    await ack({ response_action: 'clear' });
    const said = repliesText(
      confirmation(formOutline(spec).done, submission, this.core.prompts.messages),
      this.core.prompts.messages,
    );
    const sent = await tellDirect(client, user.userId, said, this.log, { reference: submission.reference });
    if (!sent)
      this.log.error({ reference: submission.reference }, 'Slack: saved, but the confirmation DM failed');
  }

  /** An answer that decides other questions changed: show or hide them at once (views.update). */
  async answerChanged(client: WebClient, user: SlackUser, view: ViewOutput): Promise<void> {
    const place = parseCallbackId(view.callback_id);
    if (place?.kind !== 'step') return;
    const found = await this.load(client, user, view);
    if ('refusal' in found) return;
    const { actor, draftId, draft, spec } = found;
    draft.raw = this.merge(spec, place.step, draft.raw, view);
    await this.save(actor, draftId, draft);
    const updated = await this.step(spec, draft, place.step, draftId);
    await client.views.update({ view_id: view.id, hash: view.hash, view: updated });
  }

  private async load(client: WebClient, user: SlackUser, view: ViewOutput): Promise<Loaded | Refused> {
    const actor = await this.people.actor(client, user);
    if (!actor) return { refusal: noticeView('metbot', [this.core.prompts.messages.notKnown]) };
    const draftId = view.private_metadata;
    const stored = draftId
      ? await this.core.conversations.find<RawAnswers>(actor.id, channelOf(draftId), this.core.clock.now())
      : null;
    if (!stored || stored.expired) return { refusal: this.expired() };
    const draft: Draft = { formId: stored.formId, raw: stored.state };
    return { actor, draftId, draft, spec: this.core.catalogue.spec(draft.formId, actor) };
  }

  private expired(): types.ModalView {
    return noticeView('metbot', [words.expired]);
  }

  private save(actor: Actor, draftId: string, draft: Draft): Promise<void> {
    return this.core.conversations.save(
      actor.id,
      channelOf(draftId),
      draft.formId,
      draft.raw,
      this.core.clock.now(),
    );
  }

  /** The step's answers as shown in the view replace what the draft held for that step. */
  private merge(spec: FormSpec, step: number, raw: RawAnswers, view: ViewOutput): RawAnswers {
    const fields = fieldsOfStep(spec, step);
    const entered = readStep(view.state.values, fields);
    const merged = { ...raw };
    for (const { field } of fields) delete merged[field];
    return { ...merged, ...entered };
  }

  /** The core's view of a step: Slack redraws a modal as answers change, so it shows only what applies. */
  private stepOf(spec: FormSpec, step: number, values: Record<string, unknown>) {
    return buildStepView(spec, step, values, { words: this.core.prompts.messages, layout: 'live' });
  }

  private async step(
    spec: FormSpec,
    draft: Draft,
    step: number,
    draftId: string,
    check?: Validation,
    problems?: Record<string, string>,
  ): Promise<types.ModalView> {
    const values = (check ?? (await this.core.engine.validateAll(spec, draft.raw))).values;
    return stepView({ view: await this.stepOf(spec, step, values), draftId, raw: draft.raw, problems });
  }

  /** Errors for the questions shown in this step: the engine's reasons and cross-field rules. */
  private stepErrors(spec: FormSpec, check: Validation, visible: string[]): Record<string, string> {
    const errors: Record<string, string> = {};
    if (!check.ok) {
      for (const [field, reason] of Object.entries(check.errors))
        if (visible.includes(field)) errors[field] = reason;
    }
    for (const issue of crossFieldProblems(spec, check.values)) {
      if (visible.includes(issue.path)) errors[issue.path] ??= issue.message;
    }
    return errors;
  }

  /** The first step with an answer to check, shown with the reasons above its questions. */
  private async backTo(
    spec: FormSpec,
    draft: Draft,
    check: Validation,
    draftId: string,
  ): Promise<types.ModalView> {
    const problems = Object.entries(check.ok ? {} : check.errors);
    const steps = Array.from({ length: formOutline(spec).steps }, (_, step) => fieldsOfStep(spec, step));
    // A rule on a group of answers (e.g. `lastSeen`) belongs to the step asking one of them.
    const owner = (path: string) =>
      steps.findIndex((fields) => fields.some(({ field }) => field === path || field.startsWith(`${path}.`)));
    const owned = problems.map(([path]) => owner(path)).filter((step) => step >= 0);
    const step = owned.length ? Math.min(...owned) : 0;
    const here = Object.fromEntries(problems.filter(([path]) => [step, -1].includes(owner(path))));
    return this.step(spec, draft, step, draftId, check, here);
  }

  private summary(spec: FormSpec, check: Validation) {
    return this.core.engine.summaryOfAnswers(spec, check.values);
  }
}

const channelOf = (draftId: string) => `modal:${draftId}`;
