import { z } from 'zod';
import { RISK_LEVELS, type RiskCheckRules } from './risk';

/** What a quick risk check collects: the groups come from prompts/risk-checks.yaml. */
export function riskCheckAnswersSchema(spec: RiskCheckRules) {
  const groups = Object.fromEntries(
    spec.groups.map((group) => {
      const ids = group.indicators.map((indicator) => indicator.id) as [string, ...string[]];
      return [group.id, z.array(z.enum(ids))];
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
      indicators: z.object(groups),
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

export function selectedIndicators(answers: RiskCheckAnswers): string[] {
  return Object.values(answers.indicators).flat();
}
