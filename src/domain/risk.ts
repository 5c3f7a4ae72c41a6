import { z } from 'zod';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

/** The answer "Don't know" to a list of indicators: stored as this, never as "none". */
export const UNKNOWN = 'unknown';

const KebabId = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are kebab-case, e.g. "lives-in-care"');
const IndicatorId = KebabId.refine((id) => id !== UNKNOWN, `"${UNKNOWN}" is kept for "Don't know"`);
const Text = z.string().trim().min(1);
const Steps = z.array(Text).min(1);

const IndicatorSchema = z.strictObject({
  id: IndicatorId,
  // Slack allows at most 75 characters in an option's text.
  label: Text.max(75),
  /** Where the indicator comes from: the seed's appendix or section, or the national guidance. */
  source: Text,
  /** The same indicator in another list: chosen in both, it is counted once. */
  sameAs: IndicatorId.optional(),
  /** Common in children who are not at risk: alone it does not raise the level (see `strong`). */
  weak: z.literal(true).optional(),
});

const GroupSchema = z.strictObject({
  id: KebabId,
  name: Text,
  ask: Text,
  help: Text.optional(),
  /** Signs are counted by the rules; vulnerabilities colour the picture and are not counted. */
  kind: z.enum(['sign', 'vulnerability']).default('sign'),
  /** Asked only when an earlier context answer is one of these. */
  askWhen: z.strictObject({ context: KebabId, in: z.array(KebabId).min(1) }).optional(),
  indicators: z.array(IndicatorSchema).min(1),
});

const ContextSchema = z.strictObject({
  id: KebabId,
  label: Text.max(48),
  ask: Text,
  help: Text.optional(),
  options: z.array(z.strictObject({ value: KebabId, label: Text.max(75) })).min(2),
});

const ConditionSchema = z
  .strictObject({
    ageUnder: z.number().positive().optional(),
    /** Any of these indicators chosen (of any kind). */
    anyOf: z.array(KebabId).min(1).optional(),
    /** At least this many different signs… */
    count: z.number().int().positive().optional(),
    /** …in these groups (every sign group when left out)… */
    groups: z.array(KebabId).min(1).optional(),
    /** …of which at least this many are not marked weak. */
    strong: z.number().int().positive().optional(),
  })
  .refine((when) => Object.values(when).some((value) => value !== undefined), 'a rule needs a condition');

const RuleSchema = z
  .strictObject({
    when: ConditionSchema,
    atLeast: RiskLevelSchema.optional(),
    reason: Text,
    /** Where the rule comes from, for the people who maintain it. */
    source: Text.optional(),
    nextSteps: Steps.optional(),
  })
  .refine((rule) => rule.atLeast || rule.nextSteps, 'a rule needs atLeast or nextSteps');

const CheckSchema = z
  .strictObject({
    // Slack allows at most 24 characters in a modal title.
    title: Text.max(24),
    description: Text,
    context: z.array(ContextSchema).default([]),
    groups: z.array(GroupSchema).min(1),
    rules: z.array(RuleSchema).min(1),
    nextSteps: z.strictObject({ low: Steps, medium: Steps, high: Steps }),
  })
  .superRefine((check, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const groupIds = new Set<string>();
    const indicatorIds = new Set<string>();
    const contexts = new Map(check.context.map((c) => [c.id, new Set(c.options.map((o) => o.value))]));
    check.groups.forEach((group, g) => {
      if (groupIds.has(group.id)) issue(['groups', g, 'id'], `duplicate group id "${group.id}"`);
      groupIds.add(group.id);
      group.indicators.forEach(({ id }, i) => {
        if (indicatorIds.has(id))
          issue(['groups', g, 'indicators', i, 'id'], `duplicate indicator id "${id}"`);
        indicatorIds.add(id);
      });
      if (group.askWhen) {
        const values = contexts.get(group.askWhen.context);
        if (!values) issue(['groups', g, 'askWhen'], `unknown context "${group.askWhen.context}"`);
        for (const value of group.askWhen.in) {
          if (values && !values.has(value)) issue(['groups', g, 'askWhen'], `unknown answer "${value}"`);
        }
      }
    });
    check.groups.forEach((group, g) => {
      group.indicators.forEach(({ id, sameAs }, i) => {
        if (sameAs && (sameAs === id || !indicatorIds.has(sameAs)))
          issue(['groups', g, 'indicators', i, 'sameAs'], `sameAs names no other indicator: "${sameAs}"`);
      });
    });
    check.rules.forEach(({ when }, r) => {
      for (const group of when.groups ?? []) {
        if (!groupIds.has(group)) issue(['rules', r, 'when', 'groups'], `unknown group "${group}"`);
      }
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

export type RiskInput = {
  selected: string[];
  ageYears?: number;
  /** Groups and context questions answered "Don't know" (or left out), by id. */
  unknown?: string[];
  /** The practitioner's own level and why: it heads the result and decides the next steps. */
  chosen?: { level: RiskLevel; reason?: string };
};

export type RiskResult = {
  check: RiskCheckId;
  /** The level that counts: the practitioner's when they chose one, else the suggested level. */
  level: RiskLevel;
  /** What the rules suggest. */
  suggestedLevel: RiskLevel;
  chosenReason?: string;
  /** How many different indicators were chosen (one named in two lists counts once). */
  score: number;
  reasons: string[];
  nextSteps: string[];
  disclaimer: string;
  indicatorsChosen: { id: string; label: string }[];
  /** What the practitioner did not know, as they read it: "Age", a group's name. */
  unknown: string[];
};

export class UnknownIndicatorError extends Error {
  readonly code = 'unknown-indicator';
  override readonly name = 'UnknownIndicatorError';
}

type Chosen = { group: RiskGroup; id: string; label: string; counted: string; weak: boolean };

const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);

// "Gets into cars" reads as "Significant sign: gets into cars"; "STI" keeps its capitals.
const afterColon = (label: string) =>
  /^[A-Z][a-z\s']/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;

function chooseIndicators(spec: RiskCheckRules, check: RiskCheckId, selected: string[]): Chosen[] {
  const byId = new Map(spec.groups.flatMap((group) => group.indicators.map((i) => [i.id, { group, ...i }])));
  return [...new Set(selected)].map((id) => {
    const chosen = byId.get(id);
    if (!chosen) throw new UnknownIndicatorError(`Unknown indicator "${id}" for the ${check} check`);
    return {
      group: chosen.group,
      id,
      label: chosen.label,
      counted: chosen.sameAs ?? id,
      weak: !!chosen.weak,
    };
  });
}

/** Different signs in the groups named (every sign group by default), each counted once. */
function signs(chosen: Chosen[], groups: string[] | undefined) {
  const inScope = chosen.filter((c) => (groups ? groups.includes(c.group.id) : c.group.kind === 'sign'));
  const all = new Set(inScope.map((c) => c.counted));
  const strong = new Set(inScope.filter((c) => !c.weak).map((c) => c.counted));
  return { all: all.size, strong: strong.size };
}

function holds(when: RiskCondition, chosen: Chosen[], ageYears: number | undefined): boolean {
  const counted = signs(chosen, when.groups);
  return (
    (when.ageUnder === undefined || (ageYears !== undefined && ageYears < when.ageUnder)) &&
    (when.anyOf === undefined || chosen.some((c) => when.anyOf?.includes(c.id))) &&
    (when.count === undefined || counted.all >= when.count) &&
    (when.strong === undefined || counted.strong >= when.strong)
  );
}

/** Which groups are asked, given the context answers: a hidden group is neither "none" nor unknown. */
export function groupAsked(group: RiskGroup, context: Record<string, string | undefined>): boolean {
  if (!group.askWhen) return true;
  const answer = context[group.askWhen.context];
  return answer !== undefined && group.askWhen.in.includes(answer);
}

/**
 * The level of a quick check. Signs lead: each rule of prompts/risk-checks.yaml that holds puts the
 * child at least at its level, and the highest wins. Nothing is summed, so background
 * vulnerabilities never outrank a few significant signs. The result is advisory: when the
 * practitioner chooses another level, theirs heads the result and decides the next steps.
 */
export function scoreRiskCheck(rules: RiskRules, check: RiskCheckId, input: RiskInput): RiskResult {
  const spec = rules.checks[check];
  if (!spec) throw new Error(`Unknown risk check "${check}"`);
  const { ageYears } = input;
  if (ageYears !== undefined && !(Number.isFinite(ageYears) && ageYears >= 0)) {
    throw new RangeError(`Age must be a number of years, 0 or more; got ${ageYears}`);
  }
  const chosen = chooseIndicators(
    spec,
    check,
    input.selected.filter((id) => id !== UNKNOWN),
  );
  let suggested: RiskLevel = 'low';
  const reasons = chosen.map((c) => `${c.group.name}: ${afterColon(c.label)}`);
  const ruleSteps: string[] = [];
  for (const rule of spec.rules) {
    if (!holds(rule.when, chosen, ageYears)) continue;
    if (rule.atLeast && rank(rule.atLeast) > rank(suggested)) suggested = rule.atLeast;
    reasons.push(rule.reason);
    ruleSteps.push(...(rule.nextSteps ?? []));
  }
  const level = input.chosen?.level ?? suggested;
  const names = new Map<string, string>([
    ...spec.groups.map((g) => [g.id, g.name] as [string, string]),
    ...spec.context.map((c) => [c.id, c.label] as [string, string]),
  ]);
  const unknown = [...new Set(input.unknown ?? [])].map((id) => names.get(id) ?? id);
  if (ageYears === undefined && spec.rules.some((r) => r.when.ageUnder !== undefined)) unknown.unshift('Age');

  return {
    check,
    level,
    suggestedLevel: suggested,
    ...(input.chosen && { chosenReason: input.chosen.reason }),
    score: new Set(chosen.map((c) => c.counted)).size,
    reasons,
    nextSteps: [...new Set([...spec.nextSteps[level], ...ruleSteps])],
    disclaimer: rules.disclaimer,
    indicatorsChosen: chosen.map(({ id, label }) => ({ id, label })),
    unknown,
  };
}
