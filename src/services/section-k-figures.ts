import { type SectionKFigureDefinition, type SectionKId, sectionK } from '../domain/section-k';
import type { Db } from '../store/database';

/**
 * Section K's figures over a period (MET Strategy, section K, in src/domain/section-k.ts): the
 * figures no other part of the monthly figures counts, each by one SQL statement that runs
 * unchanged on SQLite and PostgreSQL, and the assembly of all of them into the named list the
 * figures page, the pack and the chat show.
 */

type Queryable = Pick<Db, '$queryRaw'>;

export interface AgencyCount {
  agency: string;
  count: number;
  /** For the proportion of staff trained: the frontline staff the agency gave. */
  of?: number | null;
}

export interface SectionKFigure extends SectionKFigureDefinition {
  /** The number; for a proportion, the part. Null when the bot does not count it. */
  value: number | null;
  /** For a proportion: the whole, and the part as a fraction of it (null when the whole is 0). */
  of?: number;
  share?: number | null;
  /** The figure broken down: once/twice/three times, offered/completed, by kind. */
  parts?: { label: string; count: number }[];
  /** For the figures marked *: by agency. */
  agencies?: AgencyCount[];
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const noAgency = 'No agency recorded';

function byAgency(rows: { agency: string | null; n: unknown }[]): AgencyCount[] {
  return rows
    .map((row) => ({ agency: row.agency ?? noAgency, count: num(row.n) }))
    .sort((a, b) => b.count - a.count || a.agency.localeCompare(b.agency));
}

/** What the rest of the monthly figures already counts, handed in to be named. */
export interface CountedElsewhere {
  childrenAtRiskOfCse: number;
  missingBands: { label: string; children: number }[];
  returns: { returned: number; offered: number; completed: number };
}

export interface SectionKCounts {
  cohort: { cohort: number; moved: number };
  trafficked: { children: number; safeguarded: number };
  disruptions: { kind: string; who: string }[];
  interviews: { returned: number; interviewed: number };
  training: {
    kind: string;
    agency: string | null;
    people: number;
    trainedOf: number;
    staff: number;
    n: number;
  }[];
  riskByAgency: AgencyCount[];
  nrm: { what: string; label: string; n: number }[];
  fib1: AgencyCount[];
}

/**
 * Every statement section K adds, all at once (on PostgreSQL each takes a pooled connection).
 * The high-to-low cohort is counted in the list's own pass (FiguresService.listRows), and the
 * interviewed children in the returns' (FiguresService.returnFigures).
 */
export async function countSectionK(
  q: Queryable,
  start: Date,
  end: Date,
  asOf: Date,
): Promise<Omit<SectionKCounts, 'cohort' | 'interviews'>> {
  const [trafficked, disruptions, training, riskByAgency, nrm, fib1] = await Promise.all([
    q.$queryRaw<{ children: unknown; safeguarded: unknown }[]>`
    SELECT COUNT(*) AS children,
      SUM(CASE WHEN EXISTS (SELECT 1 FROM "MissingEpisode" e WHERE e."childId" = x."childId"
                              AND e."lastSeenAt" > x.at AND e."lastSeenAt" < ${asOf})
               THEN 0 ELSE 1 END) AS safeguarded
    FROM (
      SELECT t."childId" AS "childId", MIN(t.at) AS at FROM (
        SELECT r."childId" AS "childId", r."createdAt" AS at FROM "RiskCheck" r
        WHERE r."check" = 'trafficking' AND COALESCE(r."chosenLevel", r."level") = 'high'
          AND r."childId" IS NOT NULL AND r."createdAt" >= ${start} AND r."createdAt" < ${end}
        UNION ALL
        SELECT n."childId", n."reasonableGroundsAt" FROM "NrmReferral" n
        WHERE n."reasonableGrounds" = 'positive' AND n."reasonableGroundsAt" >= ${start} AND n."reasonableGroundsAt" < ${end}
        UNION ALL
        SELECT n."childId", n."conclusiveGroundsAt" FROM "NrmReferral" n
        WHERE n."conclusiveGrounds" = 'positive' AND n."conclusiveGroundsAt" >= ${start} AND n."conclusiveGroundsAt" < ${end}
      ) t
      GROUP BY t."childId"
    ) x
  `,
    q.$queryRaw<{ kind: string; who: string }[]>`
    SELECT d."kind" AS kind, COALESCE(d."perpetratorHash", d."id") AS who
    FROM "Disruption" d WHERE d."occurredAt" >= ${start} AND d."occurredAt" < ${end}
  `,
    q.$queryRaw<
      {
        kind: string;
        agency: string | null;
        people: unknown;
        trainedOf: unknown;
        staff: unknown;
        n: unknown;
      }[]
    >`
    SELECT t."kind" AS kind, a."name" AS agency, SUM(t."people") AS people, COUNT(*) AS n,
      SUM(CASE WHEN t."frontlineStaff" IS NOT NULL THEN t."people" ELSE 0 END) AS "trainedOf",
      MAX(t."frontlineStaff") AS staff
    FROM "TrainingActivity" t LEFT JOIN "Agency" a ON a."id" = t."agencyId"
    WHERE t."heldOn" >= ${start} AND t."heldOn" < ${end}
    GROUP BY t."kind", a."name"
  `,
    q.$queryRaw<{ agency: string | null; n: unknown }[]>`
    SELECT a."name" AS agency, COUNT(*) AS n
    FROM "RiskCheck" r LEFT JOIN "Record" rec ON rec."id" = r."recordId" LEFT JOIN "Agency" a ON a."id" = rec."agencyId"
    WHERE r."createdAt" >= ${start} AND r."createdAt" < ${end}
    GROUP BY a."name"
  `,
    q.$queryRaw<{ what: string; label: string; n: unknown }[]>`
    SELECT 'referred' AS what, n."referredBy" AS label, COUNT(*) AS n FROM "NrmReferral" n
      WHERE n."referredAt" >= ${start} AND n."referredAt" < ${end} GROUP BY n."referredBy"
    UNION ALL
    SELECT 'reasonable', n."reasonableGrounds", COUNT(*) FROM "NrmReferral" n
      WHERE n."reasonableGroundsAt" >= ${start} AND n."reasonableGroundsAt" < ${end} GROUP BY n."reasonableGrounds"
    UNION ALL
    SELECT 'conclusive', n."conclusiveGrounds", COUNT(*) FROM "NrmReferral" n
      WHERE n."conclusiveGroundsAt" >= ${start} AND n."conclusiveGroundsAt" < ${end} GROUP BY n."conclusiveGrounds"
    UNION ALL
    SELECT 'smuggled', 'yes', COUNT(DISTINCT n."childId") FROM "NrmReferral" n
      WHERE n."smuggled" = 'yes' AND n."referredAt" >= ${start} AND n."referredAt" < ${end}
  `,
    // FIB1 forms count when the police gateway took them (MET Strategy K: "passed to Police
    // Intelligence Team"), not when they were written.
    q.$queryRaw<{ agency: string | null; n: unknown }[]>`
    SELECT a."name" AS agency, COUNT(DISTINCT o."recordId") AS n
    FROM "OutboxMessage" o
      JOIN "Record" r ON r."id" = o."recordId"
      LEFT JOIN "Agency" a ON a."id" = r."agencyId"
    WHERE o."destination" IN ('gateway-email', 'gateway-webhook') AND o."status" = 'delivered'
      AND o."deliveredAt" >= ${start} AND o."deliveredAt" < ${end} AND r."type" = 'intelligence'
    GROUP BY a."name"
  `,
  ]);
  return {
    trafficked: { children: num(trafficked[0]?.children), safeguarded: num(trafficked[0]?.safeguarded) },
    disruptions,
    training: training.map((row) => ({
      kind: row.kind,
      agency: row.agency,
      people: num(row.people),
      trainedOf: num(row.trainedOf),
      staff: num(row.staff),
      n: num(row.n),
    })),
    riskByAgency: byAgency(riskByAgency),
    nrm: nrm.map((row) => ({ what: row.what, label: row.label, n: num(row.n) })),
    fib1: byAgency(fib1),
  };
}

const kindLabels: Record<string, string> = {
  cawn: 'Child Abduction Warning Notices',
  order: 'Other orders',
  other: 'Other disruption',
  prosecution: 'Prosecutions',
  conviction: 'Convictions',
};

const responderLabels: Record<string, string> = {
  'local-authority': 'Local authority',
  police: 'Police',
  'border-force': 'Border Force',
  ngo: 'A charity (NGO)',
  other: 'Other',
};

/** Section K's named figures, in the strategy's order. */
export function sectionKFigures(counts: SectionKCounts, elsewhere: CountedElsewhere): SectionKFigure[] {
  const whoDid = (kinds: string[]) =>
    new Set(counts.disruptions.filter((d) => kinds.includes(d.kind)).map((d) => d.who)).size;
  const kindCount = (kind: string) => counts.disruptions.filter((d) => d.kind === kind).length;
  const perpetrators = new Set(counts.disruptions.map((d) => d.who)).size;
  const ofKind = (kind: string) => counts.training.filter((t) => t.kind === kind);
  const trainingRows = ofKind('training');
  const awarenessRows = ofKind('awareness');
  const trained = trainingRows.reduce((sum, t) => sum + t.people, 0);
  const trainedOf = trainingRows.reduce((sum, t) => sum + t.trainedOf, 0);
  const staff = trainingRows.reduce((sum, t) => sum + t.staff, 0);
  const nrmOf = (what: string) => counts.nrm.filter((row) => row.what === what);
  const nrmCount = (what: string, label?: string) =>
    nrmOf(what)
      .filter((row) => label === undefined || row.label === label)
      .reduce((sum, row) => sum + row.n, 0);
  const agencyRows = (rows: typeof trainingRows, pick: (t: (typeof trainingRows)[number]) => number) =>
    rows
      .map((t) => ({ agency: t.agency ?? noAgency, count: pick(t), of: t.staff || null }))
      .sort((a, b) => b.count - a.count || a.agency.localeCompare(b.agency));

  const values: Record<SectionKId, Omit<SectionKFigure, keyof SectionKFigureDefinition>> = {
    'high-to-low': {
      value: counts.cohort.moved,
      of: counts.cohort.cohort,
      share: share(counts.cohort.moved, counts.cohort.cohort),
    },
    'trafficked-safeguarded': {
      value: counts.trafficked.safeguarded,
      of: counts.trafficked.children,
      share: share(counts.trafficked.safeguarded, counts.trafficked.children),
    },
    perpetrators: {
      value: whoDid(['conviction']),
      of: perpetrators,
      share: share(whoDid(['conviction']), perpetrators),
      parts: [
        { label: 'Suspected perpetrators', count: perpetrators },
        { label: 'Disrupted', count: whoDid(['cawn', 'order', 'other']) },
        { label: 'Prosecuted', count: whoDid(['prosecution']) },
        { label: 'Convicted', count: whoDid(['conviction']) },
      ],
    },
    'independent-interview': {
      value: counts.interviews.interviewed,
      of: counts.interviews.returned,
      share: share(counts.interviews.interviewed, counts.interviews.returned),
    },
    'staff-trained-proportion': {
      value: trainedOf,
      of: staff,
      share: share(trainedOf, staff),
      agencies: agencyRows(trainingRows, (t) => t.trainedOf),
    },
    'training-impact': { value: null },
    'at-risk-of-cse': { value: elsewhere.childrenAtRiskOfCse },
    'risk-assessments': {
      value: counts.riskByAgency.reduce((sum, row) => sum + row.count, 0),
      agencies: counts.riskByAgency,
    },
    nrm: {
      value: nrmCount('referred'),
      parts: [
        ...nrmOf('referred').map((row) => ({
          label: `Referred by: ${responderLabels[row.label] ?? row.label}`,
          count: row.n,
        })),
        { label: 'Reasonable grounds: positive', count: nrmCount('reasonable', 'positive') },
        { label: 'Reasonable grounds: negative', count: nrmCount('reasonable', 'negative') },
        { label: 'Conclusive grounds: positive', count: nrmCount('conclusive', 'positive') },
        { label: 'Conclusive grounds: negative', count: nrmCount('conclusive', 'negative') },
      ],
    },
    trafficked: { value: counts.trafficked.children },
    'missing-in-90-days': {
      value: elsewhere.missingBands.reduce((sum, band) => sum + band.children, 0),
      parts: elsewhere.missingBands.map((band) => ({ label: band.label, count: band.children })),
    },
    'return-interviews': {
      value: elsewhere.returns.completed,
      parts: [
        { label: 'Returns from missing', count: elsewhere.returns.returned },
        { label: 'Offered', count: elsewhere.returns.offered },
        { label: 'Completed', count: elsewhere.returns.completed },
      ],
    },
    disruption: {
      value: kindCount('cawn') + kindCount('order') + kindCount('other'),
      parts: ['cawn', 'order', 'other'].map((kind) => ({ label: kindLabels[kind]!, count: kindCount(kind) })),
    },
    'staff-trained': { value: trained, agencies: agencyRows(trainingRows, (t) => t.people) },
    awareness: {
      value: awarenessRows.reduce((sum, t) => sum + t.n, 0),
      agencies: agencyRows(awarenessRows, (t) => t.n).map(({ agency, count }) => ({ agency, count })),
    },
    fib1: { value: counts.fib1.reduce((sum, row) => sum + row.count, 0), agencies: counts.fib1 },
    prosecutions: { value: kindCount('prosecution') },
    smuggled: { value: nrmCount('smuggled') },
    convictions: { value: kindCount('conviction') },
  };
  return sectionK.map((definition) => ({ ...definition, ...values[definition.id] }));
}
