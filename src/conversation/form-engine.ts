import type { z } from 'zod';
import { formatDay, formatLondon } from '../domain/london-time';
import { formatEntityAnswer, parseEntityAnswer, suggestEntities } from '../links/entity-answers';
import { parseAnswer } from './answer-parsers';
import {
  conditionFields,
  conditionsOf,
  type Form,
  type OneCondition,
  type Option,
  type Question,
  questionsOf,
} from './form-definition';
import { fill, type Messages } from './prompts';
import type { LabelledValue, QuestionReply, Reply, SummaryReply } from './reply';
import { text } from './reply';
import { getPath, schemaAt, setPath } from './schema-path';

/** What varies per form beyond its YAML: choices known only at run time, worked-out values. */
export interface FormHooks {
  /** Choices for an `episode` question, for this user. */
  options?(field: string): Promise<Option[]>;
  /** Values for {placeholders} in questions, from the answers so far. */
  vars?(answers: Record<string, unknown>): Record<string, string>;
  /** Worked-out lines for the summary. */
  notes?(answers: Record<string, unknown>): LabelledValue[];
}

export interface FormSpec {
  form: Form;
  schema: z.ZodType;
  /** Rules across fields on the answers so far, so a clash is asked again at once. */
  crossCheck?(answers: Record<string, unknown>): { path: string; message: string }[];
  hooks?: FormHooks;
}

export interface FormState {
  formId: string;
  phase: 'asking' | 'summary';
  current?: string;
  answers: Record<string, unknown>;
  skipped: string[];
  /** Fields in the order they were answered, for *back*. */
  history: string[];
  /** Set when changing one answer from the summary: go back to it after. */
  returnToSummary: boolean;
}

export type EngineResult =
  | { status: 'continue'; state: FormState; replies: Reply[] }
  | { status: 'cancelled'; replies: Reply[] }
  | { status: 'complete'; state: FormState; values: Record<string, unknown>; replies: Reply[] };

export type RawAnswers = Record<string, string | string[] | undefined>;

export type Validation =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; values: Record<string, unknown>; errors: Record<string, string> };

const controls = {
  back: /^(back|go back|previous)$/i,
  skip: /^(skip|pass|don'?t know|not known|unknown)$/i,
  skipRest: /^(skip (all|rest|the rest)|rest|finish)$/i,
  cancel: /^(cancel|stop|quit|exit)$/i,
  help: /^(help|\?)$/i,
  send: /^(send|yes|y|confirm|save|submit|ok|correct)$/i,
  change: /^(?:change|edit)\s+(\d+)$/i,
  /** Keeps the values offered from the reporter's own words (structured answers only). */
  keep: /^(yes|y|keep( them| these| it)?|use (them|these|it))$/i,
};

function holdsOne(condition: OneCondition, answers: Record<string, unknown>): boolean {
  const value = getPath(answers, condition.field);
  if (condition.answered !== undefined) {
    const answered = value !== undefined && !(Array.isArray(value) && value.length === 0);
    return answered === condition.answered;
  }
  if (condition.equals !== undefined) return value === condition.equals;
  if (condition.notEquals !== undefined) return value !== undefined && value !== condition.notEquals;
  if (condition.in) return typeof value === 'string' && condition.in.includes(value);
  if (condition.notIn) return !(typeof value === 'string' && condition.notIn.includes(value));
  return true;
}

/**
 * Decides, question by question in the form's order, whether each is asked: when its condition
 * holds on the answers so far, and a condition on a question passed by does not hold.
 */
function asker(form: Form): (question: Question, answers: Record<string, unknown>) => boolean {
  const all = new Set(questionsOf(form).map((question) => question.field));
  const asked = new Set<string>();
  return (question, answers) => {
    const conditions = conditionsOf(question.when);
    const holds =
      conditions.length === 0 ||
      conditions.some(
        (condition) =>
          (!all.has(condition.field) || asked.has(condition.field)) && holdsOne(condition, answers),
      );
    if (holds) asked.add(question.field);
    return holds;
  };
}

function walk(form: Form, answers: Record<string, unknown>, each: (question: Question) => void): void {
  const asks = asker(form);
  for (const question of questionsOf(form)) if (asks(question, answers)) each(question);
}

/** The questions that apply given the answers, in order. */
export function visibleQuestions(form: Form, answers: Record<string, unknown>): Question[] {
  const visible: Question[] = [];
  walk(form, answers, (question) => visible.push(question));
  return visible;
}

/** The answers of visible questions only: a changed branch drops what no longer applies. */
export function pruneAnswers(form: Form, answers: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  walk(form, kept, (question) => {
    const value = getPath(answers, question.field);
    if (value !== undefined) setPath(kept, question.field, value);
  });
  return kept;
}

/** A zod issue in words a practitioner can act on. */
function plainReason(issue: z.core.$ZodIssue): string {
  if (issue.message && !/^(Invalid|Too|Expected|Required)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `Please keep it to ${issue.maximum} characters or fewer.`
        : `That is too large: the most is ${issue.maximum}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'Please type an answer.'
        : `That is too small: the least is ${issue.minimum}.`;
    case 'invalid_value':
      return 'Please choose one of the options.';
    default:
      return 'That answer does not look right. Please try again.';
  }
}

export class FormEngine {
  constructor(
    private readonly messages: Messages,
    private readonly now: () => Date,
  ) {}

  async start(
    spec: FormSpec,
    prefill: Record<string, unknown> = {},
  ): Promise<{ state: FormState; replies: Reply[] }> {
    const state: FormState = {
      formId: spec.form.id,
      phase: 'asking',
      answers: {},
      skipped: [],
      history: [],
      returnToSummary: false,
    };
    for (const [field, value] of Object.entries(prefill)) setPath(state.answers, field, value);
    const replies: Reply[] = [text(spec.form.intro), text(this.messages.formControls)];
    return { state, replies: [...replies, ...(await this.advance(spec, state))] };
  }

  /** Repeats where a resumed conversation stands. */
  async current(spec: FormSpec, state: FormState): Promise<Reply[]> {
    if (state.phase === 'summary') return [this.summary(spec, state)];
    const question = this.question(spec.form, state.current);
    return question ? [await this.ask(spec, state, question)] : this.advance(spec, state);
  }

  async handle(spec: FormSpec, previous: FormState, input: string): Promise<EngineResult> {
    const state: FormState = structuredClone(previous);
    const said = input.trim();
    if (controls.cancel.test(said)) return { status: 'cancelled', replies: [text(this.messages.cancelled)] };
    if (state.phase === 'summary') return this.handleSummary(spec, state, said);

    const question = this.question(spec.form, state.current);
    if (!question) return { status: 'continue', state, replies: await this.advance(spec, state) };
    if (controls.help.test(said)) {
      const help = [question.help, this.messages.formControls].filter(Boolean).join('\n');
      return { status: 'continue', state, replies: [text(help), await this.ask(spec, state, question)] };
    }
    if (controls.back.test(said)) return this.back(spec, state);
    if (controls.skipRest.test(said)) return this.skipRest(spec, state, question);
    if (controls.skip.test(said)) {
      if (!question.optional && !question.dontKnow) {
        return {
          status: 'continue',
          state,
          replies: [text(this.messages.cannotSkip, 'warning'), await this.ask(spec, state, question)],
        };
      }
      setPath(state.answers, question.field, undefined);
      if (!state.skipped.includes(question.field)) state.skipped.push(question.field);
      state.history.push(question.field);
      return { status: 'continue', state, replies: await this.afterAnswer(spec, state) };
    }

    let typed = said;
    if (question.entities && controls.keep.test(said)) {
      const found = suggestEntities(question.entities, question.field, state.answers);
      if (found.length === 0) {
        return {
          status: 'continue',
          state,
          replies: [
            text(this.messages.entities.nothingToUse, 'warning'),
            await this.ask(spec, state, question),
          ],
        };
      }
      typed = found.join('; ');
    }
    const checked = await this.check(spec, question, typed);
    if (!checked.ok) {
      return {
        status: 'continue',
        state,
        replies: [
          text(fill(this.messages.askAgain, { reason: checked.reason }), 'warning'),
          await this.ask(spec, state, question),
        ],
      };
    }
    const clash = this.clash(spec, state.answers, question.field, checked.value);
    if (clash) {
      return {
        status: 'continue',
        state,
        replies: [
          text(fill(this.messages.askAgain, { reason: clash }), 'warning'),
          await this.ask(spec, state, question),
        ],
      };
    }
    setPath(state.answers, question.field, checked.value);
    // Changing an answer from the summary asks what it opens up, even if "skip all" passed it by.
    const opened = state.returnToSummary
      ? questionsOf(spec.form)
          .filter((q) => conditionFields(q.when).includes(question.field))
          .map((q) => q.field)
      : [];
    state.skipped = state.skipped.filter((field) => field !== question.field && !opened.includes(field));
    state.history.push(question.field);
    const replies: Reply[] = [];
    if (question.notice && question.notice.when === checked.value)
      replies.push(text(question.notice.text, 'danger'));
    return { status: 'continue', state, replies: [...replies, ...(await this.afterAnswer(spec, state))] };
  }

  /** Checks a whole set of answers at once: a Slack modal or a Teams card submission. */
  async validateAll(spec: FormSpec, raw: RawAnswers): Promise<Validation> {
    const values: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    const asks = asker(spec.form);
    for (const question of questionsOf(spec.form)) {
      if (!asks(question, values)) continue;
      const given = raw[question.field];
      const input = Array.isArray(given) ? given.join(',') : (given ?? '').trim();
      if (input === '' || (Array.isArray(given) && given.length === 0 && question.type !== 'multichoice')) {
        if (question.type === 'multichoice' && Array.isArray(given)) setPath(values, question.field, []);
        else if (!question.optional && !question.dontKnow)
          errors[question.field] = 'Please answer this question.';
        continue;
      }
      const checked = await this.check(spec, question, input);
      if (checked.ok) setPath(values, question.field, checked.value);
      else errors[question.field] = checked.reason;
    }
    if (Object.keys(errors).length === 0) {
      const whole = spec.schema.safeParse(values);
      if (!whole.success) {
        for (const issue of whole.error.issues) errors[issue.path.join('.')] ??= plainReason(issue);
      }
    }
    return Object.keys(errors).length
      ? { ok: false, values, errors }
      : { ok: true, values: pruneAnswers(spec.form, values) };
  }

  /** Leaves out this and every later optional question; required ones are still asked. */
  private async skipRest(spec: FormSpec, state: FormState, from: Question): Promise<EngineResult> {
    const questions = questionsOf(spec.form);
    for (const question of questions.slice(questions.indexOf(from))) {
      if (question.optional && getPath(state.answers, question.field) === undefined) {
        if (!state.skipped.includes(question.field)) state.skipped.push(question.field);
      }
    }
    if (from.optional) state.history.push(from.field);
    return { status: 'continue', state, replies: await this.afterAnswer(spec, state) };
  }

  /** A cross-field rule broken by this answer, given what has been said so far. */
  private clash(
    spec: FormSpec,
    answers: Record<string, unknown>,
    field: string,
    value: unknown,
  ): string | undefined {
    if (!spec.crossCheck) return undefined;
    const trial = structuredClone(answers);
    setPath(trial, field, value);
    return spec.crossCheck(pruneAnswers(spec.form, trial)).find((issue) => issue.path === field)?.message;
  }

  private question(form: Form, field: string | undefined): Question | undefined {
    return field ? questionsOf(form).find((question) => question.field === field) : undefined;
  }

  private async check(
    spec: FormSpec,
    question: Question,
    input: string,
  ): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
    const options = await this.options(spec, question);
    let parsed = parseAnswer(question.type, input, options, this.now());
    if (!parsed.ok) return parsed;
    // A bare "yes" keeps what was offered (see handle); with nothing offered, as in a modal, it says nothing.
    if (question.entities && controls.keep.test(input))
      return { ok: false, reason: this.messages.entities.nothingToUse };
    if (question.entities) parsed = parseEntityAnswer(question.entities, input);
    if (!parsed.ok) return parsed;
    const fieldSchema = schemaAt(spec.schema, question.field);
    if (!fieldSchema) throw new Error(`${spec.form.id}: no field ${question.field} in the record`);
    const result = fieldSchema.safeParse(parsed.value);
    if (!result.success) return { ok: false, reason: plainReason(result.error.issues[0]!) };
    return { ok: true, value: result.data };
  }

  private async options(spec: FormSpec, question: Question): Promise<Option[]> {
    if (question.type === 'episode') return (await spec.hooks?.options?.(question.field)) ?? [];
    return question.options ?? [];
  }

  private async afterAnswer(spec: FormSpec, state: FormState): Promise<Reply[]> {
    if (state.returnToSummary) {
      const pending = this.nextUnanswered(spec.form, state);
      if (!pending) return this.toSummary(spec, state);
    }
    return this.advance(spec, state);
  }

  private nextUnanswered(form: Form, state: FormState): Question | undefined {
    return visibleQuestions(form, state.answers).find(
      (question) =>
        getPath(state.answers, question.field) === undefined && !state.skipped.includes(question.field),
    );
  }

  private async advance(spec: FormSpec, state: FormState): Promise<Reply[]> {
    const next = this.nextUnanswered(spec.form, state);
    if (!next) return this.toSummary(spec, state);
    state.phase = 'asking';
    state.current = next.field;
    return [await this.ask(spec, state, next)];
  }

  private toSummary(spec: FormSpec, state: FormState): Reply[] {
    state.answers = pruneAnswers(spec.form, state.answers);
    state.phase = 'summary';
    state.current = undefined;
    state.returnToSummary = false;
    return [this.summary(spec, state)];
  }

  private async back(spec: FormSpec, state: FormState): Promise<EngineResult> {
    const previous = state.history.pop();
    if (!previous) {
      const question = this.question(spec.form, state.current)!;
      return {
        status: 'continue',
        state,
        replies: [text(this.messages.nothingToGoBackTo), await this.ask(spec, state, question)],
      };
    }
    setPath(state.answers, previous, undefined);
    state.skipped = state.skipped.filter((field) => field !== previous);
    state.current = previous;
    return {
      status: 'continue',
      state,
      replies: [await this.ask(spec, state, this.question(spec.form, previous)!)],
    };
  }

  private async handleSummary(spec: FormSpec, state: FormState, said: string): Promise<EngineResult> {
    const change = controls.change.exec(said) ?? /^(\d+)$/.exec(said);
    if (change) {
      const fields = this.summary(spec, state).fields;
      const chosen = fields[Number(change[1]) - 1];
      if (!chosen)
        return { status: 'continue', state, replies: [text(this.messages.summaryUnclear, 'warning')] };
      return this.reopen(spec, state, chosen.field);
    }
    if (!controls.send.test(said)) {
      return { status: 'continue', state, replies: [text(this.messages.summaryUnclear, 'warning')] };
    }
    const values = pruneAnswers(spec.form, state.answers);
    const whole = spec.schema.safeParse(values);
    if (!whole.success) {
      const issue = whole.error.issues[0]!;
      const field = issue.path.join('.');
      const reopened = this.question(spec.form, field) ? await this.reopen(spec, state, field) : undefined;
      const warning = text(fill(this.messages.summaryCheck, { reason: plainReason(issue) }), 'warning');
      if (reopened?.status === 'continue') return { ...reopened, replies: [warning, ...reopened.replies] };
      return { status: 'continue', state, replies: [warning, this.summary(spec, state)] };
    }
    return { status: 'complete', state, values: whole.data as Record<string, unknown>, replies: [] };
  }

  private async reopen(spec: FormSpec, state: FormState, field: string): Promise<EngineResult> {
    state.phase = 'asking';
    state.current = field;
    state.returnToSummary = true;
    return {
      status: 'continue',
      state,
      replies: [await this.ask(spec, state, this.question(spec.form, field)!)],
    };
  }

  private async ask(spec: FormSpec, state: FormState, question: Question): Promise<QuestionReply> {
    const visible = visibleQuestions(spec.form, state.answers);
    const index = visible.findIndex((q) => q.field === question.field);
    const vars = spec.hooks?.vars?.(state.answers) ?? {};
    const found = question.entities ? suggestEntities(question.entities, question.field, state.answers) : [];
    const offered = found.length
      ? fill(this.messages.entities.suggested, { found: found.join('; ') })
      : undefined;
    return {
      kind: 'question',
      formId: spec.form.id,
      field: question.field,
      text: fill(question.ask, vars),
      help: [question.help, offered].filter(Boolean).join('\n') || undefined,
      example: question.example,
      input: question.type,
      options: await this.options(spec, question),
      optional: question.optional,
      ...(question.dontKnow && { dontKnow: true }),
      progress: { step: index + 1, of: visible.length },
    };
  }

  /** The summary of a whole set of answers at once (a Slack modal's or a Teams card's). */
  summaryOfAnswers(spec: FormSpec, values: Record<string, unknown>): SummaryReply {
    const answers = pruneAnswers(spec.form, values);
    const state: FormState = {
      formId: spec.form.id,
      phase: 'summary',
      answers,
      skipped: [],
      history: [],
      returnToSummary: false,
    };
    return this.summary(spec, state);
  }

  summary(spec: FormSpec, state: FormState): SummaryReply {
    const fields = visibleQuestions(spec.form, state.answers).map((question) => ({
      field: question.field,
      label: question.label,
      value:
        question.dontKnow && getPath(state.answers, question.field) === undefined
          ? this.messages.unknownAnswer
          : this.display(question, getPath(state.answers, question.field)),
    }));
    return {
      kind: 'summary',
      formId: spec.form.id,
      title: spec.form.title,
      fields,
      notes: spec.hooks?.notes?.(state.answers) ?? [],
      prompt: this.messages.summaryPrompt,
    };
  }

  /** An answer as a person reads it: option labels, Yes/No, UK dates. */
  display(question: Question, value: unknown): string {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
      return this.messages.noValue;
    }
    const label = (v: unknown) => question.options?.find((o) => o.value === v)?.label ?? String(v);
    if (question.entities) return formatEntityAnswer(question.entities, value);
    switch (question.type) {
      case 'yesno':
        return value ? this.messages.yes : this.messages.no;
      case 'choice':
        return label(value);
      case 'multichoice':
        return (value as unknown[]).map(label).join('; ');
      case 'datetime':
        return formatLondon(new Date(String(value)));
      case 'date':
        return formatDay(String(value));
      default:
        return String(value);
    }
  }
}
