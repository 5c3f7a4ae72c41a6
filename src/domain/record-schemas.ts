import { z } from 'zod';
import { answerSchemas } from './records';
import { type RecordType, referencePattern, referencePrefixes } from './references';
import { RISK_LEVELS } from './risk';

/**
 * The records as the police gateway and partner systems receive them: one published schema per
 * record type, each the envelope the bot keeps (RecordEnvelope in src/domain/record-envelope.ts)
 * around that type's answers. `schemaVersion` changes whenever a change could break a receiver
 * (a field removed, renamed or newly required); `npx tsx scripts/json-schemas.ts` writes the JSON
 * Schemas under docs/schema/, and a test fails when they are out of date.
 */
export const RECORD_SCHEMA_VERSION = 2;

export const recordTypes = Object.keys(referencePrefixes) as RecordType[];

const Level = z.enum(RISK_LEVELS);
const Moment = z.iso.datetime();
const Text = z.string().trim().min(1);

/**
 * A quick risk check. The indicator ids come from prompts/risk-checks.yaml, which a board may
 * change, so they are named here by shape only: group id → the indicator ids chosen.
 */
export const RiskCheckRecordAnswers = z.object({
  check: z.enum(['cse', 'missing', 'trafficking']),
  child: z.object({ name: Text.optional(), ageYears: z.number().int().min(0).max(25).optional() }).optional(),
  /** Earlier answers that decide which lists are asked, e.g. { arrival: 'recent' }. */
  context: z.record(z.string(), z.string()).optional(),
  /** A list answered "Don't know" holds "unknown"; a list left out was not known or not asked. */
  indicators: z.record(z.string(), z.array(z.string())),
  ownLevel: z.enum(['agree', ...RISK_LEVELS]).optional(),
  ownReason: Text.optional(),
});

const RiskResultSchema = z.object({
  check: z.enum(['cse', 'missing', 'trafficking']),
  /** The level that counts: the practitioner's when they chose one (see chosenLevel). */
  level: Level,
  /** What the check suggested. */
  suggestedLevel: Level.optional(),
  chosenReason: z.string().optional(),
  /** How many different indicators were chosen (one named in two lists counts once). */
  score: z.number(),
  reasons: z.array(z.string()),
  nextSteps: z.array(z.string()),
  disclaimer: z.string(),
  indicatorsChosen: z.array(z.object({ id: z.string(), label: z.string() })),
  /** What the practitioner did not know: "Age", a list's name. */
  unknown: z.array(z.string()).optional(),
});

// proposed: a risk check put the child forward; the MET group has not decided yet (issue 15).
export const metListStatuses = ['proposed', 'nominated', 'active', 'declined', 'removed'] as const;
export const metListActions = [
  'nominate',
  'accept',
  'decline',
  'set-level',
  'set-review',
  'set-lead-professional',
  'remove',
] as const;

/** One change to the MET list, told to the MET coordinator (and the gateway, if routed). */
export const MetListChangeAnswers = z.object({
  action: z.enum(metListActions),
  entryId: z.uuid(),
  child: z.object({ name: Text, initials: Text }),
  fromStatus: z.enum(metListStatuses).nullable(),
  toStatus: z.enum(metListStatuses),
  fromLevel: Level.nullable(),
  toLevel: Level.nullable(),
  reason: Text,
  reviewDate: Moment.nullable(),
  leadProfessional: Text.nullable(),
});

const answersByType = {
  intelligence: answerSchemas.intelligence,
  missing: answerSchemas.missing,
  return: answerSchemas.return,
  'return-interview': answerSchemas['return-interview'],
  'risk-check': RiskCheckRecordAnswers,
  'met-list-change': MetListChangeAnswers,
} satisfies Record<RecordType, z.ZodType>;

/** What the bot works out and sends with the answers. */
const derivedByType = {
  intelligence: undefined,
  missing: undefined,
  return: z.object({ missingReference: z.string().regex(referencePattern), interviewDueAt: Moment }),
  'return-interview': z.object({ missingReference: z.string().regex(referencePattern) }),
  'risk-check': z.object({ result: RiskResultSchema, chosenLevel: Level.nullable() }),
  'met-list-change': undefined,
} satisfies Record<RecordType, z.ZodType | undefined>;

const titles: Record<RecordType, string> = {
  intelligence: 'Intelligence for the police (FIB1 / Community Partnership Information)',
  missing: 'A child reported missing',
  return: 'A child returned or found',
  'return-interview': 'An independent return interview',
  'risk-check': 'A quick risk check',
  'met-list-change': 'A change to the MET list',
};

function envelopeOf<T extends RecordType>(type: T) {
  const derived = derivedByType[type];
  return z
    .object({
      schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
      /** The record's UUID: the idempotency key of every delivery. */
      id: z.uuid(),
      /** The readable reference, e.g. INT-2026-000123. With the id, it never changes. */
      reference: z.string().regex(referencePattern),
      type: z.literal(type),
      submittedAt: Moment,
      submittedBy: z.object({ name: z.string(), agency: z.string().nullable(), surface: z.string() }),
      answers: answersByType[type],
      ...(derived && { derived: derived.optional() }),
    })
    .meta({ title: `metbot ${type} record, version ${RECORD_SCHEMA_VERSION}`, description: titles[type] });
}

export const recordSchemas = {
  intelligence: envelopeOf('intelligence'),
  missing: envelopeOf('missing'),
  return: envelopeOf('return'),
  'return-interview': envelopeOf('return-interview'),
  'risk-check': envelopeOf('risk-check'),
  'met-list-change': envelopeOf('met-list-change'),
} as const;

export function isRecordType(value: string): value is RecordType {
  return (recordTypes as string[]).includes(value);
}

/** The published JSON Schema of a record type, as committed under docs/schema/ and served at /schema. */
export function publishedJsonSchema(type: RecordType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(recordSchemas[type], { target: 'draft-2020-12' });
  return { $schema, $id: `urn:metbot:record:${type}:v${RECORD_SCHEMA_VERSION}`, ...rest };
}
