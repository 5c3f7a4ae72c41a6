import { z } from 'zod';

export const audiences = ['duty', 'lead-professional', 'interviewer', 'met-coordinator', 'admins'] as const;
export type Audience = (typeof audiences)[number];

export const alertRuleIds = [
  'immediate-danger',
  'missing-high-risk',
  'repeat-missing',
  'risk-check-high',
  'trafficking-indicator',
  'interview-due-soon',
  'interview-overdue',
  'interview-reoffer',
  'delivery-dead-lettered',
  'possible-link',
  'access-probing',
] as const;
export type AlertRuleId = (typeof alertRuleIds)[number];

const RuleSchema = z
  .object({
    category: z.string().min(1).max(80),
    audiences: z.array(z.enum(audiences)).min(1),
    escalateAfterMinutes: z.number().positive().optional(),
    hoursAfterReturn: z.number().positive().optional(),
  })
  .strict()
  .refine((rule) => !rule.escalateAfterMinutes || rule.audiences.length > 1, {
    message: 'a rule that escalates needs a second audience to escalate to',
  });

export const AlertRulesSchema = z
  .object({
    rules: z
      .object(
        Object.fromEntries(alertRuleIds.map((id) => [id, RuleSchema])) as Record<
          AlertRuleId,
          typeof RuleSchema
        >,
      )
      .strict(),
  })
  .strict();
export type AlertRules = z.infer<typeof AlertRulesSchema>;
export type AlertRule = AlertRules['rules'][AlertRuleId];

/** Facts about a new record that rules look at. */
export interface RecordFacts {
  type: string;
  immediateDanger: boolean;
  child?: { ageYears?: number; inCare?: boolean; metLevel?: string | null };
  riskLevel?: string;
  riskCheck?: string;
  traffickingIndicators?: number;
  /** A missing child's times missing in the repeat window (src/domain/missing-history.ts). */
  repeat?: { times: number; threshold: number };
}

/** Which rules a new record raises: pure, so each rule is tested on its own. */
export function rulesRaisedBy(facts: RecordFacts): AlertRuleId[] {
  const raised: AlertRuleId[] = [];
  if (facts.immediateDanger) raised.push('immediate-danger');
  if (
    facts.type === 'missing' &&
    (facts.child?.metLevel === 'high' ||
      (facts.child?.ageYears !== undefined && facts.child.ageYears < 13) ||
      facts.child?.inCare === true)
  ) {
    raised.push('missing-high-risk');
  }
  if (facts.type === 'missing' && facts.repeat && facts.repeat.times >= facts.repeat.threshold) {
    raised.push('repeat-missing');
  }
  if (facts.type === 'risk-check' && facts.riskLevel === 'high') raised.push('risk-check-high');
  if (
    facts.type === 'risk-check' &&
    facts.riskCheck === 'trafficking' &&
    (facts.traffickingIndicators ?? 0) > 0
  ) {
    raised.push('trafficking-indicator');
  }
  return raised;
}

/** When an unacknowledged alert moves to its next audience, or null if the rule never escalates. */
export function escalationDue(rule: AlertRule, raisedAt: Date): Date | null {
  return rule.escalateAfterMinutes ? new Date(raisedAt.getTime() + rule.escalateAfterMinutes * 60_000) : null;
}
