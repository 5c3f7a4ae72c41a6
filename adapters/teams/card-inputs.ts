import type { Question } from '../../src/conversation/form-definition';
import type { RawAnswers } from '../../src/conversation/form-engine';

/** What the inputs of a card hold, by input id: kept server-side between steps. */
export type CardInputs = Record<string, string>;

/** A datetime is asked as a date and a time side by side; everything else is one input. */
export function inputIds(question: Question): string[] {
  return question.type === 'datetime'
    ? [`${question.field}#date`, `${question.field}#time`]
    : [question.field];
}

/** The inputs' values from a submission, as strings; an input left empty is ''. */
export function readInputs(questions: Question[], value: Record<string, unknown>): CardInputs {
  const inputs: CardInputs = {};
  for (const id of questions.flatMap(inputIds)) {
    const given = value[id];
    inputs[id] =
      typeof given === 'string' ? given : given === undefined || given === null ? '' : String(given);
  }
  return inputs;
}

/**
 * Inputs as the engine reads answers: a date and a time become `YYYY-MM-DD HH:MM` (UK local
 * time, which the engine parses), a multi-select's comma list becomes a list.
 */
export function rawAnswers(questions: Question[], inputs: CardInputs): RawAnswers {
  const raw: RawAnswers = {};
  for (const question of questions) {
    const { field, type } = question;
    if (type === 'datetime') {
      const date = inputs[`${field}#date`];
      const time = inputs[`${field}#time`];
      if (date === undefined && time === undefined) continue;
      raw[field] = `${date ?? ''} ${time ?? ''}`.trim();
    } else if (type === 'multichoice') {
      const picked = inputs[field];
      if (picked === undefined) continue;
      raw[field] = picked
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
    } else if (inputs[field] !== undefined) {
      raw[field] = inputs[field];
    }
  }
  return raw;
}
