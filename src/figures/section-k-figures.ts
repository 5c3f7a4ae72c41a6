import { type SectionKFigureDefinition, type SectionKId, sectionK } from '../domain/section-k';
import { type SqlReader, sqlPart as sql } from '../store/database';

/**
 * Section K's figures over a period (MET Strategy, section K, in src/domain/section-k.ts): the
 * figures no other part of the monthly figures counts, each by one SQL statement that runs
 * unchanged on SQLite and PostgreSQL, and the assembly of all of them into the named list the
 * figures page, the pack and the chat show.
 */

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

/** What the other monthly figures count from the period's records, in the same statement. */
export interface RecordCounts {
  intelligence: { agency: string | null; n: number }[];
  checks: { check: string; level: string; n: number; indicated: number }[];
  checkChildren: { trafficked: number; exploited: number };
}

/**
 * Every figure counted from the period's records, in one statement (its rows tagged by k): each
 * statement costs the ORM about a millisecond however little it reads, and these read little.
 * The high-to-low cohort is counted in the list's own pass (FiguresService.listStates), and the
 * interviewed children in the returns' (FiguresService.returnFigures).
 */
export async function countRecords(
  read: SqlReader,
  start: Date,
  end: Date,
  asOf: Date,
): Promise<{ sectionK: Omit<SectionKCounts, 'cohort' | 'interviews'>; records: RecordCounts }> {
  // FIB1 forms count when the police gateway took them (MET Strategy K: "passed to Police
  // Intelligence Team"), not when they were written. Each risk check's record is looked up by its
  // key (a subquery): joined, PostgreSQL would read every record.
  const rows = await read<{
    k: string;
    a: string | null;
    b: string | null;
    n: unknown;
    m: unknown;
    o: unknown;
    p: unknown;
  }>(sql`
    SELECT 'intelligence' AS k, a."name" AS a, NULL AS b, COUNT(*) AS n, 0 AS m, 0 AS o, 0 AS p
    FROM "Record" r LEFT JOIN "Agency" a ON a."id" = r."agencyId"
    WHERE r."type" = 'intelligence' AND r."createdAt" >= ${start} AND r."createdAt" < ${end}
    GROUP BY a."name"
    UNION ALL
    SELECT 'check', r."check", COALESCE(r."chosenLevel", r."level"), COUNT(*),
      SUM(CASE WHEN r."score" > 0 THEN 1 ELSE 0 END), 0, 0
    FROM "RiskCheck" r
    WHERE r."createdAt" >= ${start} AND r."createdAt" < ${end}
    GROUP BY r."check", COALESCE(r."chosenLevel", r."level")
    UNION ALL
    SELECT 'checkChildren', NULL, NULL,
      COUNT(DISTINCT CASE WHEN r."check" = 'trafficking' AND r."score" > 0 THEN r."childId" END),
      COUNT(DISTINCT CASE WHEN r."check" = 'cse' AND COALESCE(r."chosenLevel", r."level") IN ('medium', 'high')
                          THEN r."childId" END), 0, 0
    FROM "RiskCheck" r
    WHERE r."createdAt" >= ${start} AND r."createdAt" < ${end}
    UNION ALL
    SELECT 'trafficked', NULL, NULL, COUNT(*),
      SUM(CASE WHEN EXISTS (SELECT 1 FROM "MissingEpisode" e WHERE e."childId" = x."childId"
                              AND e."lastSeenAt" > x.at AND e."lastSeenAt" < ${asOf})
               THEN 0 ELSE 1 END), 0, 0
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
    UNION ALL
    SELECT 'disruption', d."kind", COALESCE(d."perpetratorHash", d."id"), 0, 0, 0, 0
    FROM "Disruption" d WHERE d."occurredAt" >= ${start} AND d."occurredAt" < ${end}
    UNION ALL
    SELECT 'training', t."kind", a."name", SUM(t."people"), COUNT(*),
      SUM(CASE WHEN t."frontlineStaff" IS NOT NULL THEN t."people" ELSE 0 END), MAX(t."frontlineStaff")
    FROM "TrainingActivity" t LEFT JOIN "Agency" a ON a."id" = t."agencyId"
    WHERE t."heldOn" >= ${start} AND t."heldOn" < ${end}
    GROUP BY t."kind", a."name"
    UNION ALL
    SELECT 'riskByAgency', a."name", NULL, SUM(g.n), 0, 0, 0
    FROM (
      SELECT (SELECT rec."agencyId" FROM "Record" rec WHERE rec."id" = r."recordId") AS "agencyId", COUNT(*) AS n
      FROM "RiskCheck" r
      WHERE r."createdAt" >= ${start} AND r."createdAt" < ${end}
      GROUP BY 1
    ) g LEFT JOIN "Agency" a ON a."id" = g."agencyId"
    GROUP BY a."name"
    UNION ALL
    SELECT 'referred', n."referredBy", NULL, COUNT(*), 0, 0, 0 FROM "NrmReferral" n
      WHERE n."referredAt" >= ${start} AND n."referredAt" < ${end} GROUP BY n."referredBy"
    UNION ALL
    SELECT 'reasonable', n."reasonableGrounds", NULL, COUNT(*), 0, 0, 0 FROM "NrmReferral" n
      WHERE n."reasonableGroundsAt" >= ${start} AND n."reasonableGroundsAt" < ${end} GROUP BY n."reasonableGrounds"
    UNION ALL
    SELECT 'conclusive', n."conclusiveGrounds", NULL, COUNT(*), 0, 0, 0 FROM "NrmReferral" n
      WHERE n."conclusiveGroundsAt" >= ${start} AND n."conclusiveGroundsAt" < ${end} GROUP BY n."conclusiveGrounds"
    UNION ALL
    SELECT 'smuggled', 'yes', NULL, COUNT(DISTINCT n."childId"), 0, 0, 0 FROM "NrmReferral" n
      WHERE n."smuggled" = 'yes' AND n."referredAt" >= ${start} AND n."referredAt" < ${end}
    UNION ALL
    SELECT 'fib1', a."name", NULL, COUNT(DISTINCT o."recordId"), 0, 0, 0
    FROM "OutboxMessage" o
      JOIN "Record" r ON r."id" = o."recordId"
      LEFT JOIN "Agency" a ON a."id" = r."agencyId"
    WHERE o."destination" IN ('gateway-email', 'gateway-webhook') AND o."status" = 'delivered'
      AND o."deliveredAt" >= ${start} AND o."deliveredAt" < ${end} AND r."type" = 'intelligence'
    GROUP BY a."name"
  `);
  const of = (k: string) => rows.filter((row) => row.k === k);
  const one = (k: string) => of(k)[0];
  const agencies = (k: string) => of(k).map((row) => ({ agency: row.a, n: row.n }));
  const checkChildren = one('checkChildren');
  const trafficked = one('trafficked');
  return {
    records: {
      intelligence: of('intelligence').map((row) => ({ agency: row.a, n: num(row.n) })),
      checks: of('check').map((row) => ({
        check: row.a ?? '',
        level: row.b ?? '',
        n: num(row.n),
        indicated: num(row.m),
      })),
      checkChildren: { trafficked: num(checkChildren?.n), exploited: num(checkChildren?.m) },
    },
    sectionK: {
      trafficked: { children: num(trafficked?.n), safeguarded: num(trafficked?.m) },
      disruptions: of('disruption').map((row) => ({ kind: row.a ?? '', who: row.b ?? '' })),
      training: of('training').map((row) => ({
        kind: row.a ?? '',
        agency: row.b,
        people: num(row.n),
        n: num(row.m),
        trainedOf: num(row.o),
        staff: num(row.p),
      })),
      riskByAgency: byAgency(agencies('riskByAgency')),
      nrm: ['referred', 'reasonable', 'conclusive', 'smuggled'].flatMap((what) =>
        of(what).map((row) => ({ what, label: row.a as string, n: num(row.n) })),
      ),
      fib1: byAgency(agencies('fib1')),
    },
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
