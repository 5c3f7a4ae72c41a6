import { z } from 'zod';
import { entityAnswerKinds } from '../domain/entity-answers';

/**
 * The shape of a form in prompts/forms/*.yaml. Words and order live in YAML; the record's
 * shape and rules live in src/domain/records.ts. Each question fills one field of the record,
 * named by a dotted path (e.g. `child.name`).
 */
export const inputTypes = [
  'text', // one line, up to 200 characters
  'longtext', // a narrative, up to 3000 characters
  'choice', // one of `options`
  'multichoice', // any of `options`, or none
  'yesno',
  'date', // a day, e.g. a date of birth
  'datetime', // a moment, e.g. when last seen
  'number',
  'episode', // one of the missing episodes the user may record a return for
] as const;
export type InputType = (typeof inputTypes)[number];

const fieldPath = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9-]*(\.[a-z][a-zA-Z0-9-]*)*$/, 'a field path like child.name');

const OneCondition = z
  .object({
    field: fieldPath,
    equals: z.union([z.string(), z.boolean(), z.number()]).optional(),
    notEquals: z.union([z.string(), z.boolean(), z.number()]).optional(),
    in: z.array(z.string()).optional(),
    /** Holds when the answer is none of these, or not given. */
    notIn: z.array(z.string()).optional(),
    answered: z.boolean().optional(),
  })
  .strict();
export type OneCondition = z.infer<typeof OneCondition>;

/**
 * When a question is asked: one condition on an earlier answer, or `any` of several. A condition
 * on a question that is not asked never holds, so a question that depends on one the form passed
 * by is passed by too.
 */
export const ConditionSchema = z.union([
  OneCondition,
  z.object({ any: z.array(OneCondition).min(2) }).strict(),
]);
export type Condition = z.infer<typeof ConditionSchema>;

export const OptionSchema = z.object({ value: z.string().min(1), label: z.string().min(1).max(75) }).strict();
export type Option = z.infer<typeof OptionSchema>;

export const QuestionSchema = z
  .object({
    field: fieldPath,
    /** Short label: the summary, a modal's field label, a card's input label. */
    label: z.string().min(1).max(48),
    /** The question as asked in chat. */
    ask: z.string().min(1),
    help: z.string().optional(),
    /** Placeholder / example shown in modals and cards. */
    example: z.string().max(150).optional(),
    type: z.enum(inputTypes),
    options: z.array(OptionSchema).optional(),
    optional: z.boolean().default(false),
    /**
     * A fact the person may honestly not know: still asked when `skip all` leaves out the optional
     * questions, but "don't know" is an answer, kept as unknown (left out), never as "none".
     */
    dontKnow: z.boolean().optional(),
    when: ConditionSchema.optional(),
    /**
     * A structured answer (issue 19): typed as text, one or several, read into a list of people,
     * vehicles, phones, online names or places. Always optional; values found in the reporter's
     * own free text are offered back to confirm.
     */
    entities: z.enum(entityAnswerKinds).optional(),
    /** Said at once when the answer matches, before the next question (e.g. "call 999 now"). */
    notice: z
      .object({ when: z.union([z.string(), z.boolean()]), text: z.string() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((q) => !['choice', 'multichoice'].includes(q.type) || (q.options?.length ?? 0) > 0, {
    message: 'a choice question needs options',
  })
  .refine((q) => !q.entities || (q.optional && q.type === 'longtext'), {
    message: 'a structured (entities) question is an optional longtext',
  });
export type Question = z.infer<typeof QuestionSchema>;

export const FormSchema = z
  .object({
    id: z.string().regex(/^[a-z-]+$/),
    /** Slack limits a modal title to 24 characters. */
    title: z.string().min(1).max(24),
    record: z.enum(['intelligence', 'missing', 'return', 'return-interview', 'risk-check']),
    intro: z.string(),
    done: z.string(),
    steps: z
      .array(
        z.object({ title: z.string().min(1).max(24), questions: z.array(QuestionSchema).min(1) }).strict(),
      )
      .min(1),
  })
  .strict();
export type Form = z.infer<typeof FormSchema>;

export const questionsOf = (form: Form): Question[] => form.steps.flatMap((step) => step.questions);

/** Each condition a question's `when` holds. */
export const conditionsOf = (when: Condition | undefined): OneCondition[] =>
  !when ? [] : 'any' in when ? when.any : [when];

/** The earlier answers that decide whether a question is asked. */
export const conditionFields = (when: Condition | undefined): string[] =>
  conditionsOf(when).map((condition) => condition.field);
