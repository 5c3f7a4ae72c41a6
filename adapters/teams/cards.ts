import type { FieldChoice, FieldView } from '../../src/conversation/form-view';
import type { ListReply, SummaryReply } from '../../src/conversation/reply';
import { TEXT_MAX_CHARS } from '../../src/domain/records';
import { type CardInputs, inputIds } from './card-inputs';
import { teamsBold } from './markdown';
import { teamsWords } from './words';

/**
 * Adaptive Cards built from the neutral model and from the core's view of a form: no botbuilder here,
 * only the card JSON. Teams renders schema 1.5 at most, so nothing newer is used.
 */
export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface CardElement {
  type: string;
  [key: string]: unknown;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: { width: 'Full' };
}

/** What an Action.Submit carries back (Teams merges it with the inputs' values). */
export interface SubmitData {
  draft?: string;
  step?: number;
  action: 'next' | 'back' | 'cancel' | 'edit' | 'send' | 'share';
}

export const card = (body: CardElement[], actions: CardElement[] = []): AdaptiveCard => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: CARD_VERSION,
  body,
  ...(actions.length ? { actions } : {}),
  msteams: { width: 'Full' },
});

export const textBlock = (text: string, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'TextBlock',
  text: teamsBold(text),
  wrap: true,
  ...extra,
});

const submit = (title: string, data: SubmitData, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'Action.Submit',
  title,
  data: { metbot: data },
  ...extra,
});

function choiceSet(field: FieldView, choices: FieldChoice[], value: string | undefined): CardElement {
  return {
    type: 'Input.ChoiceSet',
    choices: choices.map((option) => ({ title: option.label, value: option.value })),
    style: choices.length <= 5 ? 'expanded' : 'compact',
    isMultiSelect: field.multiple,
    ...(value ? { value } : {}),
  };
}

/** The input(s) for one field, its help, and the reason beside it when the answer was wrong. */
export function fieldElements(
  field: FieldView,
  inputs: CardInputs,
  error: string | undefined,
): CardElement[] {
  const common = {
    isRequired: field.required,
    errorMessage: error ?? teamsWords.answerThis,
  };
  const value = inputs[field.field];
  const withValue = value ? { value } : {};
  const labelled = { id: field.field, label: field.label, ...common };
  let typed = false;
  let elements: CardElement[];
  switch (field.input) {
    case 'text':
    case 'longtext':
      typed = true;
      elements = [
        {
          type: 'Input.Text',
          ...labelled,
          isMultiline: field.input === 'longtext',
          ...(field.maxLength && { maxLength: field.maxLength }),
          ...(field.example ? { placeholder: field.example } : {}),
          ...withValue,
        },
      ];
      break;
    case 'number': {
      typed = true;
      // Microsoft's renderer blanks an Input.Number whose value is a string.
      const number = value === undefined || value === '' ? Number.NaN : Number(value);
      elements = [
        { type: 'Input.Number', ...labelled, min: 0, ...(Number.isFinite(number) && { value: number }) },
      ];
      break;
    }
    case 'date':
      elements = [{ type: 'Input.Date', ...labelled, ...withValue }];
      break;
    case 'datetime': {
      const [dateId, timeId] = inputIds(field) as [string, string];
      const part = (type: string, id: string, label: string): CardElement => ({
        type: 'Column',
        width: 'stretch',
        items: [{ type, id, label, ...common, ...(inputs[id] ? { value: inputs[id] } : {}) }],
      });
      elements = [
        textBlock(field.label, { weight: 'Bolder', spacing: 'Medium' }),
        {
          type: 'ColumnSet',
          columns: [
            part('Input.Date', dateId, teamsWords.dateLabel),
            part('Input.Time', timeId, teamsWords.timeLabel),
          ],
        },
      ];
      break;
    }
    case 'yesno':
    case 'choice':
    case 'multichoice':
    case 'episode':
      // A choice set is never sent empty: with nothing to choose from, the answer is typed.
      typed = field.options.length === 0;
      elements = typed
        ? [{ type: 'Input.Text', ...labelled, maxLength: TEXT_MAX_CHARS, ...withValue }]
        : [{ ...choiceSet(field, field.options, value), ...labelled }];
      if (field.sayChooseAll && !typed)
        elements.push(textBlock(teamsWords.chooseAll, { isSubtle: true, size: 'Small', spacing: 'None' }));
      break;
  }
  const hint = field.hint ?? (typed ? field.typingHint : undefined);
  if (hint) elements.push(textBlock(hint, { isSubtle: true, size: 'Small', spacing: 'None' }));
  if (error) elements.push(textBlock(error, { color: 'Attention', spacing: 'None' }));
  if (field.askShowsValue) elements.unshift(textBlock(field.ask, { spacing: 'Medium' }));
  return elements;
}

export interface FormCardModel {
  title: string;
  subtitle?: string;
  intro?: string;
  notices?: string[];
  sections: { title?: string; fields: FieldView[] }[];
  inputs: CardInputs;
  errors: Record<string, string>;
  actions: CardElement[];
}

/** A card of questions: one step of a form in chat, or the whole form in a dialog. */
export function formCard(model: FormCardModel): AdaptiveCard {
  const body: CardElement[] = [textBlock(model.title, { size: 'Medium', weight: 'Bolder' })];
  if (model.subtitle) body.push(textBlock(model.subtitle, { isSubtle: true, spacing: 'None' }));
  if (model.intro) body.push(textBlock(model.intro));
  for (const notice of model.notices ?? [])
    body.push(textBlock(notice, { color: 'Attention', weight: 'Bolder' }));
  if (Object.keys(model.errors).length) body.push(textBlock(teamsWords.checkMarked, { color: 'Attention' }));
  for (const section of model.sections) {
    const items = section.fields.flatMap((field) =>
      fieldElements(field, model.inputs, model.errors[field.field]),
    );
    if (section.title) {
      body.push({
        type: 'Container',
        separator: true,
        spacing: 'Large',
        items: [textBlock(section.title, { weight: 'Bolder', size: 'Medium' }), ...items],
      });
    } else {
      body.push(...items);
    }
  }
  return card(body, model.actions);
}

export interface StepActions {
  draft: string;
  step: number;
  last: boolean;
  canGoBack: boolean;
}

/** Next (or Check answers on the last step), Back and Cancel; Back and Cancel skip validation. */
export function stepActions({ draft, step, last, canGoBack }: StepActions): CardElement[] {
  const skip = { associatedInputs: 'none' };
  return [
    submit(
      last ? teamsWords.checkAnswers : teamsWords.next,
      { draft, step, action: 'next' },
      { style: 'positive' },
    ),
    ...(canGoBack ? [submit(teamsWords.back, { draft, step, action: 'back' }, skip)] : []),
    submit(teamsWords.cancel, { draft, step, action: 'cancel' }, skip),
  ];
}

/** The answers to confirm, with Send, Change answers and Cancel. */
export function summaryCard(summary: SummaryReply, draft: string, warning?: string): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(summary.title, { size: 'Medium', weight: 'Bolder' }),
    ...(warning ? [textBlock(warning, { color: 'Attention' })] : []),
    { type: 'FactSet', facts: summary.fields.map((f) => ({ title: f.label, value: f.value })) },
  ];
  if (summary.notes.length) {
    body.push({ type: 'FactSet', facts: summary.notes.map((n) => ({ title: n.label, value: n.value })) });
  }
  return card(body, [
    submit(teamsWords.send, { draft, action: 'send' }, { style: 'positive' }),
    submit(teamsWords.change, { draft, step: 0, action: 'edit' }),
    submit(teamsWords.cancel, { draft, action: 'cancel' }),
  ]);
}

/** A list (due interviews, the MET list, what I sent): items are safe for the audience already. */
export function listCard(reply: ListReply): AdaptiveCard {
  const body: CardElement[] = [textBlock(reply.title, { size: 'Medium', weight: 'Bolder' })];
  if (reply.items.length === 0 && reply.empty) body.push(textBlock(reply.empty));
  for (const item of reply.items) {
    const facts = item.fields.filter((field) => field.label !== '•');
    const bullets = item.fields.filter((field) => field.label === '•');
    body.push({
      type: 'Container',
      separator: true,
      items: [
        textBlock(item.title, { weight: 'Bolder' }),
        ...(facts.length
          ? [{ type: 'FactSet', facts: facts.map((f) => ({ title: f.label, value: f.value })) }]
          : []),
        ...bullets.map((bullet) => textBlock(`• ${bullet.value}`, { spacing: 'None' })),
      ],
    });
  }
  return card(body);
}
