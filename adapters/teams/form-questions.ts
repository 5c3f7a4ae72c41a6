import { conditionFields, type Question, questionsOf } from '../../src/conversation/form-definition';
import {
  type FormEngine,
  type FormSpec,
  type Validation,
  visibleQuestions,
} from '../../src/conversation/form-engine';
import { fill } from '../../src/conversation/prompts';
import { getPath } from '../../src/conversation/schema-path';
import { type CardInputs, rawAnswers } from './card-inputs';
import type { ShownQuestion } from './cards';

/** Every answer so far through the engine: the values it accepts and the reasons it refuses. */
export function assess(engine: FormEngine, spec: FormSpec, inputs: CardInputs): Promise<Validation> {
  return engine.validateAll(spec, rawAnswers(questionsOf(spec.form), inputs));
}

async function show(
  spec: FormSpec,
  question: Question,
  dependsHere: boolean,
  values?: Record<string, unknown>,
): Promise<ShownQuestion> {
  const options =
    question.type === 'episode'
      ? ((await spec.hooks?.options?.(question.field)) ?? [])
      : (question.options ?? []);
  // A multi-select left empty means "none of these", which is an answer.
  const required =
    !question.optional && !question.dontKnow && question.type !== 'multichoice' && !dependsHere;
  // A card labels an input with the question's short label; a question that carries a
  // worked-out value ("The check suggests HIGH") is shown in full above it.
  const vars = values && /\{\w+\}/.test(question.ask) ? spec.hooks?.vars?.(values) : undefined;
  return { question, options, required, ...(vars ? { ask: fill(question.ask, vars) } : {}) };
}

/**
 * The questions a step's card shows given the answers so far. A card cannot show or hide an
 * input as another changes, so a question that depends on an answer in the same card is always
 * shown, and it is required only when the engine finds that it applies.
 */
export async function shownQuestions(
  spec: FormSpec,
  stepIndex: number,
  values: Record<string, unknown>,
): Promise<ShownQuestion[]> {
  const step = spec.form.steps[stepIndex];
  if (!step) return [];
  const visible = new Set(visibleQuestions(spec.form, values).map((question) => question.field));
  // A question that depends on one shown in this card: not on one the card leaves out.
  const onCard = new Set<string>();
  const shown: ShownQuestion[] = [];
  for (const question of step.questions) {
    const dependsHere = conditionFields(question.when).some((field) => onCard.has(field));
    if (visible.has(question.field) || dependsHere) {
      onCard.add(question.field);
      shown.push(await show(spec, question, dependsHere, values));
    }
  }
  return shown;
}

/** Every question of the form in sections, for one card holding the whole form (a dialog). */
export async function allQuestions(spec: FormSpec): Promise<{ title: string; questions: ShownQuestion[] }[]> {
  const sections = [];
  for (const step of spec.form.steps) {
    const questions: ShownQuestion[] = [];
    for (const question of step.questions)
      questions.push(await show(spec, question, question.when !== undefined));
    sections.push({ title: step.title, questions });
  }
  return sections;
}

/** The step a field is asked in, if it is a question's field. */
export function stepOf(spec: FormSpec, field: string): number | undefined {
  const index = spec.form.steps.findIndex((step) => step.questions.some((q) => q.field === field));
  return index < 0 ? undefined : index;
}

/** Words a question says at once for some answers (e.g. "call 999 now"). */
export function noticesFor(questions: Question[], values: Record<string, unknown>): string[] {
  return questions
    .filter((q) => q.notice && getPath(values, q.field) === q.notice.when)
    .map((q) => q.notice!.text);
}
