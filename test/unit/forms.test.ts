import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  conditionsOf,
  type Form,
  FormSchema,
  type InputType,
  questionsOf,
} from '../../src/conversation/form-definition';
import { leafPaths, schemaAt, unwrap } from '../../src/conversation/schema-path';
import {
  answerSchemas,
  crossFieldIssues,
  type IntelligenceAnswersT,
  LONGTEXT_MAX_CHARS,
  type MissingAnswersT,
  type ReturnAnswersT,
  TEXT_MAX_CHARS,
} from '../../src/domain/records';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RECORDS = ['intelligence', 'missing', 'return', 'return-interview'] as const;
type RecordName = (typeof RECORDS)[number];
const FILLED = ['intelligence', 'missing', 'return'] as const;
const files: Record<RecordName, string> = {
  intelligence: 'intelligence',
  missing: 'missing',
  return: 'return',
  'return-interview': 'interview',
};

const loadForm = (record: RecordName): unknown =>
  parse(readFileSync(resolve(root, `prompts/forms/${files[record]}.yaml`), 'utf8'));

/** The schema a field's answer must pass, with optional and other wrappers taken off. */
const innerAt = (record: RecordName, field: string): z.ZodType | undefined => {
  const schema = schemaAt(answerSchemas[record], field);
  return schema && unwrap(schema).inner;
};

/** Whether a field's schema can hold what the engine produces for a question type. */
function fitsType(schema: z.ZodType, type: InputType): boolean {
  const isString = schema instanceof z.ZodString;
  switch (type) {
    case 'text':
      return isString && schema.maxLength === TEXT_MAX_CHARS;
    case 'longtext':
      return isString && schema.maxLength === LONGTEXT_MAX_CHARS;
    case 'episode':
      return isString;
    case 'choice':
      return schema instanceof z.ZodEnum;
    case 'multichoice':
      return schema instanceof z.ZodArray && schema.element instanceof z.ZodEnum;
    case 'yesno':
      return schema instanceof z.ZodBoolean;
    case 'number':
      return schema instanceof z.ZodNumber;
    case 'date':
      return schema instanceof z.ZodISODate;
    case 'datetime':
      return schema instanceof z.ZodISODateTime;
  }
}

const enumValues = (schema: z.ZodType | undefined): string[] | undefined => {
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  if (schema instanceof z.ZodArray && schema.element instanceof z.ZodEnum)
    return schema.element.options.map(String);
  return undefined;
};

describe.each(RECORDS)('the %s form', (record) => {
  const parsed = FormSchema.safeParse(loadForm(record));
  const form = parsed.data as Form;
  const questions = parsed.success ? questionsOf(form) : [];
  const schema = answerSchemas[record];

  it('passes FormSchema and names its record', () => {
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(form.id).toBe(files[record]);
    expect(form.record).toBe(record);
  });

  it('asks about fields that exist in the answers schema, with a matching type', () => {
    for (const q of questions) {
      const inner = innerAt(record, q.field);
      expect(inner, `${q.field} is not in the ${record} answers`).toBeDefined();
      expect(inner instanceof z.ZodObject, `${q.field} is a group, not a field`).toBe(false);
      // Structured answers (people, vehicles, phones…) are typed one a line and kept as a list.
      if (q.entities)
        expect(inner instanceof z.ZodArray, `${q.field} keeps a list of ${q.entities}`).toBe(true);
      else
        expect(fitsType(inner as z.ZodType, q.type), `${q.field} cannot hold a ${q.type} answer`).toBe(true);
    }
  });

  it('asks every required field exactly once, never conditionally and never skippably', () => {
    const required = leafPaths(schema).filter((leaf) => leaf.required);
    expect(required.length).toBeGreaterThan(0);
    for (const { path } of required) {
      const asking = questions.filter((q) => q.field === path);
      expect(asking, `questions for required ${path}`).toHaveLength(1);
      expect(asking[0]?.optional, `${path} is required`).toBe(false);
      expect(asking[0]?.when, `${path} is required, so it is always asked`).toBeUndefined();
    }
  });

  it('gives no field two questions', () => {
    const fields = questions.map((q) => q.field);
    expect(fields.filter((field, i) => fields.indexOf(field) !== i)).toEqual([]);
  });

  it("offers exactly the schema's values in each choice question", () => {
    for (const q of questions.filter((q) => q.type === 'choice' || q.type === 'multichoice')) {
      const values = q.options?.map((option) => option.value);
      expect(values, q.field).toEqual(enumValues(innerAt(record, q.field)));
    }
  });

  it('branches only on earlier questions, with values those questions can give', () => {
    questions.forEach((q, i) => {
      const earlier = questions.slice(0, i).map((before) => before.field);
      for (const when of conditionsOf(q.when)) {
        expect(earlier, `${q.field} depends on ${when.field}`).toContain(when.field);
        const target = schemaAt(schema, when.field) as z.ZodType;
        for (const value of [when.equals, when.notEquals, ...(when.in ?? []), ...(when.notIn ?? [])]) {
          if (value !== undefined) expect(target.safeParse(value).success, `${q.field}: ${value}`).toBe(true);
        }
      }
    });
  });

  it('gives notices only on answers the question can have', () => {
    for (const q of questions.filter((q) => q.notice)) {
      const field = schemaAt(schema, q.field) as z.ZodType;
      expect(field.safeParse(q.notice?.when).success, q.field).toBe(true);
    }
  });

  it('keeps steps to a modal page each', () => {
    for (const step of form.steps) expect(step.questions.length).toBeLessThanOrEqual(8);
  });
});

describe('the intelligence form', () => {
  it('asks about immediate danger first, and says to call 999', () => {
    const first = questionsOf(FormSchema.parse(loadForm('intelligence')))[0];
    expect(first?.field).toBe('immediateDanger');
    expect(first?.notice).toEqual({
      when: true,
      text: 'Call 999 now if you have not already. Then carry on: I will still take your report.',
    });
  });
});

// Obviously invented people and places only.
const intelligence: IntelligenceAnswersT = {
  immediateDanger: false,
  child: { name: 'Testchild Example', ageYears: 14, careStatus: 'section-20' },
  whatHappened: 'Seen getting into a car with two adult men outside school at home time.',
  where: 'Example Road, outside Example Academy',
  whenHappened: 'Most Fridays since September',
  howKnown: 'saw-it',
  corroborated: true,
  vehicles: 'Silver hatchback, registration starting XX00',
  sourceEvaluation: '2',
  intelligenceAssessment: 'A',
  handling: 'P',
  childAware: 'does-not-know',
};

const missing: MissingAnswersT = {
  child: { name: 'Testchild Example', ageYears: 12, gender: 'girl', inCare: true },
  missingFrom: 'care-residential',
  placeName: 'Example House',
  lastSeen: { at: '2026-11-27T18:45:00.000Z', where: 'Example Road bus stop' },
  description: 'Small, dark hair in a ponytail, grey hoodie, black trainers.',
  risks: ['exploitation', 'age-under-13'],
  policeTold: true,
  policeReference: 'TEST-0001',
};

const found: ReturnAnswersT = {
  episode: 'MIS-TEST-0001',
  returnedAt: '2026-11-28T09:10:00.000Z',
  whereFound: "A friend's house on Example Road",
  foundBy: 'police',
  safeAndWellCheck: 'not-yet',
  interviewer: { name: 'Testworker Example', role: 'barnardos-worker' },
};

const valid = { intelligence, missing, return: found } as const;

/** Required only on the path the answers take: intelligence about a child (issue 16). */
const requiredOnPath: Partial<Record<RecordName, string[]>> = { intelligence: ['child.name', 'childAware'] };

/** The paths and messages of what a schema refuses. */
const refusals = (record: RecordName, answers: unknown) =>
  (answerSchemas[record].safeParse(answers).error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));

describe('answers', () => {
  it.each(FILLED)('accepts a complete %s', (record) => {
    expect(refusals(record, valid[record])).toEqual([]);
  });

  it.each(FILLED)('accepts a %s with only its required fields', (record) => {
    const minimal = structuredClone(valid[record]) as Record<string, unknown>;
    const values = minimal as Record<string, Record<string, unknown>>;
    for (const { path, required } of leafPaths(answerSchemas[record])) {
      if (required || requiredOnPath[record]?.includes(path)) continue;
      const [head, tail] = path.split('.') as [string, string | undefined];
      if (tail) delete values[head]?.[tail];
      else delete minimal[head];
    }
    expect(refusals(record, minimal)).toEqual([]);
  });

  it('trims text and refuses it blank or too long', () => {
    const trimmed = answerSchemas.missing.parse({
      ...missing,
      lastSeen: { ...missing.lastSeen, where: '  Park  ' },
    });
    expect(trimmed.lastSeen.where).toBe('Park');
    expect(refusals('missing', { ...missing, description: '   ' })).toEqual([
      { path: 'description', message: 'Please type an answer.' },
    ]);
    expect(refusals('intelligence', { ...intelligence, where: 'x'.repeat(201) })[0]?.path).toBe('where');
    expect(refusals('intelligence', { ...intelligence, whatHappened: 'x'.repeat(3000) })).toEqual([]);
  });

  it.each([
    ['a date and time with an offset', { at: '2026-11-27T18:45:00+01:00' }],
    ['a date alone', { at: '2026-11-27' }],
    ['free text', { at: 'yesterday 21:00' }],
  ])('refuses %s as a last-seen time: the engine gives UTC', (_name, lastSeen) => {
    expect(refusals('missing', { ...missing, lastSeen: { ...missing.lastSeen, ...lastSeen } })[0]?.path).toBe(
      'lastSeen.at',
    );
  });

  it('refuses a choice that is not an option', () => {
    expect(refusals('return', { ...found, foundBy: 'a-neighbour' })).toEqual([
      { path: 'foundBy', message: 'Please choose one of the options.' },
    ]);
  });
});

type RuleCase = [
  name: string,
  record: (typeof FILLED)[number],
  change: Record<string, unknown>,
  path: string | null,
];

const ruleCases: RuleCase[] = [
  [
    'an interviewer who is the carer',
    'return',
    { interviewer: { name: 'Testcarer Example', role: 'carer-or-placement-worker' } },
    'interviewer.role',
  ],
  [
    'an interviewer with no role',
    'return',
    { interviewer: { name: 'Testworker Example' } },
    'interviewer.role',
  ],
  [
    'an interviewer the child chose',
    'return',
    { interviewer: { name: 'Testworker Example', role: 'trusted-professional-child-chose' } },
    null,
  ],
  ['no interviewer yet', 'return', { interviewer: undefined }, null],
  ['handling C with no conditions', 'intelligence', { handling: 'C' }, 'handlingConditions'],
  [
    'handling C with conditions',
    'intelligence',
    { handling: 'C', handlingConditions: 'Not to the school' },
    null,
  ],
  [
    'A for something heard from someone else',
    'intelligence',
    { howKnown: 'someone-else-said' },
    'intelligenceAssessment',
  ],
  ['A for a rumour', 'intelligence', { howKnown: 'rumour' }, 'intelligenceAssessment'],
  ['A for what the child said', 'intelligence', { howKnown: 'child-said' }, null],
  [
    'B when not backed up',
    'intelligence',
    { intelligenceAssessment: 'B', corroborated: false },
    'intelligenceAssessment',
  ],
  ['B when backed up', 'intelligence', { intelligenceAssessment: 'B', corroborated: true }, null],
  ['"under 13" for a child of 15', 'missing', { child: { ...missing.child, ageYears: 15 } }, 'risks'],
  ['"under 13" with no age given', 'missing', { child: { ...missing.child, ageYears: undefined } }, null],
  ['another risk not described', 'missing', { risks: ['other'] }, 'riskDetails'],
  ['another risk described', 'missing', { risks: ['other'], riskDetails: 'Diabetic, has no insulin' }, null],
];

describe('cross-field rules', () => {
  it.each(ruleCases)('%s', (_name, record, change, path) => {
    const answers = { ...valid[record], ...change };
    const issues = refusals(record, answers);
    if (path === null) {
      expect(issues).toEqual([]);
      expect(crossFieldIssues(record, answers)).toEqual([]);
    } else {
      expect(issues.map((issue) => issue.path)).toEqual([path]);
      expect(issues[0]?.message).toMatch(/^[A-Z].*\.$/);
      expect(crossFieldIssues(record, answers)).toEqual(issues);
    }
  });

  it('refuses the carer as interviewer in plain words', () => {
    const answers = {
      ...found,
      interviewer: { name: 'Testcarer Example', role: 'carer-or-placement-worker' },
    };
    expect(refusals('return', answers)).toEqual([
      {
        path: 'interviewer.role',
        message:
          'The return interview must be done by someone independent of where the child lives, not their carer.',
      },
    ]);
  });

  it('checks answers given so far, before the required ones are all in', () => {
    expect(
      answerSchemas.intelligence.safeParse({ handling: 'C' }).error?.issues.map((i) => i.path.join('.')),
    ).not.toContain('handlingConditions');
    expect(crossFieldIssues('intelligence', { handling: 'C' }).map((issue) => issue.path)).toEqual([
      'handlingConditions',
    ]);
    expect(crossFieldIssues('return', { interviewer: { role: 'carer-or-placement-worker' } })).toHaveLength(
      1,
    );
    expect(crossFieldIssues('missing', {})).toEqual([]);
  });
});

describe('intelligence with no child named (issue 16)', () => {
  const { child: _child, childAware: _aware, ...noChild } = intelligence;
  const place = { ...noChild, about: 'place', placeList: [{ place: 'The flat above the chip shop' }] };

  it('is accepted with the place, vehicle or person it is about, and no child', () => {
    expect(refusals('intelligence', place)).toEqual([]);
    expect(
      refusals('intelligence', { ...noChild, about: 'vehicle', vehicleList: [{ registration: 'HX15 ABC' }] }),
    ).toEqual([]);
    expect(
      refusals('intelligence', { ...noChild, about: 'person', personsOfConcernList: [{ name: 'Deano' }] }),
    ).toEqual([]);
  });

  it('needs what it is about, and holds no child or what a child knows', () => {
    const { placeList: _list, ...nothing } = place;
    expect(refusals('intelligence', nothing)).toEqual([
      { path: 'placeList', message: 'Please give the place this is about.' },
    ]);
    expect(refusals('intelligence', { ...place, child: { name: 'Testchild Example' } })).toEqual([
      { path: 'child', message: 'A report with no child named cannot hold a child.' },
    ]);
    expect(refusals('intelligence', { ...place, childAware: 'not-asked' }).map((r) => r.path)).toEqual([
      'childAware',
    ]);
  });

  it('still needs the child and what they know when it is about a child, or says nothing of it', () => {
    for (const about of [{}, { about: 'child' }]) {
      expect(refusals('intelligence', { ...noChild, ...about }).map((r) => r.path)).toEqual([
        'child.name',
        'childAware',
      ]);
    }
  });
});
