import { type Actor, auditManyAs } from '../access/actor';
import { authorise } from '../access/refusal';
import { openInitials, openYearOfBirth } from '../children/demographics';
import { type Chronology, readChronology } from '../dashboard/chronology';
import { type Clock, DAY } from '../domain/clock';
import { timeLeft } from '../domain/deadlines';
import type { RepeatMissingSettings } from '../domain/missing-history';
import { type Db, type Provider, sqlPart } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';

/**
 * The lists, one query each, read by chat, the dashboard and the partner API alike: each a page
 * of rows counted and sorted by the database, so a list of 10,000 children costs one page. Each asks the one policy first (src/domain/policy.ts
 * through `authorise`). Lists show initials and references only, because the meeting's screen
 * is often shared; a child's name is shown only on their chronology, and opening it is audited.
 * Each list view is audited once (who looked at which list, and how many children it showed).
 */

export interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

export interface DueRow {
  episodeId: string;
  childId: string;
  initials: string;
  reference: string | null;
  returnedAt: string;
  dueAt: string;
  overdue: boolean;
  timeLeft: string;
  interviewer: string | null;
  offeredAt: string | null;
}

export interface ListRow {
  entryId: string;
  childId: string;
  initials: string;
  /** The child's latest report (not a list change): what the MET-list commands take (`level`, `history` …). */
  reference: string | null;
  yearOfBirth: number | null;
  status: string;
  level: string | null;
  reviewDate: string | null;
  reviewOverdue: boolean;
  leadProfessional: string | null;
  agency: string | null;
  lastChange: { at: string; from: string | null; to: string | null; toStatus: string; reason: string } | null;
}

/** A child a risk check put before the MET group, waiting for its decision. */
export interface ProposalRow {
  entryId: string;
  childId: string;
  initials: string;
  /** The child's latest report: what `accept` and `decline` take. */
  reference: string | null;
  /** What the check suggested; the group sets the level when it accepts. */
  proposedLevel: string | null;
  proposedAt: string;
  /** The agency of the practitioner whose check proposed the child. */
  agency: string | null;
}

export interface ListFilters {
  level: '' | 'high' | 'medium' | 'low';
  agency: string;
  review: '' | 'overdue' | 'soon' | 'none';
}

export interface MissingRow {
  episodeId: string;
  childId: string;
  initials: string;
  reference: string | null;
  missingFrom: string;
  lastSeenAt: string;
  missingFor: string;
  policeReference: string | null;
}

export interface RepeatRow {
  childId: string;
  initials: string;
  /** The child's latest missing notification. */
  reference: string | null;
  times: number;
  lastMissing: string;
  level: string | null;
  onList: boolean;
}

const num = (value: unknown) => Number(value ?? 0);
const iso = (value: unknown): string => new Date(value as string | Date).toISOString();
const isoOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : iso(value);

export const PAGE_SIZE = 50;

function paged<T>(rows: T[], total: number, page: number, pageSize: number): Paged<T> {
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
}

export class ListQueries {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    readonly repeatSettings: RepeatMissingSettings,
  ) {}

  /**
   * Returned children with no interview done, declined or recorded as not offered: the most
   * overdue first. An episode has a due time exactly when its return is recorded (72 hours
   * after it), so "returned" is asked of interviewDueAt: with the index proposed in
   * docs/dashboard.md both the page and its count are read from the index alone.
   */
  async due(actor: Actor, page = 1, pageSize = PAGE_SIZE): Promise<Paged<DueRow> & { overdue: number }> {
    authorise(actor, 'ask-due');
    const now = this.clock.now();
    const [rows, [summary]] = await Promise.all([
      // The page of episodes first, from the index order; then the 50 rows' names and references.
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT e."id" AS id, e."childId" AS "childId", p."initials" AS initials, r."reference" AS reference,
               e."returnedAt" AS "returnedAt", e."interviewDueAt" AS "dueAt",
               e."interviewerName" AS interviewer, e."interviewOfferedAt" AS "offeredAt"
        FROM (
          SELECT d."id", d."childId", d."missingRecordId", d."returnedAt", d."interviewDueAt",
                 d."interviewerName", d."interviewOfferedAt"
          FROM "MissingEpisode" d
          WHERE d."interviewDueAt" IS NOT NULL AND d."interviewCompletedAt" IS NULL
            AND (d."interviewOutcome" IS NULL OR d."interviewOutcome" = 'declined')
          ORDER BY d."interviewDueAt" ASC, d."id" ASC
          LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
        ) e
        JOIN "Person" p ON p."id" = e."childId"
        LEFT JOIN "Record" r ON r."id" = e."missingRecordId"
        ORDER BY e."interviewDueAt" ASC, e."id" ASC
      `,
      this.db.$queryRaw<{ total: unknown; overdue: unknown }[]>`
        SELECT COUNT(*) AS total,
               SUM(CASE WHEN e."interviewDueAt" < ${now} AND e."interviewOfferedAt" IS NULL
                         AND e."interviewOutcome" IS NULL THEN 1 ELSE 0 END) AS overdue
        FROM "MissingEpisode" e
        WHERE e."interviewDueAt" IS NOT NULL AND e."interviewCompletedAt" IS NULL
          AND (e."interviewOutcome" IS NULL OR e."interviewOutcome" = 'declined')
      `,
    ]);
    const items = rows.map((row): DueRow => {
      const dueAt = new Date(row.dueAt as string | Date);
      const left = timeLeft(dueAt, now);
      return {
        episodeId: String(row.id),
        childId: String(row.childId),
        initials: this.initials(row),
        reference: (row.reference as string | null) ?? null,
        returnedAt: iso(row.returnedAt),
        dueAt: dueAt.toISOString(),
        // The 72 hours is the deadline to offer it: once offered, it is not overdue.
        overdue: left.overdue && !row.offeredAt,
        timeLeft: left.text,
        interviewer: this.cipher.openOptional(
          'MissingEpisode',
          'interviewerName',
          String(row.id),
          row.interviewer as string | null,
        ),
        offeredAt: isoOrNull(row.offeredAt),
      };
    });
    await this.auditView(
      actor,
      'due list',
      page,
      items.map((row) => row.childId),
    );
    return { ...paged(items, num(summary?.total), page, pageSize), overdue: num(summary?.overdue) };
  }

  /** A list row's initials, opened: the lists show them, the figures never read them. */
  private initials(row: Record<string, unknown>): string {
    return openInitials(this.cipher, { id: String(row.childId), initials: String(row.initials) });
  }

  async agencies(): Promise<{ id: string; name: string }[]> {
    return this.db.agency.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
  }

  /** The MET list (nominated or accepted), highest level first, then soonest review. */
  async metList(actor: Actor, filters: ListFilters, page = 1, pageSize = PAGE_SIZE): Promise<Paged<ListRow>> {
    authorise(actor, 'ask-met-list');
    const now = this.clock.now();
    const soon = new Date(now.getTime() + 14 * DAY);
    const { level, agency, review } = filters;
    // The entries the filters choose: the page and its count read the same ones.
    const chosen = sqlPart`l."status" IN ('nominated', 'active')
      AND (CAST(${level} AS TEXT) = '' OR l."level" = ${level})
      AND (CAST(${agency} AS TEXT) = ''
           OR l."nominatedById" IN (SELECT u."id" FROM "User" u WHERE u."agencyId" = ${agency}))
      AND (CAST(${review} AS TEXT) <> 'overdue' OR l."reviewDate" < ${now})
      AND (CAST(${review} AS TEXT) <> 'soon' OR (l."reviewDate" >= ${now} AND l."reviewDate" < ${soon}))
      AND (CAST(${review} AS TEXT) <> 'none' OR l."reviewDate" IS NULL)`;
    const [rows, [summary]] = await Promise.all([
      // The page of entries first (sorted on the entry's own columns); then the rows' details.
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT m."id" AS id, m."childId" AS "childId", m."status" AS status, m."level" AS level,
               m."reviewDate" AS "reviewDate", m."leadProfessional" AS "leadProfessional",
               p."initials" AS initials, p."yearOfBirth" AS "yearOfBirth",
               p."yearOfBirthEnc" AS "yearOfBirthEnc", a."name" AS agency,
               (SELECT r."reference" FROM "Record" r
                 WHERE r."childId" = m."childId" AND r."type" <> 'met-list-change'
                 ORDER BY r."createdAt" DESC, r."id" DESC LIMIT 1) AS reference
        FROM (
          SELECT l."id", l."childId", l."status", l."level", l."reviewDate", l."leadProfessional", l."nominatedById",
                 CASE l."level" WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END AS rank,
                 CASE WHEN l."reviewDate" IS NULL THEN 1 ELSE 0 END AS unset
          FROM "MetListEntry" l
          WHERE ${chosen}
          ORDER BY rank, unset, l."reviewDate", l."id"
          LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
        ) m
        JOIN "Person" p ON p."id" = m."childId"
        LEFT JOIN "User" u ON u."id" = m."nominatedById"
        LEFT JOIN "Agency" a ON a."id" = u."agencyId"
        ORDER BY m.rank, m.unset, m."reviewDate", m."id"
      `,
      this.db.$queryRaw<{ total: unknown }[]>`
        SELECT COUNT(*) AS total
        FROM "MetListEntry" l
        WHERE ${chosen}
      `,
    ]);
    const changes = await this.db.metLevelChange.findMany({
      where: { entryId: { in: rows.map((row) => String(row.id)) } },
      orderBy: [{ changedAt: 'desc' }, { id: 'desc' }],
    });
    const last = new Map<string, (typeof changes)[number]>();
    for (const change of changes) if (!last.has(change.entryId)) last.set(change.entryId, change);
    const items = rows.map((row): ListRow => {
      const change = last.get(String(row.id));
      const reviewDate = isoOrNull(row.reviewDate);
      return {
        entryId: String(row.id),
        childId: String(row.childId),
        initials: this.initials(row),
        reference: (row.reference as string | null) ?? null,
        yearOfBirth: openYearOfBirth(this.cipher, {
          id: String(row.childId),
          yearOfBirthEnc: (row.yearOfBirthEnc as string | null) ?? null,
          yearOfBirth: row.yearOfBirth === null ? null : num(row.yearOfBirth),
        }),
        status: String(row.status),
        level: (row.level as string | null) ?? null,
        reviewDate,
        reviewOverdue: reviewDate !== null && new Date(reviewDate) < now,
        leadProfessional: this.cipher.openOptional(
          'MetListEntry',
          'leadProfessional',
          String(row.id),
          row.leadProfessional as string | null,
        ),
        agency: (row.agency as string | null) ?? null,
        lastChange: change
          ? {
              at: change.changedAt.toISOString(),
              from: change.fromLevel,
              to: change.toLevel,
              toStatus: change.toStatus,
              reason: this.cipher.open('MetLevelChange', 'reason', change.id, change.reason),
            }
          : null,
      };
    });
    await this.auditView(
      actor,
      'MET list',
      page,
      items.map((row) => row.childId),
    );
    return paged(items, num(summary?.total), page, pageSize);
  }

  /** The children risk checks have proposed, oldest first: for the group to accept or decline. */
  async proposals(actor: Actor): Promise<ProposalRow[]> {
    authorise(actor, 'ask-met-list');
    const entries = await this.db.metListEntry.findMany({
      where: { status: 'proposed' },
      orderBy: [{ nominatedAt: 'asc' }, { id: 'asc' }],
      take: 200,
      include: { child: { select: { initials: true } } },
    });
    const proposers = await this.db.user.findMany({
      where: { id: { in: [...new Set(entries.map((e) => e.nominatedById))] } },
      select: { id: true, agency: { select: { name: true } } },
    });
    const agencyOf = new Map(proposers.map((u) => [u.id, u.agency?.name ?? null]));
    const reports = await this.db.record.findMany({
      where: { childId: { in: entries.map((e) => e.childId) }, type: { not: 'met-list-change' } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { childId: true, reference: true },
    });
    const latest = new Map<string, string>();
    for (const report of reports)
      if (report.childId && !latest.has(report.childId)) latest.set(report.childId, report.reference);
    const rows = entries.map((entry) => ({
      entryId: entry.id,
      childId: entry.childId,
      initials: openInitials(this.cipher, { id: entry.childId, initials: entry.child.initials }),
      reference: latest.get(entry.childId) ?? null,
      proposedLevel: entry.proposedLevel,
      proposedAt: entry.nominatedAt.toISOString(),
      agency: agencyOf.get(entry.nominatedById) ?? null,
    }));
    await this.auditView(
      actor,
      'MET list proposals',
      1,
      rows.map((row) => row.childId),
    );
    return rows;
  }

  /** Every child on the list, for the monthly pack. */
  async wholeList(actor: Actor): Promise<ListRow[]> {
    const first = await this.metList(actor, { level: '', agency: '', review: '' }, 1, 100_000);
    return first.rows;
  }

  async missingNow(actor: Actor, page = 1, pageSize = PAGE_SIZE): Promise<Paged<MissingRow>> {
    authorise(actor, 'ask-missing-now');
    const now = this.clock.now();
    const [rows, [summary]] = await Promise.all([
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT e."id" AS id, e."childId" AS "childId", p."initials" AS initials, r."reference" AS reference,
               e."missingFrom" AS "missingFrom", e."lastSeenAt" AS "lastSeenAt", e."policeReference" AS "policeReference"
        FROM "MissingEpisode" e
        JOIN "Person" p ON p."id" = e."childId"
        LEFT JOIN "Record" r ON r."id" = e."missingRecordId"
        WHERE e."returnedAt" IS NULL
        ORDER BY e."lastSeenAt" ASC, e."id" ASC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
      `,
      this.db.$queryRaw<{ total: unknown }[]>`
        SELECT COUNT(*) AS total FROM "MissingEpisode" e WHERE e."returnedAt" IS NULL
      `,
    ]);
    const items = rows.map((row): MissingRow => {
      const lastSeenAt = new Date(row.lastSeenAt as string | Date);
      return {
        episodeId: String(row.id),
        childId: String(row.childId),
        initials: this.initials(row),
        reference: (row.reference as string | null) ?? null,
        missingFrom: String(row.missingFrom),
        lastSeenAt: lastSeenAt.toISOString(),
        missingFor: timeLeft(lastSeenAt, now).text.replace(' overdue', ''),
        policeReference: this.cipher.openOptional(
          'MissingEpisode',
          'policeReference',
          String(row.id),
          row.policeReference as string | null,
        ),
      };
    });
    await this.auditView(
      actor,
      'missing now',
      page,
      items.map((row) => row.childId),
    );
    return paged(items, num(summary?.total), page, pageSize);
  }

  /**
   * Children missing REPEAT_MISSING_THRESHOLD or more times in the last REPEAT_MISSING_DAYS days:
   * the episodes on record or the reporter's count of earlier times, whichever is more
   * (timesMissing in src/domain/missing-history.ts, which the figures count by too).
   */
  async repeatMissing(actor: Actor, page = 1, pageSize = PAGE_SIZE): Promise<Paged<RepeatRow>> {
    authorise(actor, 'ask-repeat-missing');
    const since = new Date(this.clock.now().getTime() - this.repeatSettings.days * DAY);
    const threshold = this.repeatSettings.threshold;
    // The children missing often enough: the page and its count read the same ones.
    const repeated = sqlPart`FROM "MissingEpisode" e
      WHERE e."lastSeenAt" >= ${since}
      GROUP BY e."childId"
      HAVING COUNT(*) >= ${threshold} OR MAX(COALESCE(e."reportedTimesBefore", 0) + 1) >= ${threshold}`;
    const [rows, [summary]] = await Promise.all([
      this.db.$queryRaw<Record<string, unknown>[]>`
        SELECT t."childId" AS "childId", t.times AS times, t.last AS last, p."initials" AS initials,
               m."level" AS level, m."status" AS status,
               (SELECT r."reference" FROM "MissingEpisode" x JOIN "Record" r ON r."id" = x."missingRecordId"
                 WHERE x."childId" = t."childId" ORDER BY x."lastSeenAt" DESC, x."id" DESC LIMIT 1) AS reference
        FROM (
          SELECT e."childId" AS "childId", MAX(e."lastSeenAt") AS last,
                 CASE WHEN COUNT(*) > MAX(COALESCE(e."reportedTimesBefore", 0) + 1) THEN COUNT(*)
                      ELSE MAX(COALESCE(e."reportedTimesBefore", 0) + 1) END AS times
          ${repeated}
        ) t
        JOIN "Person" p ON p."id" = t."childId"
        LEFT JOIN "MetListEntry" m ON m."childId" = t."childId"
        ORDER BY t.times DESC, t.last DESC, t."childId"
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
      `,
      this.db.$queryRaw<{ total: unknown }[]>`
        SELECT COUNT(*) AS total FROM (
          SELECT e."childId" ${repeated}
        ) t
      `,
    ]);
    const items = rows.map(
      (row): RepeatRow => ({
        childId: String(row.childId),
        initials: this.initials(row),
        reference: (row.reference as string | null) ?? null,
        times: num(row.times),
        lastMissing: iso(row.last),
        level: (row.level as string | null) ?? null,
        onList: row.status === 'nominated' || row.status === 'active',
      }),
    );
    await this.auditView(
      actor,
      'repeat missing',
      page,
      items.map((row) => row.childId),
    );
    return paged(items, num(summary?.total), page, pageSize);
  }

  /**
   * The names of a page's children, for someone who may see children's details in a private
   * place (chat adds them to a list there). Each child read is audited.
   */
  async namesOf(actor: Actor, childIds: string[]): Promise<Map<string, string>> {
    authorise(actor, 'view-child-details');
    if (childIds.length === 0) return new Map();
    const children = await this.db.person.findMany({
      where: { id: { in: childIds } },
      select: { id: true, nameEnc: true },
    });
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await auditManyAs(
        tx,
        this.provider,
        actor,
        children.map((child) => ({
          action: 'read' as const,
          recordType: 'person',
          recordId: child.id,
          detail: 'name in a list',
          at,
        })),
      );
    });
    return new Map(children.map((c) => [c.id, this.cipher.open('Person', 'nameEnc', c.id, c.nameEnc)]));
  }

  /** Everything known about one child, in time order. Opening it is audited. */
  chronology(actor: Actor, childId: string): Promise<Chronology> {
    return readChronology(
      { db: this.db, provider: this.provider, cipher: this.cipher, clock: this.clock },
      actor,
      childId,
    );
  }

  /** The view (which list, which page), and each child it showed, so a child's trail names who saw them listed. */
  private async auditView(actor: Actor, list: string, page: number, childIds: string[]): Promise<void> {
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await auditManyAs(tx, this.provider, actor, [
        {
          action: 'read',
          recordType: 'dashboard-list',
          recordId: list,
          detail: `page ${page}: ${childIds.length} children`,
          at,
        },
        ...[...new Set(childIds)].map((childId) => ({
          action: 'read' as const,
          recordType: 'person',
          recordId: childId,
          detail: list,
          at,
        })),
      ]);
    });
  }
}
