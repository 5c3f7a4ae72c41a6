import type { types, ViewStateValue } from '@slack/bolt';
import { conditionFields, type Option, type Question } from '../../src/conversation/form-definition';
import type { FormSpec, RawAnswers } from '../../src/conversation/form-engine';
import { visibleQuestions } from '../../src/conversation/form-engine';
import type { Messages } from '../../src/conversation/prompts';
import type { SummaryReply } from '../../src/conversation/reply';
import { getPath } from '../../src/conversation/schema-path';
import { LONGTEXT_MAX_CHARS, TEXT_MAX_CHARS } from '../../src/domain/records';
import { type Block, fieldSections, fitBlocks, mrkdwn, plain, section, summaryBlocks } from './blocks';

/** Slack's modal limits (docs.slack.dev/surfaces/modals, …/block-kit/block-elements). */
export const modalLimits = {
  title: 24,
  button: 24,
  blocks: 100,
  privateMetadata: 3000,
  id: 255,
  optionText: 75,
  optionValue: 150,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  selectOptions: 100,
  checkboxOptions: 10,
  radioOptions: 10,
};

/** Every answer's element has this action id; its block id is the question's field. */
export const ANSWER_ACTION = 'metbot_answer';

/** The Back button of a step after the first, and of the summary. */
export const BACK_ACTION = 'metbot_back';

/**
 * Which view a modal shows: a form step or the summary. A form is one view, updated in place:
 * Slack keeps at most three views in a modal's stack (views.push docs), so a form of more steps
 * than that cannot rely on Slack's own Back, which would skip the steps it had to replace.
 */
export type Place = { kind: 'step'; step: number } | { kind: 'summary' };

export const callbackId = (place: Place) =>
  place.kind === 'step' ? `metbot:step:${place.step}` : 'metbot:summary';

export function parseCallbackId(id: string): Place | undefined {
  // A trailing `:<depth>` is from views opened before forms became one view.
  const step = /^metbot:step:(\d+)(?::\d+)?$/.exec(id);
  if (step) return { kind: 'step', step: Number(step[1]) };
  return /^metbot:summary(?::\d+)?$/.test(id) ? { kind: 'summary' } : undefined;
}

export interface StepInput {
  spec: FormSpec;
  messages: Messages;
  step: number;
  draftId: string;
  /** What has been typed or picked so far, as Slack gave it. */
  raw: RawAnswers;
  /** The same, parsed by the engine: decides which questions show. */
  values: Record<string, unknown>;
  /** Options of `episode` questions, found for this user. */
  episodes: Option[];
  /** Reasons to show above a question, when a later check sent the user back to it. */
  problems?: Record<string, string>;
}

/** The fields whose answers decide whether another question is asked. */
function controllingFields(spec: FormSpec): Set<string> {
  const fields = new Set<string>();
  for (const step of spec.form.steps) {
    for (const question of step.questions)
      for (const field of conditionFields(question.when)) fields.add(field);
  }
  return fields;
}

/** The questions of one step that apply, given the answers so far. */
export function stepQuestions(spec: FormSpec, step: number, values: Record<string, unknown>): Question[] {
  const inStep = new Set(spec.form.steps[step]?.questions.map((q) => q.field));
  return visibleQuestions(spec.form, values).filter((q) => inStep.has(q.field));
}

/** The steps shown, in order: a step none of whose questions apply is passed by. */
export function shownSteps(spec: FormSpec, values: Record<string, unknown>): number[] {
  return spec.form.steps
    .map((_, step) => step)
    .filter((step) => stepQuestions(spec, step, values).length > 0);
}

/** The step Back shows: the last one shown before this step, or before the summary. */
export function previousStep(
  spec: FormSpec,
  place: Place,
  values: Record<string, unknown>,
): number | undefined {
  const before = place.kind === 'step' ? place.step : spec.form.steps.length;
  return shownSteps(spec, values)
    .filter((step) => step < before)
    .at(-1);
}

/** The step Next shows, or undefined when the summary comes next. */
export function nextStep(spec: FormSpec, step: number, values: Record<string, unknown>): number | undefined {
  return shownSteps(spec, values).find((shown) => shown > step);
}

const option = (o: Option): types.PlainTextOption => ({
  text: plain(o.label, modalLimits.optionText),
  value: o.value.slice(0, modalLimits.optionValue),
});

function optionsOf(question: Question, input: StepInput): Option[] {
  if (question.type === 'episode') return input.episodes.slice(0, modalLimits.selectOptions);
  if (question.type === 'yesno') {
    return [
      { value: 'yes', label: input.messages.yes },
      { value: 'no', label: input.messages.no },
    ];
  }
  return (question.options ?? []).slice(0, modalLimits.selectOptions);
}

function element(question: Question, input: StepInput): types.InputBlockElement {
  const given = input.raw[question.field];
  const one = typeof given === 'string' ? given : undefined;
  const many = Array.isArray(given) ? given : one ? [one] : [];
  const placeholder = question.example ? plain(question.example, modalLimits.placeholder) : undefined;
  const action_id = ANSWER_ACTION;
  const options = optionsOf(question, input).map(option);
  const initial = options.find((o) => o.value === one);
  switch (question.type) {
    case 'text':
    case 'longtext':
    case 'number': {
      const max =
        question.type === 'longtext' ? LONGTEXT_MAX_CHARS : question.type === 'text' ? TEXT_MAX_CHARS : 3;
      return {
        type: 'plain_text_input',
        action_id,
        multiline: question.type === 'longtext',
        max_length: max,
        ...(placeholder && { placeholder }),
        ...(one && { initial_value: one.slice(0, max) }),
      };
    }
    case 'yesno':
      return { type: 'radio_buttons', action_id, options, ...(initial && { initial_option: initial }) };
    case 'choice':
    case 'episode':
      if (question.type === 'choice' && options.length <= 5) {
        return { type: 'radio_buttons', action_id, options, ...(initial && { initial_option: initial }) };
      }
      return {
        type: 'static_select',
        action_id,
        options,
        ...(placeholder && { placeholder }),
        ...(initial && { initial_option: initial }),
      };
    case 'multichoice': {
      const chosen = options.filter((o) => many.includes(o.value ?? ''));
      const initial_options = chosen.length ? { initial_options: chosen } : {};
      if (options.length <= modalLimits.checkboxOptions) {
        return { type: 'checkboxes', action_id, options, ...initial_options };
      }
      return { type: 'multi_static_select', action_id, options, ...initial_options };
    }
    case 'date':
      return {
        type: 'datepicker',
        action_id,
        ...(one && /^\d{4}-\d{2}-\d{2}$/.test(one) && { initial_date: one }),
      };
    case 'datetime': {
      const at = one ? Date.parse(one) : Number.NaN;
      return {
        type: 'datetimepicker',
        action_id,
        ...(Number.isFinite(at) && { initial_date_time: Math.floor(at / 1000) }),
      };
    }
  }
}

function inputBlock(question: Question, input: StepInput, dispatch: boolean): types.InputBlock {
  return {
    type: 'input',
    block_id: question.field,
    label: plain(question.label, modalLimits.label),
    ...(question.help && { hint: plain(question.help, modalLimits.hint) }),
    // "None of these" is an answer to a multichoice question, so Slack must accept no ticks.
    optional: question.optional || question.dontKnow === true || question.type === 'multichoice',
    dispatch_action: dispatch,
    element: element(question, input),
  };
}

const backButton: types.ActionsBlock = {
  type: 'actions',
  block_id: 'metbot_nav',
  elements: [{ type: 'button', action_id: BACK_ACTION, text: plain('Back', modalLimits.button) }],
};

function modal(
  place: Place,
  title: string,
  draftId: string,
  blocks: Block[],
  options: { submit?: string; back?: boolean } = {},
): types.ModalView {
  const { submit, back } = options;
  // Back is a button of ours: Slack's close button closes the whole form (see Place).
  const fitted = back
    ? [...fitBlocks(blocks, modalLimits.blocks - 1), backButton]
    : fitBlocks(blocks, modalLimits.blocks);
  return {
    type: 'modal',
    callback_id: callbackId(place),
    private_metadata: draftId,
    title: plain(title, modalLimits.title),
    ...(submit && { submit: plain(submit, modalLimits.button) }),
    close: plain('Cancel', modalLimits.button),
    blocks: fitted,
  };
}

const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [mrkdwn(text)] });

/** One step of a form as a modal view. */
export function stepView(input: StepInput): types.ModalView {
  const { spec, step } = input;
  const form = spec.form;
  const controls = controllingFields(spec);
  const place: Place = { kind: 'step', step };
  const last = nextStep(spec, step, input.values) === undefined;
  const title = form.steps[step]?.title ?? '';
  const shown = shownSteps(spec, input.values);
  const position = Math.max(shown.indexOf(step), 0);
  const blocks: Block[] = [context(`Step ${position + 1} of ${Math.max(shown.length, 1)}: ${title}`)];
  const first = previousStep(spec, place, input.values) === undefined;
  if (first) blocks.push(section(form.intro));
  if (last && spec.hooks?.notes) blocks.push(...fieldSections(spec.hooks.notes(input.values)));
  const questions = stepQuestions(spec, step, input.values);
  const asked = new Set(questions.map((q) => q.field));
  for (const [field, problem] of Object.entries(input.problems ?? {})) {
    if (!asked.has(field)) blocks.push(section(`:warning: ${problem}`));
  }
  for (const question of questions) {
    const problem = input.problems?.[question.field];
    if (problem) blocks.push(section(`:warning: ${problem}`));
    blocks.push(inputBlock(question, input, controls.has(question.field) || question.notice !== undefined));
    const notice = question.notice;
    if (notice && getPath(input.values, question.field) === notice.when) {
      blocks.push(section(`:rotating_light: ${notice.text}`));
    }
  }
  return modal(place, form.title, input.draftId, blocks, {
    submit: last ? 'Check answers' : 'Next',
    back: !first,
  });
}

/** The answers to confirm: the last view, whose submit saves the form. */
export function summaryView(summary: SummaryReply, draftId: string, warning?: string): types.ModalView {
  const blocks: Block[] = [];
  if (warning) blocks.push(section(`:warning: ${warning}`));
  blocks.push(context('Please check your answers, then press *Send*.'), ...summaryBlocks(summary));
  return modal({ kind: 'summary' }, summary.title, draftId, blocks, { submit: 'Send', back: true });
}

/** A modal that only says something (an expired draft, a refusal). */
export function noticeView(title: string, lines: string[]): types.ModalView {
  return modal({ kind: 'summary' }, title, '', lines.map(section));
}

/** What the user entered in a step, as the engine reads raw answers. */
export function readStep(
  values: Record<string, Record<string, ViewStateValue | undefined> | undefined>,
  questions: Question[],
): RawAnswers {
  const raw: RawAnswers = {};
  for (const question of questions) {
    const state = values[question.field]?.[ANSWER_ACTION];
    if (!state) continue;
    raw[question.field] = stateValue(state);
  }
  return raw;
}

function stateValue(state: ViewStateValue): string | string[] | undefined {
  if (state.selected_options) return state.selected_options.map((o) => o.value);
  if (state.selected_option !== undefined) return state.selected_option?.value ?? undefined;
  if (state.selected_date !== undefined) return state.selected_date ?? undefined;
  if (state.selected_date_time !== undefined) {
    const seconds = state.selected_date_time;
    return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined;
  }
  return state.value ?? undefined;
}

/** The input blocks a view shows, by block id: to tell whether the questions shown still apply. */
export function shownFields(blocks: { type: string; block_id?: string }[]): string[] {
  return blocks.filter((block) => block.type === 'input' && block.block_id).map((b) => b.block_id!);
}
