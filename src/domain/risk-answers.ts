import { z } from 'zod';
import { groupAsked, RISK_LEVELS, type RiskCheckRules, UNKNOWN } from './risk';

/**
 * What a quick risk check collects: the groups and context questions come from
 * prompts/risk-checks.yaml. A list answered "Don't know" holds `unknown` (or is left out); an empty
 * list means "none of these".
 */
export function riskCheckAnswersSchema(spec: RiskCheckRules) {
  const groups = Object.fromEntries(
    spec.groups.map((group) => {
      const ids: [string, ...string[]] = [UNKNOWN, ...group.indicators.map((indicator) => indicator.id)];
      return [group.id, z.array(z.enum(ids)).optional()];
    }),
  );
  const context = Object.fromEntries(
    spec.context.map((question) => {
      const values = question.options.map((option) => option.value) as [string, ...string[]];
      return [question.id, z.enum(values).optional()];
    }),
  );
  return z
    .object({
      child: z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          ageYears: z.number().int().min(0).max(25, 'Please give the age in years, 25 or under.').optional(),
        })
        .optional(),
      context: z.object(context).optional(),
      // Every list skipped ("Don't know" throughout) leaves no indicators at all.
      indicators: z.object(groups).default({}),
      ownLevel: z.enum(['agree', ...RISK_LEVELS]).optional(),
      ownReason: z.string().trim().min(1).max(3000).optional(),
    })
    .superRefine((answers, ctx) => {
      if (answers.ownLevel && answers.ownLevel !== 'agree' && !answers.ownReason) {
        ctx.addIssue({
          code: 'custom',
          path: ['ownReason'],
          message: 'Please say why you chose a different level.',
        });
      }
    });
}

export type RiskCheckAnswers = z.infer<ReturnType<typeof riskCheckAnswersSchema>>;
type GivenAnswers = Pick<Partial<RiskCheckAnswers>, 'indicators' | 'context'>;

/** The indicators chosen, without "Don't know". */
export function selectedIndicators(answers: GivenAnswers): string[] {
  return Object.values(answers.indicators ?? {})
    .flatMap((ids) => ids ?? [])
    .filter((id) => id !== UNKNOWN);
}

/**
 * What was not known: each context question and each list that was asked and answered "Don't know"
 * or left out. A list not asked (the port of entry, for a child who has lived here for years) is
 * neither "none" nor unknown.
 */
export function unknownAnswers(spec: RiskCheckRules, answers: GivenAnswers): string[] {
  const context = (answers.context ?? {}) as Record<string, string | undefined>;
  const indicators = (answers.indicators ?? {}) as Record<string, string[] | undefined>;
  return [
    ...spec.context.filter((q) => context[q.id] === undefined || context[q.id] === UNKNOWN).map((q) => q.id),
    ...spec.groups
      .filter((group) => groupAsked(group, context))
      .filter((group) => indicators[group.id] === undefined || indicators[group.id]!.includes(UNKNOWN))
      .map((group) => group.id),
  ];
}
