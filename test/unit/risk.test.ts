import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { visibleQuestions } from '../../src/conversation/form-engine';
import { loadPrompts } from '../../src/conversation/prompts';
import { riskCheckForm } from '../../src/conversation/risk-check-form';
import {
  type RiskCheckId,
  type RiskLevel,
  type RiskRules,
  RiskRulesSchema,
  scoreRiskCheck,
} from '../../src/domain/risk';
import { riskCheckAnswersSchema, selectedIndicators, unknownAnswers } from '../../src/domain/risk-answers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const yamlText = readFileSync(resolve(root, 'prompts/risk-checks.yaml'), 'utf8');
const rules = RiskRulesSchema.parse(parse(yamlText));
const seedsDir = process.env.METBOT_SEEDS_DIR ?? resolve(root, '../shared/seeds');
const strategyPath = resolve(seedsDir, '000_f1cc58addeabf4ac.txt');
const reviewPath = resolve(seedsDir, '002_9122b81b4cb36193.txt');
const haveSeeds = existsSync(strategyPath) && existsSync(reviewPath);

const DISCLAIMER = 'This check supports your professional judgement. It does not replace it.';
const CALL_999 = 'If a child is in immediate danger, call 999 now.';
const NRM = 'Consider a National Referral Mechanism (NRM) referral';
const CHECKS: RiskCheckId[] = ['cse', 'missing', 'trafficking'];
const idsOf = (check: RiskCheckId) =>
  rules.checks[check].groups.flatMap((g) => g.indicators.map((i) => i.id));
const idsIn = (check: RiskCheckId, group: string) =>
  rules.checks[check].groups.find((g) => g.id === group)!.indicators.map((i) => i.id);
const traffickingIds = idsOf('trafficking');

// Seed lines the levels follow (MET Strategy = 000_…, scrutiny review = 002_…).
const HIGH = 'High - the child will be open to CSC;';
const MEDIUM = 'Medium - the child will have a lead professional;';
const LOW = 'Low - the child will be known to and checked on by professionals.';
const S47 = 'If a child is identified as high risk this immediately triggers a section 47 assessment.';
const ANY_CHILD =
  'Any child or young person, whatever their gender, social background or ethnicity, can be exploited.';
const LD =
  'children and young people with learning disabilities are also more vulnerable to exploitation, ' +
  "but won't necessarily exhibit the common indicators of being at high risk or victims of CSE";
const DERBY = 'Based on the Derby Tool and developed for Portsmouth';
const MISSING_GRADE = 'assist police in grading the incidence as high, medium or low risk';
const MISSING_DEF =
  'Anyone whose whereabouts cannot be established and where circumstances are out of character, ' +
  'or the context suggests the person may be the subject of crime, or they may be a risk to themselves or others.';
const COMPLETE_LIST = 'A complete list of trafficking indicators is at Appendix 5.';
const WITHIN_48 = 'Many trafficked children go missing from care, often within the first 48 hours.';

type Case = {
  check: RiskCheckId;
  selected: string[];
  age?: number;
  level: RiskLevel;
  /** The seed lines this boundary follows, quoted exactly. */
  seed: string[];
  why: string;
};

const levelCases: Case[] = [
  // CSE: signs lead, vulnerabilities colour.
  { check: 'cse', selected: [], age: 15, level: 'low', seed: [LOW], why: 'nothing seen' },
  {
    check: 'cse',
    selected: idsIn('cse', 'vulnerabilities').filter((id) => id !== 'learning-disability'),
    age: 15,
    level: 'low',
    seed: [ANY_CHILD, 'there are a number of factors that can increase a young person'],
    why: 'nine vulnerabilities and no sign: attention, never a higher level',
  },
  {
    check: 'cse',
    selected: ['disadvantage'],
    age: 12,
    level: 'low',
    seed: ['- Disadvantage;', LOW],
    why: 'disadvantage alone at 12 is a vulnerability, not a sign',
  },
  {
    check: 'cse',
    selected: ['learning-disability'],
    age: 15,
    level: 'low',
    seed: [LD],
    why: 'a learning disability alone is a vulnerability',
  },
  {
    check: 'cse',
    selected: ['learning-disability', 'truancy'],
    age: 15,
    level: 'medium',
    seed: [LD, 'Truancy/disengagement with education'],
    why: 'with a learning disability, any sign is at least medium',
  },
  {
    check: 'cse',
    selected: ['truancy'],
    age: 12,
    level: 'medium',
    seed: [DERBY, 'Truancy/disengagement with education'],
    why: 'under 13 with a sign: never low (the Derby tool)',
  },
  {
    check: 'cse',
    selected: ['truancy'],
    age: 13,
    level: 'low',
    seed: [LOW, 'Truancy/disengagement with education'],
    why: 'one early sign at 13: known to and checked on by professionals',
  },
  {
    check: 'cse',
    selected: ['truancy', 'stays-out-late'],
    age: 15,
    level: 'low',
    seed: [LOW],
    why: 'two early signs stay low',
  },
  {
    check: 'cse',
    selected: ['truancy', 'stays-out-late', 'online-relationships'],
    age: 15,
    level: 'medium',
    seed: [MEDIUM],
    why: 'three early signs together: a lead professional',
  },
  {
    check: 'cse',
    selected: [...idsIn('cse', 'vulnerabilities'), ...idsIn('cse', 'moderate')],
    age: 15,
    level: 'medium',
    seed: [MEDIUM, ANY_CHILD],
    why: 'every vulnerability and every early sign, summed, never outranks significant signs',
  },
  {
    check: 'cse',
    selected: ['older-boyfriend'],
    age: 15,
    level: 'medium',
    seed: ['- Significantly older boyfriend', MEDIUM],
    why: 'one significant sign: at least medium',
  },
  {
    check: 'cse',
    selected: ['unexplained-gifts', ...idsIn('cse', 'vulnerabilities')],
    age: 16,
    level: 'medium',
    seed: [
      'Accounts of social activities, expensive clothes, mobile phones or other possessions with no plausible explanation',
      MEDIUM,
    ],
    why: 'one significant sign and every vulnerability: still medium, not high',
  },
  {
    check: 'cse',
    selected: ['persistently-missing', 'older-boyfriend'],
    age: 15,
    level: 'high',
    seed: [
      'Persistently missing, staying out overnight or returning late with no plausible explanation',
      HIGH,
    ],
    why: 'two significant signs: high',
  },
  {
    check: 'cse',
    selected: ['persistently-missing', 'older-boyfriend', 'unexplained-gifts'],
    age: 15,
    level: 'high',
    seed: ['- Significantly older boyfriend', HIGH, S47],
    why: 'missing overnight, an older boyfriend and unexplained gifts: high (it was medium)',
  },
  {
    check: 'cse',
    selected: ['disclosed-exploitation'],
    age: 16,
    level: 'high',
    seed: [S47],
    why: 'exploitation disclosed: high',
  },
  {
    check: 'cse',
    selected: ['given-things-for-sex'],
    age: 14,
    level: 'high',
    seed: [
      "receive 'something' (e.g. food, accommodation, drugs, alcohol, cigarettes, affection, gifts, money)",
    ],
    why: 'the definition of CSE itself: high',
  },
  // Missing: the toolkit's shared view of high, medium or low.
  { check: 'missing', selected: [], age: 15, level: 'low', seed: [MISSING_GRADE], why: 'nothing known' },
  {
    check: 'missing',
    selected: ['conflict-at-home', 'out-of-character'],
    age: 15,
    level: 'low',
    seed: ['Conflict with parents/carers', MISSING_GRADE],
    why: 'two factors stay low',
  },
  {
    check: 'missing',
    selected: ['lives-in-care', 'placed-out-of-area', 'repeat-missing', 'overnight'],
    age: 15,
    level: 'low',
    seed: [MISSING_GRADE],
    why: 'four factors stay low',
  },
  {
    check: 'missing',
    selected: ['lives-in-care', 'placed-out-of-area', 'repeat-missing', 'overnight', 'no-contact'],
    age: 15,
    level: 'medium',
    seed: [MISSING_GRADE],
    why: 'five factors together: medium',
  },
  {
    check: 'missing',
    selected: ['self-harm'],
    age: 15,
    level: 'medium',
    seed: [MISSING_DEF],
    why: 'a risk to themselves: at least medium',
  },
  {
    check: 'missing',
    selected: ['known-exploitation', 'with-unknown-adults'],
    age: 15,
    level: 'high',
    seed: ['There is a strong link between children and young people being sexually exploited'],
    why: 'two significant risks: high',
  },
  {
    check: 'missing',
    selected: ['threat-to-life'],
    age: 17,
    level: 'high',
    seed: [MISSING_DEF],
    why: 'immediate danger: high',
  },
  {
    check: 'missing',
    selected: [],
    age: 10,
    level: 'medium',
    seed: [MISSING_GRADE],
    why: 'a missing child under 13',
  },
  {
    check: 'missing',
    selected: ['learning-disability'],
    age: 16,
    level: 'medium',
    seed: [LD],
    why: 'a missing child with a learning disability',
  },
  {
    check: 'missing',
    selected: [],
    age: 13,
    level: 'low',
    seed: [MISSING_GRADE],
    why: 'at 13 with nothing known',
  },
  // Trafficking: each indicator once; one weak indicator alone is not medium.
  { check: 'trafficking', selected: [], age: 15, level: 'low', seed: [COMPLETE_LIST], why: 'no indicator' },
  {
    check: 'trafficking',
    selected: ['truancy'],
    age: 15,
    level: 'low',
    seed: ['Truancy/disengagement with education'],
    why: 'truancy alone is a weak indicator',
  },
  {
    check: 'trafficking',
    selected: ['sponsor-intermediary'],
    age: 15,
    level: 'low',
    seed: ['- Be a community member, family member, or any other intermediary'],
    why: 'a sponsor who is family alone is a weak indicator',
  },
  {
    check: 'trafficking',
    selected: ['truancy', 'sponsor-intermediary'],
    age: 15,
    level: 'medium',
    seed: [COMPLETE_LIST],
    why: 'two different indicators together',
  },
  {
    check: 'trafficking',
    selected: ['no-gp'],
    age: 15,
    level: 'medium',
    seed: ['- Has not been registered with or attended a GP practice'],
    why: 'one indicator that is not weak',
  },
  {
    check: 'trafficking',
    selected: ['documents-held-by-adult'],
    age: 15,
    level: 'medium',
    seed: ['- Has no passport or other means of identification'],
    why: 'a community indicator: an adult holds her documents',
  },
  {
    check: 'trafficking',
    selected: [
      'sti-or-unwanted-pregnancy',
      'sti-or-pregnancy',
      'missing-for-periods',
      'persistently-missing',
    ],
    age: 15,
    level: 'medium',
    seed: [
      '- Appears to be missing for periods',
      'Persistently missing, staying out overnight or returning late with no plausible explanation',
    ],
    why: 'an STI and going missing, each named in two lists: two indicators, not four (it was high)',
  },
  {
    check: 'trafficking',
    selected: ['truancy', 'substance-misuse', 'online-relationships'],
    age: 15,
    level: 'medium',
    seed: ['Truancy/disengagement with education', 'Evidence of drug, alcohol or substance misuse'],
    why: 'three weak indicators: medium, not high',
  },
  {
    check: 'trafficking',
    selected: ['no-gp', 'begs-for-money', 'limited-freedom'],
    age: 15,
    level: 'high',
    seed: ['- Is known to beg for money', '- Has limited freedom of movement', WITHIN_48],
    why: 'three different indicators: high',
  },
];

describe('risk-checks.yaml', () => {
  it('has the three checks and the disclaimer', () => {
    expect(Object.keys(rules.checks).sort()).toEqual(['cse', 'missing', 'trafficking']);
    expect(rules.disclaimer).toBe(DISCLAIMER);
  });

  it.each(CHECKS)('%s: every level can be reached', (check) => {
    const reached = new Set(levelCases.filter((c) => c.check === check).map((c) => c.level));
    expect([...reached].sort()).toEqual(['high', 'low', 'medium']);
  });

  it('describes the exploitation check as the partnership’s own prompts, not SERAF', () => {
    const { description } = rules.checks.cse;
    expect(description).toContain("the partnership's own prompts");
    expect(description).not.toMatch(/SERAF/);
    expect(yamlText).not.toMatch(/points:/);
  });

  it.each(CHECKS)('%s: every indicator cites where it comes from', (check) => {
    for (const group of rules.checks[check].groups) {
      for (const indicator of group.indicators) {
        expect(indicator.source, `${check} ${indicator.id}`).toMatch(/^(MET Strategy|national: )/);
      }
    }
  });

  it('has the community indicators a health or school worker can see', () => {
    expect(idsIn('trafficking', 'community')).toEqual([
      'documents-held-by-adult',
      'adult-answers-for-child',
      'claimed-relative',
      'long-hours-of-work',
      'no-school-place',
    ]);
  });
});

describe('scoreRiskCheck: every level boundary, from the seed text', () => {
  const strategy = haveSeeds ? readFileSync(strategyPath, 'utf8') : '';
  const review = haveSeeds ? readFileSync(reviewPath, 'utf8') : '';
  const seedText = `${strategy}\n${review}`.replace(/\s+/g, ' ');

  it.each(levelCases)('$check $selected at $age gives $level: $why', ({ check, selected, age, level }) => {
    const result = scoreRiskCheck(rules, check, { selected, ageYears: age });
    expect(result.level).toBe(level);
    expect(result.suggestedLevel).toBe(level);
    expect(result.check).toBe(check);
    expect(result.disclaimer).toBe(DISCLAIMER);
    expect(result.nextSteps).toEqual(expect.arrayContaining(rules.checks[check].nextSteps[level]));
    expect(result.indicatorsChosen.map((i) => i.id)).toEqual(selected);
  });

  it.skipIf(!haveSeeds).each(levelCases)('$check $level ($why) quotes the seeds exactly', ({ seed }) => {
    for (const line of seed) expect(seedText).toContain(line.replace(/\s+/g, ' '));
  });
});

describe('scoreRiskCheck', () => {
  it.each(CHECKS)('%s: high starts with the call-999 step', (check) => {
    const { selected, age } = levelCases.find((c) => c.check === check && c.level === 'high')!;
    expect(scoreRiskCheck(rules, check, { selected, ageYears: age }).nextSteps[0]).toBe(CALL_999);
  });

  it('gives reasons a practitioner can read', () => {
    const result = scoreRiskCheck(rules, 'cse', {
      selected: ['cars-with-unknown-adults', 'lives-in-care'],
      ageYears: 15,
    });
    expect(result.score).toBe(2);
    expect(result.reasons).toEqual([
      'Significant sign: gets into cars with unknown adults',
      'Vulnerability: lives in care, especially residential',
      'A significant sign of exploitation: at least medium',
      'Vulnerabilities call for attention and review; alone they do not raise the level',
    ]);
  });

  it('counts an indicator chosen twice once', () => {
    const result = scoreRiskCheck(rules, 'cse', { selected: ['older-boyfriend', 'older-boyfriend'] });
    expect(result.score).toBe(1);
    expect(result.indicatorsChosen).toHaveLength(1);
  });

  it('counts an indicator named in two of Appendix 5’s lists once', () => {
    const both = scoreRiskCheck(rules, 'trafficking', { selected: ['no-school-place', 'not-in-school'] });
    expect(both.score).toBe(1);
    const sameAs = rules.checks.trafficking.groups.flatMap((g) => g.indicators).filter((i) => i.sameAs);
    expect(sameAs.map((i) => `${i.id}=${i.sameAs}`)).toEqual([
      'no-school-place=not-in-school',
      'bruising-assault=signs-of-abuse',
      'sti-or-pregnancy=sti-or-unwanted-pregnancy',
      'calls-from-unknown-adults=unexplained-calls',
      'unexplained-possessions=unexplained-money-goods',
      'persistently-missing=missing-for-periods',
    ]);
  });

  it.each(traffickingIds)('trafficking indicator %s alone is recognised and adds the NRM step', (id) => {
    const result = scoreRiskCheck(rules, 'trafficking', { selected: [id] });
    const weak = rules.checks.trafficking.groups.flatMap((g) => g.indicators).find((i) => i.id === id)!.weak;
    expect(result.level).toBe(weak ? 'low' : 'medium');
    expect(result.nextSteps.some((step) => step.startsWith(NRM))).toBe(true);
    expect(result.nextSteps.join(' ')).toMatch(/contact the local authority or police/);
  });

  it('does not suggest an NRM referral when no trafficking indicator is chosen', () => {
    const result = scoreRiskCheck(rules, 'trafficking', { selected: [] });
    expect(result.nextSteps.some((step) => step.startsWith(NRM))).toBe(false);
  });

  it('puts the practitioner’s chosen level first: the next steps follow it', () => {
    const result = scoreRiskCheck(rules, 'cse', {
      selected: ['older-boyfriend'],
      ageYears: 15,
      chosen: { level: 'high', reason: 'Disclosed to a teacher' },
    });
    expect(result).toMatchObject({
      level: 'high',
      suggestedLevel: 'medium',
      chosenReason: 'Disclosed to a teacher',
    });
    expect(result.nextSteps).toEqual(rules.checks.cse.nextSteps.high);
    const lower = scoreRiskCheck(rules, 'cse', {
      selected: ['older-boyfriend'],
      chosen: { level: 'low', reason: 'The boyfriend is 16 and known to the family' },
    });
    expect(lower.nextSteps).toEqual(rules.checks.cse.nextSteps.low);
  });

  it('says what was not known, and treats "unknown" as no indicator', () => {
    const result = scoreRiskCheck(rules, 'cse', {
      selected: ['unknown'],
      unknown: ['significant', 'exploitation-seen'],
    });
    expect(result.level).toBe('low');
    expect(result.score).toBe(0);
    expect(result.unknown).toEqual(['Age', 'Significant sign', 'Exploitation seen or disclosed']);
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

describe('the risk check forms', () => {
  const prompts = loadPrompts(resolve(root, 'prompts'));
  const form = riskCheckForm(rules, 'trafficking', prompts.messages);
  const spec = rules.checks.trafficking;
  const fields = (answers: Record<string, unknown>) => visibleQuestions(form, answers).map((q) => q.field);

  it.each([
    [undefined, false],
    ['unknown', false],
    ['settled', false],
    ['recent', true],
    ['known', true],
  ])('asks the port of entry and sponsor questions when arrival is %s: %s', (arrival, asked) => {
    const shown = fields(arrival ? { context: { arrival } } : {});
    expect(shown.includes('indicators.port-of-entry')).toBe(asked);
    expect(shown.includes('indicators.sponsor')).toBe(asked);
    expect(shown).toContain('indicators.community');
  });

  it('offers "Don’t know" on every list, and does not insist on an answer', () => {
    for (const check of CHECKS) {
      const lists = riskCheckForm(rules, check, prompts.messages)
        .steps.flatMap((s) => s.questions)
        .filter((q) => q.type === 'multichoice');
      for (const list of lists) {
        expect(list.optional).toBe(true);
        expect(list.options?.at(-1)).toEqual({ value: 'unknown', label: "Don't know" });
      }
    }
  });

  it('stores "Don’t know" as unknown, not as none', () => {
    const answers = riskCheckAnswersSchema(spec).parse({
      context: { arrival: 'settled' },
      indicators: { community: ['unknown'], 'resident-in-uk': [], internal: ['truancy', 'unknown'] },
    });
    expect(selectedIndicators(answers)).toEqual(['truancy']);
    // The port of entry was not asked (settled): neither none nor unknown.
    expect(unknownAnswers(spec, answers)).toEqual(['community', 'internal']);
    const none = riskCheckAnswersSchema(spec).parse({
      context: { arrival: 'recent' },
      indicators: { community: [], 'port-of-entry': [], sponsor: [], 'resident-in-uk': [], internal: [] },
    });
    expect(unknownAnswers(spec, none)).toEqual([]);
    expect(unknownAnswers(spec, { indicators: {} })).toEqual([
      'arrival',
      'community',
      'resident-in-uk',
      'internal',
    ]);
  });
});

describe('RiskRulesSchema', () => {
  const mutated = (change: (doc: RiskRules) => void) => {
    const doc = parse(yamlText);
    change(doc);
    return RiskRulesSchema.safeParse(doc);
  };
  const first = (d: RiskRules) => d.checks.cse.groups[0]!.indicators[0]!;

  it.each<[string, (doc: RiskRules) => void, RegExp]>([
    [
      'a duplicate id in one group',
      (d) => d.checks.cse.groups[0]!.indicators.push({ id: 'lives-in-care', label: 'Again', source: 'x' }),
      /duplicate indicator id "lives-in-care"/,
    ],
    [
      'a duplicate id across groups',
      (d) => d.checks.trafficking.groups[3]!.indicators.push({ id: 'no-gp', label: 'Again', source: 'x' }),
      /duplicate indicator id "no-gp"/,
    ],
    [
      'a rule naming an unknown group',
      (d) =>
        d.checks.cse.rules.push({
          when: { groups: ['no-such-group'], count: 1 },
          atLeast: 'high',
          reason: 'x',
        }),
      /unknown group "no-such-group"/,
    ],
    [
      'a rule naming an unknown indicator',
      (d) => d.checks.missing.rules.push({ when: { anyOf: ['no-such-sign'] }, atLeast: 'high', reason: 'x' }),
      /unknown indicator "no-such-sign"/,
    ],
    ['a sameAs naming nothing', (d) => (first(d).sameAs = 'no-such-sign'), /sameAs names no other/],
    [
      'a question asked on an unknown context',
      (d) => (d.checks.trafficking.groups[1]!.askWhen = { context: 'no-such', in: ['recent'] }),
      /unknown context "no-such"/,
    ],
    ['an indicator without its source', (d) => delete (first(d) as { source?: string }).source, /source/],
    ['an indicator called "unknown"', (d) => (first(d).id = 'unknown'), /Don't know/],
    ['a title over 24 characters', (d) => (d.checks.cse.title = 'Child exploitation risk check'), /24/],
    ['a label over 75 characters', (d) => (first(d).label = 'x'.repeat(76)), /75/],
    ['an id that is not kebab-case', (d) => (first(d).id = 'LivesInCare'), /kebab/],
  ])('rejects %s', (_name, change, message) => {
    const result = mutated(change);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n')).toMatch(message);
  });
});

describe('trafficking indicators against Appendix 5 of the MET Strategy', () => {
  // Counted by hand in seeds/000_f1cc58addeabf4ac.txt: at port of entry 11 (the child) + 3 (the
  // sponsor), whilst resident in the UK 14, internally trafficked 17.
  const APPENDIX_5_BULLETS = 45;

  it('has at least as many indicators as the hand count', () => {
    const fromSeed = traffickingIds.filter((id) => !idsIn('trafficking', 'community').includes(id));
    expect(fromSeed.length).toBeGreaterThanOrEqual(APPENDIX_5_BULLETS);
  });

  it.skipIf(!existsSync(strategyPath))(
    'has at least as many indicators as the seed has bullets, per list',
    () => {
      const seed = readFileSync(strategyPath, 'utf8');
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
