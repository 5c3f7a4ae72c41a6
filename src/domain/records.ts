import { z } from 'zod';
import { entityAnswerFields } from './entity-answers';
import { notIndependent } from './independence';

/**
 * What each form collects: the "answers" the conversation engine builds, one question at a time,
 * from what a user types. The words and the order of the questions live in prompts/forms/*.yaml;
 * a test proves every required field here has a question there.
 *
 * Value types by question type: text and longtext → trimmed string; choice → the option's value;
 * multichoice → an array of option values; yesno → boolean; date → 'YYYY-MM-DD'; datetime → an
 * ISO 8601 UTC string; number → number; episode → the id or reference of a missing episode.
 *
 * No arrays of objects: a chat asks one answer at a time, so several people, vehicles or phones go
 * in one longtext field. Checks that need a clock (a time in the future, an age that does not match
 * the date of birth) are left to the engine, which is given one.
 */

/** A `text` answer: one line. */
export const TEXT_MAX_CHARS = 200;
/** A `longtext` answer: a narrative. */
export const LONGTEXT_MAX_CHARS = 3000;

const ShortText = z
  .string({ error: 'Please type an answer.' })
  .trim()
  .min(1, 'Please type an answer.')
  .max(TEXT_MAX_CHARS, `Please keep this under ${TEXT_MAX_CHARS} characters.`);

const LongText = z
  .string({ error: 'Please type an answer.' })
  .trim()
  .min(1, 'Please type an answer.')
  .max(LONGTEXT_MAX_CHARS, `Please keep this under ${LONGTEXT_MAX_CHARS} characters, or split it up.`);

const Day = z.iso.date({ error: 'Please give a date, for example 14/03/2011.' });
const Moment = z.iso.datetime({ error: 'Please give a date and time, for example 27/11/2026 18:45.' });
const YesNo = z.boolean({ error: 'Please answer yes or no.' });
// Up to 25: care leavers are supported to 25, and a young person whose age is uncertain is treated
// as a child (MET Strategy, Appendix 5), so an age over 17 is not refused.
const AgeYears = z
  .number({ error: 'Please give their age as a number of years.' })
  .int('Please give their age in whole years.')
  .min(0, 'Please give their age in years, from 0 to 25.')
  .max(25, 'Please give their age in years, from 0 to 25.');

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: 'Please choose one of the options.' });
const anyOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.array(oneOf(values), { error: 'Please choose from the options.' });

/** One problem across fields: `path` is the dotted field path to ask again. */
export interface AnswerIssue {
  path: string;
  message: string;
}

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function addIssues(issues: AnswerIssue[], ctx: z.RefinementCtx): void {
  for (const { path, message } of issues) ctx.addIssue({ code: 'custom', path: path.split('.'), message });
}

// ---------------------------------------------------------------------------------------------
// Intelligence to the police (Hampshire's FIB1 / Community Partnership Information form)
// ---------------------------------------------------------------------------------------------

/** What an intelligence report is about: a child, or something with no child named. */
export const intelligenceSubjects = ['child', 'place', 'vehicle', 'person'] as const;

/** Whether intelligence answers are about a child (`about` left out, in older records and the API, means a child). */
export const namesChild = (answers: { about?: string }): boolean =>
  answers.about === undefined || answers.about === 'child';

/** The structured answer that says what a report with no child named is about. */
const subjectList = {
  place: { path: 'placeList', message: 'Please give the place this is about.' },
  vehicle: { path: 'vehicleList', message: 'Please give the vehicle this is about.' },
  person: { path: 'personsOfConcernList', message: 'Please give the person of concern this is about.' },
} as const;

const IntelligenceFields = z.object({
  /** Asked first: the bot says "call 999 now" at once, and still takes the report. */
  immediateDanger: YesNo,
  /**
   * Issue 16: a child, or a place, vehicle or person of concern with no child named. Left out
   * means a child, as in every record kept before it was asked.
   */
  about: oneOf(intelligenceSubjects).optional(),
  /** Required when the report is about a child; left out when no child is named. */
  child: z
    .object({
      /** Full name with nicknames or aliases; or a description when the name is not known. */
      name: ShortText,
      dateOfBirth: Day.optional(),
      ageYears: AgeYears.optional(),
      /** School and year group. */
      school: ShortText.optional(),
      address: ShortText.optional(),
      careStatus: oneOf(['not-in-care', 'section-20', 'section-31', 'section-38', 'dont-know']).optional(),
    })
    .optional(),
  whatHappened: LongText,
  /** Addresses, premises, parks, hotspots. */
  where: ShortText.optional(), // "don't know" leaves it out
  /** Free text, not a datetime: a submitter often knows only "most Friday nights since September". */
  whenHappened: ShortText.optional(), // "don't know" leaves it out
  howKnown: oneOf(['saw-it', 'child-said', 'someone-else-said', 'rumour']),
  corroborated: YesNo.optional(),
  /** Names, nicknames, ages and descriptions of the people who may be harming the child. */
  personsOfConcern: LongText.optional(),
  /** Friends and others the child is seen with. */
  associates: LongText.optional(),
  /** Registrations, makes, models and colours. */
  vehicles: LongText.optional(),
  /** Phone numbers, apps, usernames and platforms. */
  phonesAndOnline: LongText.optional(),
  /** The same, as structured lists (issue 19): what the intelligence picture matches on. */
  ...entityAnswerFields,
  /** 3x5x2, as the submitter sees it; the police researcher makes the final grading. */
  sourceEvaluation: oneOf(['1', '2', '3', 'dont-know']),
  intelligenceAssessment: oneOf(['A', 'B', 'C', 'D', 'E', 'dont-know']),
  handling: oneOf(['P', 'C']),
  /** Asked only when handling is C. */
  handlingConditions: ShortText.optional(),
  /** Required when the report is about a child. */
  childAware: oneOf(['knows-and-agreed', 'knows-not-agreed', 'does-not-know', 'not-asked']).optional(),
  /** Asked when the child has not agreed: the lawful basis (DPA 2018 Sch. 1 para. 18). */
  sharingBasis: oneOf(['safeguarding', 'crime', 'other']).optional(),
  sourceCouldBeExposed: YesNo.optional(),
  otherAgencies: ShortText.optional(),
  /** The sender's call-back details for the police researcher. */
  callBack: ShortText.optional(),
});

function intelligenceIssues(answers: DeepPartial<z.infer<typeof IntelligenceFields>>): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  // Asked again as soon as its step is left without it (a Slack modal), as well as at the end.
  const list = subjectList[answers.about as keyof typeof subjectList];
  if (list && !answers[list.path]?.length) issues.push({ path: list.path, message: list.message });
  if (answers.handling === 'C' && answers.handlingConditions === undefined) {
    issues.push({
      path: 'handlingConditions',
      message: 'Handling code C means sharing has conditions. Please say what they are.',
    });
  }
  // 3x5x2: A is "known directly to the source"; something heard from someone else is not.
  if (
    answers.intelligenceAssessment === 'A' &&
    (answers.howKnown === 'someone-else-said' || answers.howKnown === 'rumour')
  ) {
    issues.push({
      path: 'intelligenceAssessment',
      message: 'A means you know it first-hand, but you heard it from someone else. Please choose again.',
    });
  }
  // 3x5x2: B is "known indirectly to the source but corroborated".
  if (answers.intelligenceAssessment === 'B' && answers.corroborated === false) {
    issues.push({
      path: 'intelligenceAssessment',
      message: 'B means someone else has backed it up, but you said no one has. Please choose again.',
    });
  }
  return issues;
}

/**
 * What each path must hold (issue 16): a child's report, the child and whether they know; a
 * report with no child named, no child (and, in intelligenceIssues, the place, vehicle or person
 * it is about). Checked on the whole record only: while a form is being filled in, these are
 * questions not yet asked.
 */
function intelligencePathIssues(answers: z.infer<typeof IntelligenceFields>): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  if (namesChild(answers)) {
    if (answers.child === undefined)
      issues.push({ path: 'child.name', message: "Please give the child's name, or describe them." });
    if (answers.childAware === undefined)
      issues.push({
        path: 'childAware',
        message: 'Please say whether the child knows you are sharing this.',
      });
    return issues;
  }
  if (answers.child !== undefined)
    issues.push({ path: 'child', message: 'A report with no child named cannot hold a child.' });
  if (answers.childAware !== undefined || answers.sharingBasis !== undefined)
    issues.push({
      path: 'childAware',
      message: 'A report with no child named cannot say what a child knows.',
    });
  return issues;
}

export const IntelligenceAnswers = IntelligenceFields.superRefine((answers, ctx) =>
  addIssues([...intelligencePathIssues(answers), ...intelligenceIssues(answers)], ctx),
);
export type IntelligenceAnswersT = z.infer<typeof IntelligenceAnswers>;

// ---------------------------------------------------------------------------------------------
// A child reported missing (the notification partners share; the police are told first)
// ---------------------------------------------------------------------------------------------

const MissingFields = z.object({
  child: z.object({
    name: ShortText,
    dateOfBirth: Day.optional(),
    ageYears: AgeYears.optional(),
    gender: oneOf(['girl', 'boy', 'other', 'prefer-not-to-say']).optional(),
    ethnicity: ShortText.optional(),
    inCare: YesNo,
  }),
  missingFrom: oneOf([
    'home',
    'care-foster',
    'care-residential',
    'care-supported',
    'school',
    'out-of-area-placement',
    'other',
  ]),
  /** The placement or school, when missing from care or school. */
  placeName: ShortText.optional(),
  lastSeen: z.object({
    at: Moment,
    where: ShortText.optional(), // "don't know" leaves it out
    withWhom: ShortText.optional(),
  }),
  /** Height, build, hair, clothing and anything distinctive. */
  description: LongText,
  phone: ShortText.optional(),
  placesMayGo: LongText.optional(),
  associates: LongText.optional(),
  risks: anyOf([
    'exploitation',
    'health-or-medication',
    'self-harm',
    'age-under-13',
    'alcohol-or-drugs',
    'other',
  ]).optional(),
  riskDetails: LongText.optional(),
  policeTold: YesNo,
  /** Asked only when the police have been told. */
  policeReference: ShortText.optional(),
  /** The police's own grading of the episode, when known. */
  policeRiskGrading: oneOf(['high', 'medium', 'low', 'no-apparent-risk', 'dont-know']).optional(),
  /**
   * How many other times the child has gone missing in the last 90 days, as the reporter knows it;
   * left out for "don't know" (src/domain/missing-history.ts adds the episodes on record).
   */
  timesBefore: z
    .number({ error: 'Please type a whole number, for example 3.' })
    .int('Please type a whole number, for example 3.')
    .min(0)
    .max(90, 'Please give how many times in the last 90 days: at most 90.')
    .optional(),
});

function missingIssues(answers: DeepPartial<z.infer<typeof MissingFields>>): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  const age = answers.child?.ageYears;
  if (age !== undefined && age >= 13 && answers.risks?.includes('age-under-13')) {
    issues.push({
      path: 'risks',
      message: `You gave their age as ${age}, so "under 13" does not apply. Please choose again.`,
    });
  }
  if (answers.risks?.includes('other') && answers.riskDetails === undefined) {
    issues.push({ path: 'riskDetails', message: 'You chose "other risk". Please say what it is.' });
  }
  return issues;
}

export const MissingAnswers = MissingFields.superRefine((answers, ctx) =>
  addIssues(missingIssues(answers), ctx),
);
export type MissingAnswersT = z.infer<typeof MissingAnswers>;

// ---------------------------------------------------------------------------------------------
// A child who has returned or been found
// ---------------------------------------------------------------------------------------------

const ReturnFields = z.object({
  /** The id or reference of the missing episode this return ends. */
  episode: z
    .string({ error: 'Please choose the missing episode.' })
    .trim()
    .min(1, 'Please choose the missing episode.'),
  returnedAt: Moment,
  whereFound: ShortText.optional(), // "don't know" leaves it out
  foundBy: oneOf(['police', 'parent-or-carer', 'came-back-themselves', 'other-professional', 'other']),
  /** The police safe and well check, done as soon as possible after the child is found. */
  safeAndWellCheck: oneOf(['yes', 'not-yet', 'dont-know']),
  /** The carer or placement worker the child lives with: the interviewer must not be them. */
  carerName: ShortText.optional(),
  /** Who will do the independent return interview; the coordinator may assign one later. */
  interviewer: z
    .object({
      name: ShortText.optional(),
      role: oneOf([
        'social-worker',
        'barnardos-worker',
        'independent-return-worker',
        'trusted-professional-child-chose',
        'carer-or-placement-worker',
      ]).optional(),
    })
    .optional(),
  anythingElse: LongText.optional(),
});

function returnIssues(answers: DeepPartial<z.infer<typeof ReturnFields>>): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  const interviewer = answers.interviewer;
  // MET Strategy: "a worker independent of the care arrangements … not the foster carer or
  // residential worker"; DfE 2014: independent unless the child prefers a trusted worker.
  const sameAsCarer = notIndependent(interviewer ?? {}, answers.carerName);
  if (sameAsCarer) issues.push({ path: 'interviewer.name', message: sameAsCarer });
  else if (interviewer?.role === 'carer-or-placement-worker') {
    issues.push({
      path: 'interviewer.role',
      message:
        'The return interview must be done by someone independent of where the child lives, not their carer.',
    });
  } else if (interviewer?.name !== undefined && interviewer.role === undefined) {
    issues.push({ path: 'interviewer.role', message: "Please say what the interviewer's role is." });
  }
  return issues;
}

export const ReturnAnswers = ReturnFields.superRefine((answers, ctx) =>
  addIssues(returnIssues(answers), ctx),
);
export type ReturnAnswersT = z.infer<typeof ReturnAnswers>;

// ---------------------------------------------------------------------------------------------
// The independent return interview (DfE 2014: offered within 72 hours of the return; it covers
// harm, why they went, push and pull factors, where they were, who with, and what help they want)
// ---------------------------------------------------------------------------------------------

const InterviewFields = z.object({
  /** The reference of the missing episode the interview follows. */
  episode: z
    .string({ error: 'Please choose the missing episode.' })
    .trim()
    .min(1, 'Please choose the missing episode.'),
  /** Left out when the person recording it does not know (asked, with "don't know" allowed). */
  offeredAt: Moment.optional(),
  offeredHow: oneOf(['in-person', 'phone', 'video', 'letter-or-message']),
  outcome: oneOf(['completed', 'declined', 'not-yet']),
  declinedReason: ShortText.optional(),
  completedAt: Moment.optional(),
  completedBy: ShortText.optional(),
  whereTheyWere: LongText.optional(),
  whoWith: LongText.optional(),
  pushFactors: LongText.optional(),
  pullFactors: LongText.optional(),
  harm: LongText.optional(),
  /** The child's own views and wishes, in their words where possible. */
  childViews: LongText.optional(),
  actionsAgreed: LongText.optional(),
});

function interviewIssues(answers: DeepPartial<z.infer<typeof InterviewFields>>): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  if (answers.outcome === 'completed' && answers.completedAt === undefined) {
    issues.push({ path: 'completedAt', message: 'Please say when the interview was done.' });
  }
  if (answers.completedAt && answers.offeredAt && answers.completedAt < answers.offeredAt) {
    issues.push({ path: 'completedAt', message: 'The interview cannot be done before it was offered.' });
  }
  // DfE 2014: a child may decline; record that, and the reason.
  if (answers.outcome === 'declined' && answers.declinedReason === undefined) {
    issues.push({ path: 'declinedReason', message: 'Please record why the child declined, if they said.' });
  }
  return issues;
}

export const InterviewAnswers = InterviewFields.superRefine((answers, ctx) =>
  addIssues(interviewIssues(answers), ctx),
);
export type InterviewAnswersT = z.infer<typeof InterviewAnswers>;

export const answerSchemas = {
  intelligence: IntelligenceAnswers,
  missing: MissingAnswers,
  return: ReturnAnswers,
  'return-interview': InterviewAnswers,
} as const;

const issueFinders = {
  intelligence: intelligenceIssues,
  missing: missingIssues,
  return: returnIssues,
  'return-interview': interviewIssues,
} as const;

/**
 * The cross-field rules on answers given so far, so the engine can ask again at once rather than at
 * the end: zod runs an object's refinements only once every required field is valid, and a schema
 * with refinements cannot be made `.partial()`. Pass answers whose fields have each passed their
 * own schema (`schemaAt`). The same rules run inside each schema's `superRefine`.
 */
export function crossFieldIssues(
  record: keyof typeof answerSchemas,
  answers: Record<string, unknown>,
): AnswerIssue[] {
  return (issueFinders[record] as (answers: Record<string, unknown>) => AnswerIssue[])(answers);
}
