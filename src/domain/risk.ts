import { z } from 'zod';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

const KebabId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are kebab-case, e.g. "lives-in-care"');
const Text = z.string().trim().min(1);
const Steps = z.array(Text).min(1);

const IndicatorSchema = z.strictObject({
  id: KebabId,
  // Slack allows at most 75 characters in an option's text.
  label: Text.max(75),
});

const GroupSchema = z
  .strictObject({
    id: KebabId,
    name: Text,
    ask: Text,
    help: Text.optional(),
    points: z.number().int().min(0),
    floor: RiskLevelSchema.optional(),
    floorReason: Text.optional(),
    indicators: z.array(IndicatorSchema).min(1),
  })
  .refine((group) => !group.floor || group.floorReason, {
    message: 'a floor needs a floorReason',
    path: ['floor'],
  });

const ConditionSchema = z
  .strictObject({
    ageUnder: z.number().positive().optional(),
    anyOf: z.array(KebabId).min(1).optional(),
    group: KebabId.optional(),
    anySelected: z.literal(true).optional(),
  })
  .refine((when) => Object.values(when).some((value) => value !== undefined), 'a rule needs a condition');

const RuleSchema = z
  .strictObject({
    when: ConditionSchema,
    atLeast: RiskLevelSchema.optional(),
    reason: Text,
    nextSteps: Steps.optional(),
  })
  .refine((rule) => rule.atLeast || rule.nextSteps, 'a rule needs atLeast or nextSteps');

const CheckSchema = z
  .strictObject({
    // Slack allows at most 24 characters in a modal title.
    title: Text.max(24),
    description: Text,
    groups: z.array(GroupSchema).min(1),
    levels: z.strictObject({ medium: z.number().int().positive(), high: z.number().int().positive() }),
    rules: z.array(RuleSchema).default([]),
    nextSteps: z.strictObject({ low: Steps, medium: Steps, high: Steps }),
  })
  .superRefine((check, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const { medium, high } = check.levels;
    if (medium >= high)
      issue(['levels'], `levels out of order: medium (${medium}) must be below high (${high})`);
    const groupIds = new Set<string>();
    const indicatorIds = new Set<string>();
    check.groups.forEach((group, g) => {
      if (groupIds.has(group.id)) issue(['groups', g, 'id'], `duplicate group id "${group.id}"`);
      groupIds.add(group.id);
      group.indicators.forEach(({ id }, i) => {
        if (indicatorIds.has(id))
          issue(['groups', g, 'indicators', i, 'id'], `duplicate indicator id "${id}"`);
        indicatorIds.add(id);
      });
    });
    check.rules.forEach(({ when }, r) => {
      if (when.group && !groupIds.has(when.group))
        issue(['rules', r, 'when', 'group'], `unknown group "${when.group}"`);
      for (const id of when.anyOf ?? []) {
        if (!indicatorIds.has(id)) issue(['rules', r, 'when', 'anyOf'], `unknown indicator "${id}"`);
      }
    });
  });

export const RiskRulesSchema = z.strictObject({
  disclaimer: Text,
  checks: z.strictObject({ cse: CheckSchema, missing: CheckSchema, trafficking: CheckSchema }),
});

export type RiskRules = z.infer<typeof RiskRulesSchema>;
export type RiskCheckId = keyof RiskRules['checks'];
export type RiskCheckRules = RiskRules['checks'][RiskCheckId];
type RiskGroup = RiskCheckRules['groups'][number];
type RiskCondition = RiskCheckRules['rules'][number]['when'];

export type RiskInput = { selected: string[]; ageYears?: number };

export type RiskResult = {
  check: RiskCheckId;
  level: RiskLevel;
  score: number;
  reasons: string[];
  nextSteps: string[];
  disclaimer: string;
  indicatorsChosen: { id: string; label: string }[];
};

export class UnknownIndicatorError extends Error {
  readonly code = 'unknown-indicator';
  override readonly name = 'UnknownIndicatorError';
}

type Chosen = { group: RiskGroup; id: string; label: string };

const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);

// "Gets into cars" reads as "Significant indicator: gets into cars"; "STI" keeps its capitals.
const afterColon = (label: string) =>
  /^[A-Z][a-z\s']/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;

function chooseIndicators(spec: RiskCheckRules, check: RiskCheckId, selected: string[]): Chosen[] {
  const byId = new Map(spec.groups.flatMap((group) => group.indicators.map((i) => [i.id, { group, ...i }])));
  return [...new Set(selected)].map((id) => {
    const chosen = byId.get(id);
    if (!chosen) throw new UnknownIndicatorError(`Unknown indicator "${id}" for the ${check} check`);
    return chosen;
  });
}

function holds(when: RiskCondition, chosen: Chosen[], ageYears: number | undefined): boolean {
  return (
    (when.ageUnder === undefined || (ageYears !== undefined && ageYears < when.ageUnder)) &&
    (when.anyOf === undefined || chosen.some((c) => when.anyOf?.includes(c.id))) &&
    (when.group === undefined || chosen.some((c) => c.group.id === when.group)) &&
    (when.anySelected === undefined || chosen.length > 0)
  );
}

export function scoreRiskCheck(rules: RiskRules, check: RiskCheckId, input: RiskInput): RiskResult {
  const spec = rules.checks[check];
  if (!spec) throw new Error(`Unknown risk check "${check}"`);
  const { ageYears } = input;
  if (ageYears !== undefined && !(Number.isFinite(ageYears) && ageYears >= 0)) {
    throw new RangeError(`Age must be a number of years, 0 or more; got ${ageYears}`);
  }
  const chosen = chooseIndicators(spec, check, input.selected);
  const score = chosen.reduce((sum, c) => sum + c.group.points, 0);
  const { medium, high } = spec.levels;
  let level: RiskLevel = score >= high ? 'high' : score >= medium ? 'medium' : 'low';

  const reasons = chosen.map((c) => `${c.group.name}: ${afterColon(c.label)}`);
  reasons.push(`Score ${score}: medium is ${medium} or more, high is ${high} or more.`);
  const raiseTo = (floor: RiskLevel | undefined) => {
    const raises = floor !== undefined && rank(floor) > rank(level);
    if (raises) level = floor;
    return raises;
  };

  for (const group of spec.groups) {
    if (chosen.some((c) => c.group === group) && raiseTo(group.floor) && group.floorReason) {
      reasons.push(group.floorReason);
    }
  }
  const ruleSteps: string[] = [];
  for (const rule of spec.rules) {
    if (!holds(rule.when, chosen, ageYears)) continue;
    if (raiseTo(rule.atLeast) || rule.nextSteps) reasons.push(rule.reason);
    ruleSteps.push(...(rule.nextSteps ?? []));
  }

  return {
    check,
    level,
    score,
    reasons,
    nextSteps: [...new Set([...spec.nextSteps[level], ...ruleSteps])],
    disclaimer: rules.disclaimer,
    indicatorsChosen: chosen.map(({ id, label }) => ({ id, label })),
  };
}
