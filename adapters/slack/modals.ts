import type { types, ViewStateValue } from '@slack/bolt';
import type {
  FieldChoice,
  FieldRef,
  FieldView,
  FormStepView,
  RawAnswers,
} from '../../src/conversation/form-view';
import type { SummaryReply } from '../../src/conversation/reply';
import { type Block, fieldSections, fitBlocks, mrkdwn, plain, section, summaryBlocks } from './blocks';
import { words } from './words';

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
  /** The step as the core shows it: the questions that apply, their options, which are required. */
  view: FormStepView;
  draftId: string;
  /** What has been typed or picked so far, as Slack gave it. */
  raw: RawAnswers;
  /** Reasons to show above a question, when a later check sent the user back to it. */
  problems?: Record<string, string>;
}

const option = (o: FieldChoice): types.PlainTextOption => ({
  text: plain(o.label, modalLimits.optionText),
  value: o.value.slice(0, modalLimits.optionValue),
});

function element(field: FieldView, raw: RawAnswers): types.InputBlockElement {
  const given = raw[field.field];
  const one = typeof given === 'string' ? given : undefined;
  const many = Array.isArray(given) ? given : one ? [one] : [];
  const placeholder = field.example ? plain(field.example, modalLimits.placeholder) : undefined;
  const action_id = ANSWER_ACTION;
  const options = field.options.slice(0, modalLimits.selectOptions).map(option);
  const initial = options.find((o) => o.value === one);
  switch (field.input) {
    case 'text':
    case 'longtext':
    case 'number': {
      // Only a number has no most length in the view: an age or a count is at most three digits.
      const max = field.maxLength ?? 3;
      return {
        type: 'plain_text_input',
        action_id,
        multiline: field.input === 'longtext',
        max_length: max,
        ...(placeholder && { placeholder }),
        ...(one && { initial_value: one.slice(0, max) }),
      };
    }
    case 'yesno':
      return { type: 'radio_buttons', action_id, options, ...(initial && { initial_option: initial }) };
    case 'choice':
    case 'episode':
      if (field.input === 'choice' && options.length <= 5) {
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

function inputBlock(field: FieldView, raw: RawAnswers): types.InputBlock {
  // Every answer Slack takes here is picked or typed in its own element: a typing hint does not apply.
  const chooseAll = field.sayChooseAll && field.options.length > 0 ? words.chooseAll : undefined;
  const hint = [field.hint, chooseAll].filter(Boolean).join(' ');
  return {
    type: 'input',
    block_id: field.field,
    label: plain(field.label, modalLimits.label),
    ...(hint && { hint: plain(hint, modalLimits.hint) }),
    optional: !field.required,
    // Redraw at once when the answer decides other questions or calls for a notice.
    dispatch_action: field.controlsOthers || field.hasNotice,
    element: element(field, raw),
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
export function stepView({ view, draftId, raw, problems = {} }: StepInput): types.ModalView {
  const place: Place = { kind: 'step', step: view.step };
  const blocks: Block[] = [context(`Step ${view.position} of ${view.of}: ${view.stepTitle}`)];
  if (view.intro) blocks.push(section(view.intro));
  if (view.last) blocks.push(...fieldSections(view.notes));
  const asked = new Set(view.fields.map((field) => field.field));
  for (const [field, problem] of Object.entries(problems)) {
    if (!asked.has(field)) blocks.push(section(`:warning: ${problem}`));
  }
  for (const field of view.fields) {
    const problem = problems[field.field];
    if (problem) blocks.push(section(`:warning: ${problem}`));
    blocks.push(inputBlock(field, raw));
    if (field.notice) blocks.push(section(`:rotating_light: ${field.notice}`));
  }
  return modal(place, view.formTitle, draftId, blocks, {
    submit: view.last ? 'Check answers' : 'Next',
    back: !view.first,
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
  fields: FieldRef[],
): RawAnswers {
  const raw: RawAnswers = {};
  for (const { field } of fields) {
    const state = values[field]?.[ANSWER_ACTION];
    if (!state) continue;
    raw[field] = stateValue(state);
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
