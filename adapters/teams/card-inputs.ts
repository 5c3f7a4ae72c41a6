import type { FieldRef, FormSpec, RawAnswers, Validation } from '../../src/conversation/form-view';
import { fieldsOfForm } from '../../src/conversation/form-view';
import type { Core } from '../../src/core';

/** What the inputs of a card hold, by input id: kept server-side between steps. */
export type CardInputs = Record<string, string>;

/** A datetime is asked as a date and a time side by side; everything else is one input. */
export function inputIds({ field, input }: FieldRef): string[] {
  return input === 'datetime' ? [`${field}#date`, `${field}#time`] : [field];
}

/** The inputs' values from a submission, as strings; an input left empty is ''. */
export function readInputs(fields: FieldRef[], value: Record<string, unknown>): CardInputs {
  const inputs: CardInputs = {};
  for (const id of fields.flatMap(inputIds)) {
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
export function rawAnswers(fields: FieldRef[], inputs: CardInputs): RawAnswers {
  const raw: RawAnswers = {};
  for (const { field, input } of fields) {
    if (input === 'datetime') {
      const date = inputs[`${field}#date`];
      const time = inputs[`${field}#time`];
      if (date === undefined && time === undefined) continue;
      raw[field] = `${date ?? ''} ${time ?? ''}`.trim();
    } else if (input === 'multichoice') {
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

/** Every answer so far through the engine: the values it accepts and the reasons it refuses. */
export function assess(engine: Core['engine'], spec: FormSpec, inputs: CardInputs): Promise<Validation> {
  return engine.validateAll(spec, rawAnswers(fieldsOfForm(spec), inputs));
}
