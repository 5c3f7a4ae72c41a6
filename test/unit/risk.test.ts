import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type RiskCheckId,
  type RiskLevel,
  type RiskRules,
  RiskRulesSchema,
  scoreRiskCheck,
} from '../../src/domain/risk';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const yamlText = readFileSync(resolve(root, 'prompts/risk-checks.yaml'), 'utf8');
const rules = RiskRulesSchema.parse(parse(yamlText));

const DISCLAIMER = 'This check supports your professional judgement. It does not replace it.';
const CALL_999 = 'If a child is in immediate danger, call 999 now.';
const NRM = 'Consider a National Referral Mechanism (NRM) referral';
const CHECKS: RiskCheckId[] = ['cse', 'missing', 'trafficking'];
const idsOf = (check: RiskCheckId) =>
  rules.checks[check].groups.flatMap((g) => g.indicators.map((i) => i.id));
const traffickingIds = idsOf('trafficking');

type Case = [check: RiskCheckId, selected: string[], ageYears: number, level: RiskLevel];

const levelCases: Case[] = [
  ['cse', [], 15, 'low'],
  ['cse', ['lives-in-care', 'truancy'], 15, 'low'],
  [
    'cse',
    [
      'lives-in-care',
      'excluded-from-school',
      'history-of-abuse',
      'domestic-violence',
      'disadvantage',
      'truancy',
    ],
    15,
    'medium',
  ],
  ['cse', ['older-boyfriend'], 15, 'medium'],
  ['cse', ['lives-in-care', 'persistently-missing', 'older-boyfriend', 'unexplained-gifts'], 15, 'high'],
  ['cse', ['disclosed-exploitation'], 16, 'high'],
  ['cse', ['dealing-for-others'], 14, 'high'],
  ['missing', [], 15, 'low'],
  ['missing', ['conflict-at-home', 'out-of-character'], 15, 'low'],
  [
    'missing',
    ['lives-in-care', 'placed-out-of-area', 'repeat-missing', 'overnight', 'no-contact'],
    15,
    'medium',
  ],
  ['missing', ['self-harm'], 15, 'medium'],
  ['missing', ['known-exploitation', 'with-unknown-adults', 'overnight'], 15, 'high'],
  ['missing', ['threat-to-life'], 17, 'high'],
  ['trafficking', [], 15, 'low'],
  ['trafficking', ['no-gp'], 15, 'medium'],
  ['trafficking', ['no-gp', 'begs-for-money', 'limited-freedom'], 15, 'high'],
];

describe('risk-checks.yaml', () => {
  it('has the three checks and the disclaimer', () => {
    expect(Object.keys(rules.checks).sort()).toEqual(['cse', 'missing', 'trafficking']);
    expect(rules.disclaimer).toBe(DISCLAIMER);
  });

  it.each(CHECKS)('%s: every level can be reached', (check) => {
    const reached = new Set(levelCases.filter(([c]) => c === check).map(([, , , level]) => level));
    expect([...reached].sort()).toEqual(['high', 'low', 'medium']);
  });
});

describe('scoreRiskCheck', () => {
  it.each(levelCases)('%s %j at %i gives %s', (check, selected, ageYears, level) => {
    const result = scoreRiskCheck(rules, check, { selected, ageYears });
    expect(result.level).toBe(level);
    expect(result.check).toBe(check);
    expect(result.disclaimer).toBe(DISCLAIMER);
    expect(result.nextSteps).toEqual(expect.arrayContaining(rules.checks[check].nextSteps[level]));
    expect(result.indicatorsChosen.map((i) => i.id)).toEqual(selected);
  });

  it.each(CHECKS)('%s: high starts with the call-999 step', (check) => {
    const [, selected, ageYears] = levelCases.find(([c, , , level]) => c === check && level === 'high')!;
    expect(scoreRiskCheck(rules, check, { selected, ageYears }).nextSteps[0]).toBe(CALL_999);
  });

  it.each<[RiskCheckId, string[], number | undefined, RiskLevel, string | undefined]>([
    ['cse', ['lives-in-care'], 12, 'medium', 'Under 13: never rated low'],
    ['cse', ['lives-in-care'], 13, 'low', undefined],
    ['cse', [], 12, 'low', undefined],
    ['cse', ['learning-disability'], 15, 'medium', 'Learning disability: never rated low'],
    ['cse', ['learning-disability'], undefined, 'medium', 'Learning disability: never rated low'],
    ['missing', [], 10, 'medium', 'Under 13: never rated low'],
    ['missing', ['conflict-at-home'], 12, 'medium', 'Under 13: never rated low'],
    ['missing', ['learning-disability'], 16, 'medium', 'Learning disability: never rated low'],
  ])('floor: %s %j at age %s gives %s', (check, selected, ageYears, level, reason) => {
    const result = scoreRiskCheck(rules, check, { selected, ageYears });
    expect(result.level).toBe(level);
    if (reason) expect(result.reasons).toContain(reason);
  });

  it('gives reasons a practitioner can read', () => {
    const result = scoreRiskCheck(rules, 'cse', { selected: ['cars-with-unknown-adults', 'lives-in-care'] });
    expect(result.score).toBe(6);
    expect(result.reasons).toEqual([
      'Significant indicator: gets into cars with unknown adults',
      'Vulnerability: lives in care, especially residential',
      'Score 6: medium is 6 or more, high is 16 or more.',
    ]);
  });

  it('counts an indicator chosen twice once', () => {
    const result = scoreRiskCheck(rules, 'cse', { selected: ['older-boyfriend', 'older-boyfriend'] });
    expect(result.score).toBe(5);
    expect(result.indicatorsChosen).toHaveLength(1);
  });

  it.each(traffickingIds)('trafficking indicator %s alone is recognised and adds the NRM step', (id) => {
    const result = scoreRiskCheck(rules, 'trafficking', { selected: [id] });
    expect(result.level).toBe('medium');
    expect(result.nextSteps.some((step) => step.startsWith(NRM))).toBe(true);
    expect(result.nextSteps.join(' ')).toMatch(/contact the local authority or police/);
  });

  it('does not suggest an NRM referral when no trafficking indicator is chosen', () => {
    const result = scoreRiskCheck(rules, 'trafficking', { selected: [] });
    expect(result.nextSteps.some((step) => step.startsWith(NRM))).toBe(false);
  });

  it.each<[RiskCheckId, string]>([
    ['cse', 'no-such-sign'],
    ['cse', 'begs-for-money'],
    ['trafficking', 'lives-in-care'],
  ])('%s: unknown id %s throws an error naming it', (check, id) => {
    expect(() => scoreRiskCheck(rules, check, { selected: ['truancy', id] })).toThrow(id);
  });

  it('rejects a negative age', () => {
    expect(() => scoreRiskCheck(rules, 'cse', { selected: [], ageYears: -1 })).toThrow(RangeError);
  });
});

describe('RiskRulesSchema', () => {
  const mutated = (change: (doc: RiskRules) => void) => {
    const doc = parse(yamlText);
    change(doc);
    return RiskRulesSchema.safeParse(doc);
  };

  it.each<[string, (doc: RiskRules) => void, RegExp]>([
    ['thresholds out of order', (d) => (d.checks.cse.levels = { medium: 16, high: 6 }), /out of order/],
    ['equal thresholds', (d) => (d.checks.missing.levels = { medium: 5, high: 5 }), /out of order/],
    [
      'a duplicate id in one group',
      (d) => d.checks.cse.groups[0]!.indicators.push({ id: 'lives-in-care', label: 'Again' }),
      /duplicate indicator id "lives-in-care"/,
    ],
    [
      'a duplicate id across groups',
      (d) => d.checks.trafficking.groups[3]!.indicators.push({ id: 'no-gp', label: 'Again' }),
      /duplicate indicator id "no-gp"/,
    ],
    [
      'a rule naming an unknown group',
      (d) => d.checks.cse.rules.push({ when: { group: 'no-such-group' }, atLeast: 'high', reason: 'x' }),
      /unknown group "no-such-group"/,
    ],
    [
      'a rule naming an unknown indicator',
      (d) => d.checks.missing.rules.push({ when: { anyOf: ['no-such-sign'] }, atLeast: 'high', reason: 'x' }),
      /unknown indicator "no-such-sign"/,
    ],
    ['a title over 24 characters', (d) => (d.checks.cse.title = 'Child exploitation risk check'), /24/],
    [
      'a label over 75 characters',
      (d) => (d.checks.cse.groups[0]!.indicators[0]!.label = 'x'.repeat(76)),
      /75/,
    ],
    [
      'an id that is not kebab-case',
      (d) => (d.checks.cse.groups[0]!.indicators[0]!.id = 'LivesInCare'),
      /kebab/,
    ],
    ['a floor without its reason', (d) => delete d.checks.cse.groups[2]!.floorReason, /floorReason/],
  ])('rejects %s', (_name, change, message) => {
    const result = mutated(change);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});

describe('trafficking indicators against Appendix 5 of the MET Strategy', () => {
  // Counted by hand in seeds/000_f1cc58addeabf4ac.txt: at port of entry 11 (the child) + 3 (the
  // sponsor), whilst resident in the UK 14, internally trafficked 17.
  const APPENDIX_5_BULLETS = 45;
  const seedPath = resolve(
    process.env.METBOT_SEEDS_DIR ?? resolve(root, '../shared/seeds'),
    '000_f1cc58addeabf4ac.txt',
  );

  it('has at least as many indicators as the hand count', () => {
    expect(traffickingIds.length).toBeGreaterThanOrEqual(APPENDIX_5_BULLETS);
  });

  it.skipIf(!existsSync(seedPath))(
    'has at least as many indicators as the seed has bullets, per list',
    () => {
      const seed = readFileSync(seedPath, 'utf8');
      const start = seed.indexOf('## **Appendix 5 - Trafficking indicators');
      const end = seed.indexOf('**Appendix 5**', start);
      expect(start).toBeGreaterThan(0);
      expect(end).toBeGreaterThan(start);
      const sections = seed.slice(start, end).split(/^### /m).slice(1);
      const bullets = (heading: string) => {
        const section = sections.find((s) => s.includes(heading));
        return section?.split('\n').filter((line) => /^- \S/.test(line)).length ?? 0;
      };
      const groupSize = (...ids: string[]) =>
        rules.checks.trafficking.groups.filter((g) => ids.includes(g.id)).flatMap((g) => g.indicators).length;

      expect(bullets('At port of entry')).toBe(14);
      expect(bullets('Whilst resident in the UK')).toBe(14);
      expect(bullets('Children internally trafficked')).toBe(17);
      expect(groupSize('port-of-entry', 'sponsor')).toBeGreaterThanOrEqual(bullets('At port of entry'));
      expect(groupSize('resident-in-uk')).toBeGreaterThanOrEqual(bullets('Whilst resident in the UK'));
      expect(groupSize('internal')).toBeGreaterThanOrEqual(bullets('Children internally trafficked'));
      expect(sections.reduce((n, s) => n + s.split('\n').filter((l) => /^- \S/.test(l)).length, 0)).toBe(
        APPENDIX_5_BULLETS,
      );
    },
  );
});
