import { LONGTEXT_MAX_CHARS, TEXT_MAX_CHARS } from '../domain/records';
import { conditionFields, type InputType, type Question, questionsOf } from './form-definition';
import { type FormSpec, pruneAnswers, visibleQuestions } from './form-engine';
import { fill } from './prompts';
import type { LabelledValue } from './reply';
import { getPath } from './schema-path';

/**
 * A form step as every surface shows it: the questions that apply, worked out here once from the
 * form's definition and the answers so far. A Slack modal and a Teams card render this view and
 * never read the form's definition themselves.
 */
export type { FormSpec, RawAnswers, Validation } from './form-engine';

export type FieldInput = InputType;

export interface FieldChoice {
  value: string;
  label: string;
}

/** The words for Yes and No, from the prompts. */
export interface YesNoWords {
  yes: string;
  no: string;
}

/** One input of a form, as a surface shows it. */
export interface FieldView {
  /** The record's field (a dotted path): also the input's id. */
  field: string;
  /** The short label above the input. */
  label: string;
  /** The question as the chat asks it, with worked-out values filled in. */
  ask: string;
  /** The ask carries a worked-out value (a risk check's suggested level): show it above the input. */
  askShowsValue: boolean;
  /** Help to show under the input, whatever the input. */
  hint?: string;
  /**
   * Help that says how to type the answer ("For example: today 14:30…", "or type the reference"):
   * shown only where the answer is typed, never under a date, time or list picker.
   */
  typingHint?: string;
  /** A placeholder: an example answer. */
  example?: string;
  input: FieldInput;
  /** What to choose from: a choice, several, yes/no, or an episode found for this user. */
  options: FieldChoice[];
  /** The surface should refuse to go on without an answer (the engine checks again either way). */
  required: boolean;
  /** Several options may be chosen; choosing none is an answer ("none of these"). */
  multiple: boolean;
  /** Several may be chosen and the question's own words do not say so: a surface says "Choose all that apply". */
  sayChooseAll: boolean;
  /** "Don't know" is an answer: left empty, it is kept as unknown. */
  dontKnow: boolean;
  /** The most characters a typed answer may have. */
  maxLength?: number;
  /** Its answer decides whether another question is asked: a surface that can should redraw when it changes. */
  controlsOthers: boolean;
  /** Some answers to it are said at once (e.g. "call 999 now"): a surface that can should redraw when it changes. */
  hasNotice: boolean;
  /** What to say at once for the answer given so far. */
  notice?: string;
  /** It is asked only for some answers to a question on the same step. */
  dependsOnSameStep: boolean;
}

/** One step of a form, as a surface shows it. */
export interface FormStepView {
  formId: string;
  /** The form's title (Slack limits a modal title to 24 characters; the form's schema does too). */
  formTitle: string;
  /** The step's index in the form. */
  step: number;
  stepTitle: string;
  /** 1-based among the steps shown, and how many are shown. */
  position: number;
  of: number;
  /** No step is shown before this one: the form's intro goes here. */
  first: boolean;
  /** No step is shown after this one: the summary comes next. */
  last: boolean;
  intro?: string;
  /** Worked-out lines (a suggested level), on the last step only. */
  notes: LabelledValue[];
  fields: FieldView[];
}

/** What a surface says about a form as a whole. */
export interface FormOutline {
  id: string;
  title: string;
  intro: string;
  /** Said once the form is saved, filled in with the submission's values. */
  done: string;
  /** How many steps the form has. */
  steps: number;
}

/** A field and its input type: enough to read a surface's inputs back into answers. */
export type FieldRef = Pick<FieldView, 'field' | 'input'>;

/**
 * How a surface lays out a step. `live`: it redraws as answers change (a Slack modal), so it shows
 * only the questions that apply. `fixed`: it cannot show or hide an input as another changes (an
 * Adaptive Card), so a question that depends on an answer on the same step is always shown and
 * never required: the engine requires it when it finds it applies.
 */
export type StepLayout = 'live' | 'fixed';

const MAX_CHARS: Partial<Record<FieldInput, number>> = { text: TEXT_MAX_CHARS, longtext: LONGTEXT_MAX_CHARS };

/** A picker (date, time, a list) answers these: the chat's help for them says how to type one. */
const pickedInputs: ReadonlySet<FieldInput> = new Set(['date', 'datetime', 'episode']);

export function formOutline(spec: FormSpec): FormOutline {
  const { id, title, intro, done, steps } = spec.form;
  return { id, title, intro, done, steps: steps.length };
}

/** The questions of one step that apply given the answers so far, in order. */
function questionsThatApply(spec: FormSpec, step: number, values: Record<string, unknown>): Question[] {
  const inStep = new Set(spec.form.steps[step]?.questions.map((question) => question.field));
  return visibleQuestions(spec.form, values).filter((question) => inStep.has(question.field));
}

/** The steps shown, in order: a step none of whose questions apply is passed by. */
export function stepsThatApply(spec: FormSpec, values: Record<string, unknown>): number[] {
  return spec.form.steps
    .map((_, step) => step)
    .filter((step) => questionsThatApply(spec, step, values).length > 0);
}

/** The step shown after `step` (-1 for the first), or undefined when the summary comes next. */
export function stepAfter(spec: FormSpec, step: number, values: Record<string, unknown>): number | undefined {
  return stepsThatApply(spec, values).find((shown) => shown > step);
}

/** The step shown before `step` (the form's step count for the one before the summary). */
export function stepBefore(
  spec: FormSpec,
  step: number,
  values: Record<string, unknown>,
): number | undefined {
  return stepsThatApply(spec, values)
    .filter((shown) => shown < step)
    .at(-1);
}

/** Every field a step may ask, shown or not: to read back what a surface submitted for it. */
export function fieldsOfStep(spec: FormSpec, step: number): FieldRef[] {
  return (spec.form.steps[step]?.questions ?? []).map(fieldRef);
}

/** Every field of the form. */
export function fieldsOfForm(spec: FormSpec): FieldRef[] {
  return questionsOf(spec.form).map(fieldRef);
}

const fieldRef = (question: Question): FieldRef => ({ field: question.field, input: question.type });

/** The step whose question fills exactly this field, if any. */
export function stepOfField(spec: FormSpec, field: string): number | undefined {
  const index = spec.form.steps.findIndex((step) => step.questions.some((q) => q.field === field));
  return index < 0 ? undefined : index;
}

/** What the questions (of one step, or the whole form) say at once for the answers given. */
export function noticesFor(spec: FormSpec, values: Record<string, unknown>, step?: number): string[] {
  const questions = step === undefined ? questionsOf(spec.form) : (spec.form.steps[step]?.questions ?? []);
  return questions.flatMap((question) => noticeOf(question, values) ?? []);
}

/** The form's rules across fields, broken by the answers that apply. */
export function crossFieldProblems(
  spec: FormSpec,
  values: Record<string, unknown>,
): { path: string; message: string }[] {
  return spec.crossCheck?.(pruneAnswers(spec.form, values)) ?? [];
}

/** The form asks to choose from choices found at run time (missing episodes), and there are none. */
export async function nothingToChoose(spec: FormSpec): Promise<boolean> {
  const episode = questionsOf(spec.form).find((question) => question.type === 'episode');
  return episode !== undefined && ((await spec.hooks?.options?.(episode.field)) ?? []).length === 0;
}

/** Step `step` of the form as it stands given the answers so far. */
export async function buildStepView(
  spec: FormSpec,
  step: number,
  values: Record<string, unknown>,
  { words, layout }: { words: YesNoWords; layout: StepLayout },
): Promise<FormStepView> {
  const { form } = spec;
  const shown = stepsThatApply(spec, values);
  const position = Math.max(shown.indexOf(step), 0);
  const first = stepBefore(spec, step, values) === undefined;
  const last = stepAfter(spec, step, values) === undefined;
  const applies = new Set(questionsThatApply(spec, step, values).map((question) => question.field));
  const controlling = controllingFields(spec);
  let vars: Record<string, string> | undefined;
  const varsOf = () => (vars ??= spec.hooks?.vars?.(values) ?? {});
  // A question that depends on one shown on this step: not on one the step leaves out.
  const onStep = new Set<string>();
  const fields: FieldView[] = [];
  for (const question of form.steps[step]?.questions ?? []) {
    const dependsOnSameStep = conditionFields(question.when).some((field) => onStep.has(field));
    if (!applies.has(question.field) && !(layout === 'fixed' && dependsOnSameStep)) continue;
    onStep.add(question.field);
    const needed = layout === 'live' || !dependsOnSameStep;
    fields.push(
      await fieldView(spec, question, { words, values, varsOf, controlling, dependsOnSameStep, needed }),
    );
  }
  return {
    formId: form.id,
    formTitle: form.title,
    step,
    stepTitle: form.steps[step]?.title ?? '',
    position: position + 1,
    of: Math.max(shown.length, 1),
    first,
    last,
    ...(first && { intro: form.intro }),
    notes: last ? (spec.hooks?.notes?.(values) ?? []) : [],
    fields,
  };
}

/**
 * Every step with every question, for one card holding the whole form (a Teams dialog): nothing
 * is answered yet, so a question asked only for some answers is shown and not required.
 */
export async function buildWholeFormView(spec: FormSpec, words: YesNoWords): Promise<FormStepView[]> {
  const { form } = spec;
  const controlling = controllingFields(spec);
  const views: FormStepView[] = [];
  for (const [step, { title, questions }] of form.steps.entries()) {
    const fields: FieldView[] = [];
    for (const question of questions) {
      const conditional = question.when !== undefined;
      fields.push(
        await fieldView(spec, question, {
          words,
          values: {},
          controlling,
          dependsOnSameStep: conditional,
          needed: !conditional,
        }),
      );
    }
    views.push({
      formId: form.id,
      formTitle: form.title,
      step,
      stepTitle: title,
      position: step + 1,
      of: form.steps.length,
      first: step === 0,
      last: step === form.steps.length - 1,
      ...(step === 0 && { intro: form.intro }),
      notes: [],
      fields,
    });
  }
  return views;
}

/** The fields whose answers decide whether another question is asked. */
function controllingFields(spec: FormSpec): Set<string> {
  return new Set(questionsOf(spec.form).flatMap((question) => conditionFields(question.when)));
}

function noticeOf(question: Question, values: Record<string, unknown>): string | undefined {
  const { notice } = question;
  return notice && getPath(values, question.field) === notice.when ? notice.text : undefined;
}

async function choicesOf(spec: FormSpec, question: Question, words: YesNoWords): Promise<FieldChoice[]> {
  if (question.type === 'episode') return (await spec.hooks?.options?.(question.field)) ?? [];
  if (question.type === 'yesno') {
    return [
      { value: 'yes', label: words.yes },
      { value: 'no', label: words.no },
    ];
  }
  return question.options ?? [];
}

async function fieldView(
  spec: FormSpec,
  question: Question,
  how: {
    words: YesNoWords;
    values: Record<string, unknown>;
    /** Values for the ask's {placeholders}; without them the ask is not shown filled in. */
    varsOf?: () => Record<string, string>;
    controlling: Set<string>;
    dependsOnSameStep: boolean;
    /** Not a question the engine may find does not apply: it is required unless it may be left. */
    needed: boolean;
  },
): Promise<FieldView> {
  const { type } = question;
  const askShowsValue = how.varsOf !== undefined && /\{\w+\}/.test(question.ask);
  const multiple = type === 'multichoice';
  const notice = noticeOf(question, how.values);
  const maxLength = MAX_CHARS[type];
  return {
    field: question.field,
    label: question.label,
    ask: askShowsValue && how.varsOf ? fill(question.ask, how.varsOf()) : question.ask,
    askShowsValue,
    ...(question.help && (pickedInputs.has(type) ? { typingHint: question.help } : { hint: question.help })),
    ...(question.example && { example: question.example }),
    input: type,
    options: await choicesOf(spec, question, how.words),
    // A multiple choice left empty means "none of these", which is an answer.
    required: how.needed && !question.optional && !question.dontKnow && !multiple,
    multiple,
    sayChooseAll:
      multiple &&
      ![question.label, question.help, askShowsValue ? question.ask : undefined].some((words) =>
        words?.toLowerCase().includes('choose all that apply'),
      ),
    dontKnow: question.dontKnow === true,
    ...(maxLength && { maxLength }),
    controlsOthers: how.controlling.has(question.field),
    hasNotice: question.notice !== undefined,
    ...(notice && { notice }),
    dependsOnSameStep: how.dependsOnSameStep,
  };
}
