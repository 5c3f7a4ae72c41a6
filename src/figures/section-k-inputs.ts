import { z } from 'zod';

export const firstResponders = ['local-authority', 'police', 'border-force', 'ngo', 'other'] as const;
export const decisions = ['positive', 'negative'] as const;
export const yesNoDontKnow = ['yes', 'no', 'dont-know'] as const;
export const disruptionKinds = ['cawn', 'order', 'prosecution', 'conviction', 'other'] as const;
export type DisruptionKind = (typeof disruptionKinds)[number];

const Day = z.date({ error: 'Please give the date, such as 3/10/2026 or yesterday.' });

export const NrmReferralInput = z.object({
  reference: z.string().trim().min(1),
  referredAt: Day,
  referredBy: z.enum(firstResponders, {
    error: `Please say who referred: ${firstResponders.join(', ')}.`,
  }),
  nrmReference: z.string().trim().max(60, 'The NRM reference is at most 60 characters.').optional(),
});

export const NrmDecisionInput = z.object({
  reference: z.string().trim().min(1),
  stage: z.enum(['reasonable', 'conclusive']),
  decision: z.enum(decisions, { error: 'Please say positive or negative.' }),
  at: Day,
});

export const NrmFactInput = z.object({
  reference: z.string().trim().min(1),
  fact: z.enum(['guardian', 'smuggled']),
  value: z.enum(yesNoDontKnow, { error: "Please say yes, no or don't know." }),
});

export const DisruptionInput = z.object({
  reference: z.string().trim().min(1),
  kind: z.enum(disruptionKinds, {
    error:
      'Please say which: cawn (Child Abduction Warning Notice), order, prosecution, conviction or other.',
  }),
  occurredAt: Day,
  perpetrator: z.string().trim().min(1).max(120, 'Please keep the perpetrator to 120 characters.').optional(),
});

export const TrainingInput = z
  .object({
    kind: z.enum(['training', 'awareness']),
    heldOn: Day,
    people: z
      .number({ error: 'Please give the number of people as a whole number.' })
      .int('Please give the number of people as a whole number.')
      .min(1, 'Please give at least one person.')
      .max(100_000, 'That is more people than I can take in one record.'),
    frontlineStaff: z
      .number()
      .int('Please give the frontline staff as a whole number.')
      .min(1, 'Please give at least one member of frontline staff.')
      .max(1_000_000)
      .optional(),
  })
  .refine((t) => t.frontlineStaff === undefined || t.frontlineStaff >= t.people, {
    path: ['frontlineStaff'],
    message: 'The frontline staff must be at least the number trained.',
  });

export interface ChildNoted {
  initials: string;
  reference: string;
}
