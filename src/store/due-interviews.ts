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
  interviewerHandleHash: string | null;
  interviewerEmailHash: string | null;
  /** Still to do (interviewOpen() in src/missing/interviews.service.ts, in SQL). */
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
  assignedAs?: AssignedBefore;
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
           e."interviewerEmail", e."interviewerHandleHash", e."interviewerEmailHash", CASE WHEN ${open} THEN 1 ELSE 0 END AS "open"
    FROM "MissingEpisode" e
    JOIN "Person" c ON c."id" = e."childId"
    LEFT JOIN "Record" r ON r."id" = e."missingRecordId"
    WHERE (${open} ${mine}) ${assigned ? Prisma.sql`OR ${assigned}` : Prisma.empty}
    ORDER BY e."interviewDueAt" ASC
    LIMIT ${limit}`;
  return rows.map((row) => ({ ...row, open: Number(row.open) === 1 }));
}

/**
 * Who an assignment made before someone used the bot names: the keyed exact hashes (under every
 * data key) of their identity key and of any email, and, while values from before are accepted
 * (SEALED_LEGACY), both in clear for assignments written before they were sealed.
 */
export interface AssignedBefore {
  handleHashes: string[];
  emailHashes: string[];
  clear?: { handle: string; emails: string[] };
}

function assignedBefore({ handleHashes, emailHashes, clear }: AssignedBefore): Prisma.Sql {
  const ways = [Prisma.sql`e."interviewerHandleHash" IN (${Prisma.join(handleHashes)})`];
  if (emailHashes.length) ways.push(Prisma.sql`e."interviewerEmailHash" IN (${Prisma.join(emailHashes)})`);
  if (clear) {
    ways.push(Prisma.sql`(e."interviewerHandleHash" IS NULL AND e."interviewerHandle" = ${clear.handle})`);
    if (clear.emails.length)
      ways.push(
        Prisma.sql`(e."interviewerEmailHash" IS NULL AND e."interviewerEmail" IN (${Prisma.join(clear.emails)}))`,
      );
  }
  return Prisma.sql`(e."interviewerId" IS NULL AND (${Prisma.join(ways, ' OR ')}))`;
}
