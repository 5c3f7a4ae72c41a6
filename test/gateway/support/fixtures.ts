import type { IntelligenceAnswersT, MissingAnswersT } from '../../../src/domain/records';

/** Synthetic people only. */
export function intelligenceAnswers(overrides: Partial<IntelligenceAnswersT> = {}): IntelligenceAnswersT {
  return {
    immediateDanger: false,
    child: {
      name: 'Testchild Example',
      ageYears: 14,
      school: 'Example Academy, Year 9',
      careStatus: 'section-20',
    },
    whatHappened: 'Seen getting into a blue car with an older man after school.\nHe gave her a new phone.',
    where: 'Outside Example Academy, Sampletown',
    whenHappened: 'Most Fridays since September',
    howKnown: 'saw-it',
    vehicles: 'Blue hatchback, registration AB12 CDE',
    sourceEvaluation: '2',
    intelligenceAssessment: 'A',
    handling: 'P',
    childAware: 'not-asked',
    ...overrides,
  };
}

export function missingAnswers(overrides: Partial<MissingAnswersT> = {}): MissingAnswersT {
  return {
    child: {
      name: 'Sampleson Placeholder',
      ageYears: 15,
      gender: 'boy',
      ethnicity: 'White British',
      inCare: true,
    },
    missingFrom: 'care-residential',
    lastSeen: { at: '2026-11-27T18:45:00.000Z', where: 'Example Road bus stop' },
    description: 'Tall, short dark hair, grey hoodie and black trainers.',
    policeTold: true,
    policeReference: 'EX-12345',
    ...overrides,
  };
}
