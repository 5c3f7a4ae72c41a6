import type { InputType, Option } from './form-definition';

/**
 * The neutral reply model: what the bot says, independent of any platform. Slack renders it
 * as Block Kit, Teams as Adaptive Cards, the terminal as text. Keep it to what forms, answers
 * and alerts use.
 */
export type Reply = TextReply | QuestionReply | SummaryReply | ListReply;

export interface TextReply {
  kind: 'text';
  text: string;
  tone?: 'info' | 'success' | 'warning' | 'danger';
}

export interface QuestionReply {
  kind: 'question';
  formId: string;
  field: string;
  text: string;
  help?: string;
  example?: string;
  input: InputType;
  options: Option[];
  optional: boolean;
  /** Required, but "don't know" is an answer (kept as unknown). */
  dontKnow?: boolean;
  /** 1-based position among the questions asked so far and the total this form may ask. */
  progress: { step: number; of: number };
}

export interface LabelledValue {
  label: string;
  value: string;
}

export interface SummaryReply {
  kind: 'summary';
  formId: string;
  title: string;
  /** Numbered in order, so "change 3" edits the third. */
  fields: (LabelledValue & { field: string })[];
  /** Extra lines that are worked out, not asked (e.g. a risk check's suggested level). */
  notes: LabelledValue[];
  prompt: string;
}

export interface ListItem {
  /** Safe for any channel: a reference and initials. */
  title: string;
  fields: LabelledValue[];
}

export interface ListReply {
  kind: 'list';
  title: string;
  items: ListItem[];
  empty: string;
}

export const text = (value: string, tone?: TextReply['tone']): TextReply => ({
  kind: 'text',
  text: value,
  tone,
});
