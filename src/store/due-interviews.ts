import type { Db } from './database';
import { Prisma } from './generated/sqlite/client';

/** A return interview to do, with its child and its missing report's reference, as one row. */
export interface DueInterviewRow {
  id: string;
  missingRecordId: string;
  /** The missing report's reference; null if the record is gone. */
  reference: string | null;
  childId: string;
  childInitials: string;
  childNameEnc: string;
  returnedAt: Date | null;
  interviewDueAt: Date | null;
  interviewOfferedAt: Date | null;
  interviewOutcome: string | null;
  interviewerId: string | null;
  interviewerName: string | null;
  interviewerHandle: string | null;
  interviewerEmail: string | null;
  /** Still to do (interviewOpen() in src/services/interviews.service.ts, in SQL). */
  open: boolean;
}

/** Whom a read covers: see readDueInterviews. */
export interface DueScope {
  /** Every open episode (the due list), or only those assigned to `interviewerId`. */
  everyone: boolean;
  interviewerId: string;
  /**
   * Also the episodes, open or not, assigned before the person used the bot and not yet
   * claimed: by their identity key, or by an email they go by.
   */
  assignedAs?: { handle: string; emails: string[] };
}

/** interviewOpen(): returned, and no interview completed (a decline or "not yet" keeps it open). */
const open = Prisma.sql`(e."returnedAt" IS NOT NULL AND e."interviewCompletedAt" IS NULL
  AND (e."interviewOutcome" IS NULL OR e."interviewOutcome" <> 'completed'))`;

/**
 * The return interviews in scope, soonest due first, each with its child and reference, in one
 * statement (issue 20: Prisma's `include` sends a query per relation, even for an empty list).
 */
export async function readDueInterviews(db: Db, scope: DueScope, limit: number): Promise<DueInterviewRow[]> {
  const mine = scope.everyone ? Prisma.empty : Prisma.sql`AND e."interviewerId" = ${scope.interviewerId}`;
  const assigned = scope.assignedAs && assignedBefore(scope.assignedAs);
  const rows = await db.$queryRaw<(Omit<DueInterviewRow, 'open'> & { open: unknown })[]>`
    SELECT e."id", e."missingRecordId", r."reference", e."childId", c."initials" AS "childInitials",
           c."nameEnc" AS "childNameEnc", e."returnedAt", e."interviewDueAt", e."interviewOfferedAt",
           e."interviewOutcome", e."interviewerId", e."interviewerName", e."interviewerHandle",
           e."interviewerEmail", CASE WHEN ${open} THEN 1 ELSE 0 END AS "open"
    FROM "MissingEpisode" e
    JOIN "Person" c ON c."id" = e."childId"
    LEFT JOIN "Record" r ON r."id" = e."missingRecordId"
    WHERE (${open} ${mine}) ${assigned ? Prisma.sql`OR ${assigned}` : Prisma.empty}
    ORDER BY e."interviewDueAt" ASC
    LIMIT ${limit}`;
  return rows.map((row) => ({ ...row, open: Number(row.open) === 1 }));
}

function assignedBefore({ handle, emails }: { handle: string; emails: string[] }): Prisma.Sql {
  const byEmail = emails.length
    ? Prisma.sql`OR e."interviewerEmail" IN (${Prisma.join(emails)})`
    : Prisma.empty;
  return Prisma.sql`(e."interviewerId" IS NULL AND (e."interviewerHandle" = ${handle} ${byEmail}))`;
}
