import type { Actor } from '../access/actor';
import { authorise } from '../access/refusal';
import { type Clock, DAY } from '../domain/clock';
import type { RepeatMissingSettings } from '../domain/missing-history';
import { MISSING_BAND_DAYS } from '../domain/section-k';
import { type SqlReader, sqlPart as sql } from '../store/database';
import { currentMonth, periodBounds, periodLabel } from './periods';
import { countRecords, type RecordCounts, type SectionKFigure, sectionKFigures } from './section-k-figures';

/**
 * The monthly figures the partnership reports (MET strategy, section K), for one calendar
 * month in UK local time. Every figure is counted by the database (GROUP BY, COUNT, SUM), in
 * SQL that runs unchanged on SQLite and PostgreSQL, so a month of 10,000 children costs a few
 * small result sets. The same object backs the dashboard page, its JSON API, the monthly pack
 * and the `figures` chat answer.
 */

export const LIST_LEVELS = ['high', 'medium', 'low', 'not set'] as const;
export type ListLevel = (typeof LIST_LEVELS)[number];
export const CHECKS = ['cse', 'missing', 'trafficking'] as const;
export type CheckName = (typeof CHECKS)[number];

export const checkNames: Record<CheckName, string> = {
  cse: 'Exploitation (CSE/CCE)',
  missing: 'Missing',
  trafficking: 'Trafficking',
};

export interface Count {
  label: string;
  count: number;
}

export interface MonthlyFigures {
  /** The period: a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026"). */
  month: string;
  label: string;
  /** The month's bounds (UTC instants of midnight in London) and the moment "now" figures are taken. */
  from: string;
  to: string;
  asOf: string;
  /** True while the month is still running: its figures are so far. */
  partial: boolean;
  /** When these figures were counted (they may be served for a minute: see FiguresOptions). */
  computedAt: string;
  list: {
    /** Children on the MET list (nominated or accepted) at each level, at the start and end of the month. */
    levels: { level: ListLevel; start: number; end: number; change: number }[];
    start: number;
    end: number;
    joined: number;
    left: number;
    raised: number;
    lowered: number;
    /** Of the children at high at the start of the month, how many were at low at its end. */
    highAtStart: number;
    highToLow: number;
    highToLowProportion: number | null;
  };
  missing: {
    /** Episodes that began in the month (the child was last seen in it), and the children they concern. */
    episodes: number;
    children: number;
    windowDays: number;
    threshold: number;
    /** Children by how many times they went missing in the window ending with the month. */
    byTimes: { label: string; times: number; orMore: boolean; children: number }[];
  };
  returnInterviews: {
    /** Episodes whose child returned in the month, and what happened about their interview. */
    returned: number;
    offered: number;
    offeredWithin72Hours: number;
    completed: number;
    completedWithin72Hours: number;
    declined: number;
    outstanding: number;
    completedProportion: number | null;
  };
  intelligence: { total: number; byAgency: { agency: string; reports: number }[] };
  riskChecks: {
    total: number;
    byCheck: { check: CheckName; name: string; total: number; high: number; medium: number; low: number }[];
    /** Children with an exploitation check at medium or high in the month. */
    childrenAtRiskOfExploitation: number;
  };
  nrm: {
    /** Trafficking checks with at least one indicator: each says "consider an NRM referral". */
    referralsConsidered: number;
    childrenThoughtTrafficked: number;
  };
  /** Children on the list at the end of the month. */
  profiles: { age: Count[]; gender: Count[]; ethnicity: Count[]; accommodation: Count[] };
  /** The MET Strategy's section K, each primary indicator and data requirement as one named figure. */
  sectionK: SectionKFigure[];
}

/** The list's two statements' last rows: the counts by profile of what their `prof` holds. */
const profileRows = sql`
      UNION ALL SELECT 'age', NULL, NULL, 0, 0, 0, CAST(COALESCE(prof.band, 5) AS TEXT), SUM(prof.n)
        FROM prof GROUP BY prof.band
      UNION ALL SELECT 'gender', NULL, NULL, 0, 0, 0, prof.gender, SUM(prof.n) FROM prof GROUP BY prof.gender
      UNION ALL SELECT 'ethnicity', NULL, NULL, 0, 0, 0, prof.ethnicity, SUM(prof.n) FROM prof GROUP BY prof.ethnicity
      UNION ALL SELECT 'accommodation', NULL, NULL, 0, 0, 0, prof.accommodation, SUM(prof.n)
        FROM prof GROUP BY prof.accommodation`;

const onList = new Set(['nominated', 'active']);
const levelRank: Record<string, number> = { low: 1, medium: 2, high: 3 };
const ageBands = ['Under 10', '10 to 12', '13 to 15', '16 to 17', '18 or over', 'Not known'];
const notRecorded = 'Not recorded';

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const proportion = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** "status:level" as the SQL below writes it, or 'none' before the child was on the list at all. */
function stateOf(value: string): { on: boolean; level: ListLevel } {
  const [status = 'none', level = ''] = value.split(':');
  const known = (LIST_LEVELS as readonly string[]).includes(level) ? (level as ListLevel) : 'not set';
  return { on: onList.has(status), level: known };
}

function sorted(counts: Map<string, number>, order?: string[]): Count[] {
  const entries = [...counts.entries()].map(([label, count]) => ({ label, count }));
  if (order) return order.map((label) => ({ label, count: counts.get(label) ?? 0 }));
  return entries.sort(
    (a, b) =>
      Number(a.label === notRecorded) - Number(b.label === notRecorded) ||
      b.count - a.count ||
      a.label.localeCompare(b.label),
  );
}

const add = (map: Map<string, number>, key: string, by: number) => map.set(key, (map.get(key) ?? 0) + by);

export function tidy(value: string | null): string {
  if (!value) return notRecorded;
  const words = value.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface FiguresOptions {
  /**
   * Serve a month's figures from memory for this long (0: count them every time). Counting a
   * month over 10,000 children takes around a tenth of a second on a small, busy machine; the
   * figures are for a monthly meeting, so a minute's delay in a new record showing is harmless,
   * and the page says when they were counted. Concurrent requests for one month share one count.
   */
  cacheSeconds?: number;
  /** The cache's clock (milliseconds); tests set it. */
  cacheClock?: () => number;
}

export class FiguresService {
  private readonly cacheMs: number;
  private readonly cache = new Map<string, { at: number; figures: Promise<MonthlyFigures> }>();
  private readonly cacheClock: () => number;

  constructor(
    private readonly read: SqlReader,
    private readonly clock: Clock,
    readonly repeat: RepeatMissingSettings = { threshold: 3, days: 90 },
    options: FiguresOptions = {},
  ) {
    this.cacheMs = (options.cacheSeconds ?? 0) * 1000;
    this.cacheClock = options.cacheClock ?? Date.now;
  }

  /**
   * The figures for a month ("2026-10"), a quarter ("2026-Q4") or a year ("2026"), or for the
   * current month. MET members and duty officers.
   */
  async monthly(actor: Actor, month?: string): Promise<MonthlyFigures> {
    authorise(actor, 'ask-met-list');
    return this.compute(month ?? currentMonth(this.clock.now()));
  }

  /** The same, without the policy check: for code that has checked. */
  compute(month: string): Promise<MonthlyFigures> {
    if (this.cacheMs <= 0) return this.count(month);
    const wall = this.cacheClock();
    const hit = this.cache.get(month);
    if (hit && wall - hit.at < this.cacheMs) return hit.figures;
    const figures = this.count(month);
    figures.catch(() => this.cache.delete(month));
    this.cache.set(month, { at: wall, figures });
    if (this.cache.size > 36) this.cache.delete(this.cache.keys().next().value!);
    return figures;
  }

  /** Counts the month afresh. */
  async count(month: string): Promise<MonthlyFigures> {
    const now = this.clock.now();
    const { start, end } = periodBounds(month);
    const asOf = new Date(Math.min(end.getTime(), Math.max(now.getTime(), start.getTime())));
    // Independent statements, all at once: on PostgreSQL each takes its own pooled connection.
    const [list, missing, { returns, interviews }, { sectionK, records }] = await Promise.all([
      this.listFigures(start, asOf),
      this.missingFigures(start, end, asOf),
      this.returnFigures(start, end),
      countRecords(this.read, start, end, asOf),
    ]);
    const intelligence = intelligenceFigures(records);
    const checks = checkFigures(records);
    return {
      month,
      label: periodLabel(month),
      from: start.toISOString(),
      to: end.toISOString(),
      asOf: asOf.toISOString(),
      partial: now < end,
      computedAt: now.toISOString(),
      list: list.list,
      missing,
      returnInterviews: returns,
      intelligence,
      riskChecks: checks.riskChecks,
      nrm: checks.nrm,
      profiles: list.profiles,
      sectionK: sectionKFigures(
        { ...sectionK, cohort: list.cohort, interviews },
        {
          childrenAtRiskOfCse: checks.riskChecks.childrenAtRiskOfExploitation,
          missingBands: missing.byTimes,
          returns,
        },
      ),
    };
  }

  /**
   * Each child's place on the list at a moment: as the entry stands now, unless the list's
   * history (MetLevelChange) records a change since that moment, in which case the state the
   * last change before it set; before their nomination a child is not on the list.
   *
   * Most entries have not changed since the period began: their states at both ends are the entry
   * as it stands, counted in one pass over an index by status and level (cur) and, for the
   * children on the list at the end, by profile (prof: Person's profile index walked in its own
   * order, so nothing is sorted). Only the entries changed since the period began (ch, read over
   * the changedAt index) pay for a look back into their history (t): each adds its true states
   * and takes away what the straight count gave it (a negative count), and the profiles are put
   * right the same way for the entries changed since the end (late). Two statements, the list as
   * it stands and the changes since the period began, give the period's transitions, section K's
   * high-to-low cohort and the profiles: a few dozen rows, however long the list. They share
   * nothing, so PostgreSQL runs them side by side on two connections.
   */
  private async listFigures(start: Date, asOf: Date) {
    const [now, changes] = await Promise.all([this.listNow(start, asOf), this.listChanges(start, asOf)]);
    return this.listFromRows([...now, ...changes]);
  }

  /** The list as it stands: by status and level, and the children on it by profile. */
  private listNow(start: Date, asOf: Date) {
    // MATERIALIZED: SQLite would otherwise work each one out again at each use. Person CROSS JOIN
    // MetListEntry: SQLite then walks Person's profile index.
    return this.read<ListRow>(sql`
      WITH cur AS MATERIALIZED (
        SELECT m."status" || ':' || COALESCE(m."level", '') AS now,
          SUM(CASE WHEN m."nominatedAt" < ${start} THEN 1 ELSE 0 END) AS "bothEnds",
          SUM(CASE WHEN m."nominatedAt" >= ${start} AND m."nominatedAt" < ${asOf} THEN 1 ELSE 0 END) AS "endOnly"
        FROM "MetListEntry" m GROUP BY m."status", m."level"
      ),
      prof AS MATERIALIZED (
        SELECT p."ageBand" AS band, p."gender" AS gender, p."ethnicGroup" AS ethnicity,
               p."accommodation" AS accommodation, COUNT(*) AS n
        FROM "Person" p CROSS JOIN "MetListEntry" m
        WHERE m."childId" = p."id" AND m."status" IN ('nominated', 'active') AND m."nominatedAt" < ${asOf}
        GROUP BY p."ageBand", p."gender", p."ethnicGroup", p."accommodation"
      )
      SELECT 'state' AS k, cur.now AS s, cur.now AS e, 0 AS hf, 0 AS "anyLow", 0 AS "lowAfterHigh",
             NULL AS v, cur."bothEnds" AS n FROM cur
      UNION ALL SELECT 'state', 'none', cur.now, 0, 0, 0, NULL, cur."endOnly" FROM cur
      ${profileRows}
    `);
  }

  /** The entries changed since the period began: their true states, less what the list as it stands gave them. */
  private listChanges(start: Date, asOf: Date) {
    // MATERIALIZED, as above. Each entry's state at the period's end is looked up only if it
    // changed both within the period and since its end: otherwise it is the state at its start or
    // the entry as it stands. The profiles of the few children whose place changed since the end
    // are looked up one by one: joined, PostgreSQL cannot tell how few they are and hashes every
    // person (6 of its 20 ms).
    return this.read<ListRow>(sql`
      WITH ch AS MATERIALIZED (
        SELECT x."entryId" || '' AS "entryId", MAX(x."changedAt") AS "lastAt",
          MAX(CASE WHEN x."changedAt" < ${asOf} THEN x."changedAt" END) AS "lastIn",
          MIN(CASE WHEN x."changedAt" < ${asOf} AND x."toLevel" = 'high'
                    AND x."toStatus" IN ('nominated', 'active') THEN x."changedAt" END) AS "firstHigh",
          MAX(CASE WHEN x."changedAt" < ${asOf} AND x."toLevel" = 'low'
                    AND x."toStatus" IN ('nominated', 'active') THEN x."changedAt" END) AS "lastLow"
        FROM "MetLevelChange" x
        WHERE x."changedAt" >= ${start}
        GROUP BY x."entryId" || ''
      ),
      t0 AS MATERIALIZED (
        SELECT m."childId" AS "childId", m."status" AS status, m."level" AS level, m."nominatedAt" AS "nominatedAt",
          ch."lastAt" AS "lastAt", ch."firstHigh" AS "firstHigh", ch."lastLow" AS "lastLow",
          COALESCE(
            (SELECT c."toStatus" || ':' || COALESCE(c."toLevel", '') FROM "MetLevelChange" c
              WHERE c."entryId" = m."id" AND c."changedAt" < ${start}
              ORDER BY c."changedAt" DESC, c."id" DESC LIMIT 1),
            'none') AS s,
          CASE WHEN ch."lastAt" >= ${asOf} AND ch."lastIn" IS NOT NULL
            THEN COALESCE(
              (SELECT c."toStatus" || ':' || COALESCE(c."toLevel", '') FROM "MetLevelChange" c
                WHERE c."entryId" = m."id" AND c."changedAt" < ${asOf}
                ORDER BY c."changedAt" DESC, c."id" DESC LIMIT 1),
              'none') END AS "eLate"
        FROM ch JOIN "MetListEntry" m ON m."id" = ch."entryId"
      ),
      t AS MATERIALIZED (
        SELECT t0.s AS s,
          CASE
            WHEN t0."lastAt" >= ${asOf} THEN COALESCE(t0."eLate", t0.s)
            WHEN t0."nominatedAt" < ${asOf} THEN t0.status || ':' || COALESCE(t0.level, '')
            ELSE 'none' END AS e,
          CASE WHEN t0."nominatedAt" < ${start} THEN t0.status || ':' || COALESCE(t0.level, '') ELSE 'none' END AS "sNow",
          CASE WHEN t0."nominatedAt" < ${asOf} THEN t0.status || ':' || COALESCE(t0.level, '') ELSE 'none' END AS "eNow",
          CASE WHEN t0."lastAt" >= ${asOf} THEN t0."childId" END AS "lateChild",
          CASE WHEN t0."firstHigh" IS NOT NULL THEN 1 ELSE 0 END AS hf,
          CASE WHEN t0."lastLow" IS NOT NULL THEN 1 ELSE 0 END AS "anyLow",
          CASE WHEN t0."lastLow" > t0."firstHigh" THEN 1 ELSE 0 END AS "lowAfterHigh"
        FROM t0
      ),
      late AS MATERIALIZED (
        SELECT t."lateChild" AS "childId",
          CASE WHEN t.e LIKE 'nominated:%' OR t.e LIKE 'active:%' THEN 1 ELSE 0 END
            - CASE WHEN t."eNow" LIKE 'nominated:%' OR t."eNow" LIKE 'active:%' THEN 1 ELSE 0 END AS n
        FROM t WHERE t."lateChild" IS NOT NULL
      ),
      prof AS MATERIALIZED (
        SELECT (SELECT p."ageBand" FROM "Person" p WHERE p."id" = late."childId") AS band,
               (SELECT p."gender" FROM "Person" p WHERE p."id" = late."childId") AS gender,
               (SELECT p."ethnicGroup" FROM "Person" p WHERE p."id" = late."childId") AS ethnicity,
               (SELECT p."accommodation" FROM "Person" p WHERE p."id" = late."childId") AS accommodation,
               late.n AS n
        FROM late WHERE late.n <> 0
      )
      SELECT 'state' AS k, t.s AS s, t.e AS e, t.hf AS hf, t."anyLow" AS "anyLow",
             t."lowAfterHigh" AS "lowAfterHigh", NULL AS v, COUNT(*) AS n
        FROM t GROUP BY t.s, t.e, t.hf, t."anyLow", t."lowAfterHigh"
      UNION ALL SELECT 'state', t."sNow", t."eNow", 0, 0, 0, NULL, -COUNT(*) FROM t GROUP BY t."sNow", t."eNow"
      ${profileRows}
    `);
  }

  private listFromRows(rows: ListRow[]) {
    const levels = new Map(LIST_LEVELS.map((level) => [level, { start: 0, end: 0 }]));
    let joined = 0;
    let left = 0;
    let raised = 0;
    let lowered = 0;
    let highAtStart = 0;
    let highToLow = 0;
    // Section K: at high at any time in the period, and of them, set to low after being high.
    let cohort = 0;
    let moved = 0;
    const profiles: Record<Exclude<ListRow['k'], 'state'>, Map<string, number>> = {
      age: new Map(),
      gender: new Map(),
      ethnicity: new Map(),
      accommodation: new Map(),
    };
    // A profile's value is counted from the list as it stands and put right by the changes: its
    // sum per value as recorded, and a value whose counts cancel out is not shown.
    const recorded = new Map<string, { k: Exclude<ListRow['k'], 'state'>; v: string | null; n: number }>();
    for (const row of rows) {
      const n = num(row.n);
      if (row.k !== 'state') {
        const key = `${row.k}:${row.v === null ? '' : `=${row.v}`}`;
        const sum = recorded.get(key) ?? { k: row.k, v: row.v, n: 0 };
        recorded.set(key, { ...sum, n: sum.n + n });
        continue;
      }
      const before = stateOf(row.s ?? 'none');
      const after = stateOf(row.e ?? 'none');
      if (before.on) levels.get(before.level)!.start += n;
      if (after.on) levels.get(after.level)!.end += n;
      if (!before.on && after.on) joined += n;
      if (before.on && !after.on) left += n;
      if (before.on && after.on) {
        const from = levelRank[before.level] ?? 0;
        const to = levelRank[after.level] ?? 0;
        if (from && to && to > from) raised += n;
        if (from && to && to < from) lowered += n;
      }
      const startHigh = before.on && before.level === 'high';
      if (startHigh || num(row.hf) || (after.on && after.level === 'high')) {
        cohort += n;
        if ((startHigh && num(row.anyLow)) || num(row.lowAfterHigh)) moved += n;
      }
      if (before.on && before.level === 'high') {
        highAtStart += n;
        if (after.on && after.level === 'low') highToLow += n;
      }
    }
    for (const { k, v, n } of recorded.values()) {
      if (n !== 0) add(profiles[k], k === 'age' ? (ageBands[num(v)] ?? 'Not known') : tidy(v), n);
    }
    const levelRows = LIST_LEVELS.map((level) => {
      const { start, end } = levels.get(level)!;
      return { level, start, end, change: end - start };
    }).filter((row) => row.level !== 'not set' || row.start || row.end);
    return {
      list: {
        levels: levelRows,
        start: levelRows.reduce((sum, row) => sum + row.start, 0),
        end: levelRows.reduce((sum, row) => sum + row.end, 0),
        joined,
        left,
        raised,
        lowered,
        highAtStart,
        highToLow,
        highToLowProportion: proportion(highToLow, highAtStart),
      },
      cohort: { cohort, moved },
      profiles: {
        age: sorted(profiles.age, ageBands),
        gender: sorted(profiles.gender),
        ethnicity: sorted(profiles.ethnicity),
        accommodation: sorted(profiles.accommodation),
      },
    };
  }

  /**
   * One pass over the episodes of the window and the period: per child, the times missing in the 90 days that end
   * with the period and the episodes that began in it. MET Strategy K: "Number of children going
   * missing once in 90 days, twice in 90 days, three times in 90 days": fixed, whatever the
   * repeat-missing list's own setting. The times are the episodes on record or the reporter's
   * count of earlier ones plus that episode, whichever is more (src/domain/missing-history.ts), so
   * the figures are right from the first report.
   */
  private async missingFigures(start: Date, end: Date, asOf: Date) {
    const threshold = 3;
    const days = MISSING_BAND_DAYS;
    const windowStart = new Date(asOf.getTime() - days * DAY);
    const low = windowStart < start ? windowStart : start;
    // Three ranges of the lastSeenAt index, each episode in one: the window (w = 1), and before
    // and after it (w = 0). Every episode outside the window is in the period, so only the
    // window's need a test for it (m): a test per row, where a CASE on each figure took six.
    const rows = await this.read<{
      times: unknown;
      children: unknown;
      inMonth: unknown;
      episodes: unknown;
    }>(sql`
      SELECT u.times AS times, COUNT(*) AS children,
             SUM(CASE WHEN u.month > 0 THEN 1 ELSE 0 END) AS "inMonth", SUM(u.month) AS episodes
      FROM (
        SELECT CASE WHEN t."onRecord" > t.reported THEN t."onRecord" ELSE t.reported END AS times, t.month
        FROM (
          SELECT x."childId", SUM(x.w) AS "onRecord", MAX(x.w * (COALESCE(x.r, 0) + 1)) AS reported,
                 SUM(x.m) AS month
          FROM (
            SELECT e."childId" AS "childId", e."reportedTimesBefore" AS r, 1 AS w,
                   CASE WHEN e."lastSeenAt" >= ${start} THEN 1 ELSE 0 END AS m
            FROM "MissingEpisode" e WHERE e."lastSeenAt" >= ${windowStart} AND e."lastSeenAt" < ${asOf}
            UNION ALL
            SELECT e."childId", e."reportedTimesBefore", 0, 1
            FROM "MissingEpisode" e WHERE e."lastSeenAt" >= ${low} AND e."lastSeenAt" < ${windowStart}
            UNION ALL
            SELECT e."childId", e."reportedTimesBefore", 0, 1
            FROM "MissingEpisode" e WHERE e."lastSeenAt" >= ${asOf} AND e."lastSeenAt" < ${end}
          ) x
          GROUP BY x."childId"
        ) t
      ) u
      GROUP BY u.times
    `);
    let episodes = 0;
    let children = 0;
    const byTimes = Array.from({ length: threshold }, (_, i) => ({
      label: i + 1 === threshold ? `${threshold} or more times` : timesWord(i + 1),
      times: i + 1,
      orMore: i + 1 === threshold,
      children: 0,
    }));
    for (const row of rows) {
      episodes += num(row.episodes);
      children += num(row.inMonth);
      const times = num(row.times);
      if (times > 0) byTimes[Math.min(times, threshold) - 1]!.children += num(row.children);
    }
    return { episodes, children, windowDays: days, threshold, byTimes };
  }

  /**
   * DfE 2014: an independent return interview is offered within 72 hours (interviewDueAt). The
   * same pass counts section K's children (not episodes) who returned, and of them those
   * interviewed by a named interviewer.
   */
  private async returnFigures(start: Date, end: Date) {
    // Grouped by child first: one grouping gives both counts of children, where two COUNT(DISTINCT)
    // sorted the month's returns twice.
    const [row] = await this.read<Record<string, unknown>>(sql`
      SELECT SUM(g.returned) AS returned, SUM(g.offered) AS offered, SUM(g."offeredWithin") AS "offeredWithin",
        SUM(g.completed) AS completed, SUM(g."completedWithin") AS "completedWithin", SUM(g.declined) AS declined,
        SUM(g.outstanding) AS outstanding, COUNT(*) AS "childrenReturned", SUM(g.interviewed) AS "childrenInterviewed"
      FROM (
        SELECT e."childId" AS "childId", COUNT(*) AS returned,
          SUM(CASE WHEN e."interviewOfferedAt" IS NOT NULL OR e."interviewCompletedAt" IS NOT NULL
                     OR e."interviewOutcome" IN ('completed', 'declined') THEN 1 ELSE 0 END) AS offered,
          SUM(CASE WHEN COALESCE(e."interviewOfferedAt", e."interviewCompletedAt") <= e."interviewDueAt"
                   THEN 1 ELSE 0 END) AS "offeredWithin",
          SUM(CASE WHEN e."interviewCompletedAt" IS NOT NULL OR e."interviewOutcome" = 'completed'
                   THEN 1 ELSE 0 END) AS completed,
          SUM(CASE WHEN e."interviewCompletedAt" <= e."interviewDueAt" THEN 1 ELSE 0 END) AS "completedWithin",
          SUM(CASE WHEN e."interviewOutcome" = 'declined' THEN 1 ELSE 0 END) AS declined,
          SUM(CASE WHEN e."interviewCompletedAt" IS NULL AND e."interviewOutcome" IS NULL
                   THEN 1 ELSE 0 END) AS outstanding,
          MAX(CASE WHEN (e."interviewCompletedAt" IS NOT NULL OR e."interviewOutcome" = 'completed')
                     AND (e."interviewerName" IS NOT NULL OR e."interviewerId" IS NOT NULL)
                   THEN 1 ELSE 0 END) AS interviewed
        FROM "MissingEpisode" e
        WHERE e."returnedAt" >= ${start} AND e."returnedAt" < ${end}
        GROUP BY e."childId"
      ) g
    `);
    const returned = num(row?.returned);
    const completed = num(row?.completed);
    return {
      returns: {
        returned,
        offered: num(row?.offered),
        offeredWithin72Hours: num(row?.offeredWithin),
        completed,
        completedWithin72Hours: num(row?.completedWithin),
        declined: num(row?.declined),
        outstanding: num(row?.outstanding),
        completedProportion: proportion(completed, returned),
      },
      interviews: { returned: num(row?.childrenReturned), interviewed: num(row?.childrenInterviewed) },
    };
  }
}

/** FIB1/CPI forms sent, by the sender's agency. */
function intelligenceFigures(records: RecordCounts) {
  const byAgency = records.intelligence
    .map((row) => ({ agency: row.agency ?? 'No agency recorded', reports: row.n }))
    .sort((a, b) => b.reports - a.reports || a.agency.localeCompare(b.agency));
  return { total: byAgency.reduce((sum, row) => sum + row.reports, 0), byAgency };
}

/**
 * Risk checks at the level that stands (the practitioner's own level when they chose one).
 * There is no NRM referral record yet: a trafficking check with any indicator, which always
 * tells the practitioner to consider an NRM referral, is counted as "NRM referral considered".
 */
function checkFigures(records: RecordCounts) {
  const byCheck = CHECKS.map((check) => ({
    check,
    name: checkNames[check],
    total: 0,
    high: 0,
    medium: 0,
    low: 0,
  }));
  let referralsConsidered = 0;
  for (const row of records.checks) {
    const entry = byCheck.find((c) => c.check === row.check);
    if (!entry) continue;
    entry.total += row.n;
    if (row.level === 'high' || row.level === 'medium' || row.level === 'low') entry[row.level] += row.n;
    if (row.check === 'trafficking') referralsConsidered += row.indicated;
  }
  return {
    riskChecks: {
      total: byCheck.reduce((sum, c) => sum + c.total, 0),
      byCheck,
      childrenAtRiskOfExploitation: records.checkChildren.exploited,
    },
    nrm: { referralsConsidered, childrenThoughtTrafficked: records.checkChildren.trafficked },
  };
}

/** One count of the list's pass: by start and end state, or of the children on the list at the end by a profile's value (v). */
interface ListRow {
  k: 'state' | 'age' | 'gender' | 'ethnicity' | 'accommodation';
  s: string | null;
  e: string | null;
  hf: unknown;
  anyLow: unknown;
  lowAfterHigh: unknown;
  v: string | null;
  n: unknown;
}

function timesWord(times: number): string {
  return times === 1 ? 'Once' : times === 2 ? 'Twice' : `${times} times`;
}
