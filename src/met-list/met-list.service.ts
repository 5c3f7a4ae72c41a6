import { randomUUID } from 'node:crypto';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openEthnicity, openInitials, openYearOfBirth } from '../children/demographics';
import { survivor } from '../children/resolve-child';
import { type Clock, DAY } from '../domain/clock';
import { nextReviewDate } from '../domain/deadlines';
import { formatDay } from '../domain/london-time';
import { timesMissing } from '../domain/missing-history';
import { decide } from '../domain/policy';
import { LONGTEXT_MAX_CHARS } from '../domain/records';
import type { RiskLevel } from '../domain/risk';
import type { RecordWriter } from '../records/record-writer';
import { type ChildDetails, findOrCreateChild } from '../store/children';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { displayNames } from '../store/staff-names';
import type { ChildByEntry, ChildByReference, MetListHistoryItem, NominateInput } from './met-list-change';
import { type MetListChange, type MetListStatus, turned18 } from './met-list-change';

export type {
  ChildByEntry,
  ChildByReference,
  MetListChange,
  MetListHistoryItem,
  MetListStatus,
  NominateInput,
} from './met-list-change';
export { turned18 } from './met-list-change';

type Action =
  | 'nominate'
  | 'accept'
  | 'decline'
  | 'set-level'
  | 'set-review'
  | 'set-lead-professional'
  | 'remove';

/** Suggested reasons for taking a child off the list; any reason may be given. */
export const removalReasons = ['Risk reduced', 'Moved out of the area', 'Turned 18', 'Other'] as const;

/** One child on the list, with the fields the monthly MET Operational Group reviews. */
export interface MetListRow {
  initials: string;
  /** Only for roles that may see a child's details. */
  name: string | null;
  status: 'proposed' | 'nominated' | 'active';
  level: string | null;
  /** What a risk check suggested, while the MET group has not decided (status proposed). */
  proposedLevel: string | null;
  gender: string | null;
  age: number | null;
  ethnicity: string | null;
  accommodation: string | null;
  missingCount: number;
  leadProfessional: string | null;
  reviewDate: Date | null;
  nominatedAt: Date;
}

interface Entry {
  id: string;
  childId: string;
  status: string;
  level: string | null;
  proposedLevel: string | null;
  reviewDate: Date | null;
  leadProfessional: string | null;
}

interface Change {
  action: Action;
  reason: string;
  /** The entry's fields after the change. */
  next: Partial<Omit<Entry, 'id' | 'childId'>> & { status: MetListStatus };
}

const onList = ['nominated', 'active'];
/** Waiting for the group's decision, or on the list: what the meeting looks at. */
const beforeTheGroup = ['proposed', ...onList];
const levelOrder: Record<string, number> = { high: 0, medium: 1, low: 2 };

/**
 * The MET list: nominate, accept or decline, set the level and the review date, name the lead
 * professional, remove. Each change keeps a history row, is its own record (type met-list-change)
 * and is queued, in the same transaction, for the MET coordinator and any gateway routed for it.
 */
export class MetListService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly records: RecordWriter,
    /** The window "missing count" covers (REPEAT_MISSING_DAYS). */
    private readonly missingDays = 90,
  ) {}

  /** Puts a child forward, by hand or from a risk check; the group then accepts or declines. */
  async nominate(actor: Actor, input: NominateInput): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    const reason = required(input.reason, 'Please give a reason for the nomination.');
    return this.change(actor, input.child, (entry) => {
      if (entry && onList.includes(entry.status)) {
        throw new NotPossibleError(
          `This child is already on the MET list (${describeStatus(entry.status)}).`,
        );
      }
      return {
        action: 'nominate',
        reason,
        next: {
          status: 'nominated',
          level: input.level,
          reviewDate: null,
          leadProfessional: input.leadProfessional?.trim() || entry?.leadProfessional || null,
        },
      };
    });
  }

  /** The group accepts a nomination; the first review is a month on unless another date is given. */
  async accept(
    actor: Actor,
    input: {
      child: ChildByReference | ChildByEntry;
      reviewDate?: Date;
      reason?: string;
      level?: RiskLevel;
    },
  ): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    return this.change(actor, input.child, (entry, now) => {
      const current = expectStatus(
        entry,
        ['proposed', 'nominated'],
        'Only a child who is proposed or nominated can be accepted.',
      );
      // The group sets the level; without one, it takes the level proposed.
      const level = input.level ?? current.level ?? current.proposedLevel;
      if (!level)
        throw new NotPossibleError('Please give the level: *accept <reference> <high|medium|low>*.');
      return {
        action: 'accept',
        reason: input.reason?.trim() || 'Accepted by the MET group',
        next: {
          status: 'active',
          level,
          proposedLevel: null,
          reviewDate: this.reviewDate(input.reviewDate, now),
        },
      };
    });
  }

  async decline(
    actor: Actor,
    input: { child: ChildByReference | ChildByEntry; reason: string },
  ): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    const reason = required(input.reason, 'Please say why the nomination was declined.');
    return this.change(actor, input.child, (entry) => {
      expectStatus(
        entry,
        ['proposed', 'nominated'],
        'Only a child who is proposed or nominated can be declined.',
      );
      return {
        action: 'decline',
        reason,
        next: { status: 'declined', level: null, proposedLevel: null, reviewDate: null },
      };
    });
  }

  async setLevel(
    actor: Actor,
    input: { child: ChildByReference; level: RiskLevel; reason: string },
  ): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    const reason = required(input.reason, 'Please give a reason for the new level.');
    return this.change(actor, input.child, (entry) => {
      const current = expectStatus(entry, beforeTheGroup, 'This child is not on the MET list.');
      if (current.level === input.level) throw new NotPossibleError(`The level is already ${input.level}.`);
      return {
        action: 'set-level',
        reason,
        next: { status: current.status as MetListStatus, level: input.level },
      };
    });
  }

  /** Sets the next review; with no date, a month from today. */
  async setReview(
    actor: Actor,
    input: { child: ChildByReference; reviewDate?: Date; reason?: string },
  ): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    return this.change(actor, input.child, (entry, now) => {
      const current = expectStatus(entry, onList, 'This child is not on the MET list.');
      const reviewDate = this.reviewDate(input.reviewDate, now);
      return {
        action: 'set-review',
        reason: input.reason?.trim() || `Review set for ${formatDay(reviewDate.toISOString().slice(0, 10))}`,
        next: { status: current.status as MetListStatus, reviewDate },
      };
    });
  }

  /** Young people said a consistent worker matters: the list names the lead professional. */
  async setLeadProfessional(
    actor: Actor,
    input: { child: ChildByReference; name: string },
  ): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    const name = required(input.name, "Please give the lead professional's name.");
    return this.change(actor, input.child, (entry) => {
      const current = expectStatus(entry, onList, 'This child is not on the MET list.');
      return {
        action: 'set-lead-professional',
        reason: `Lead professional: ${name}`,
        next: { status: current.status as MetListStatus, leadProfessional: name },
      };
    });
  }

  /** Takes a child off the list (risk reduced, moved away, turned 18…); the history stays. */
  async remove(actor: Actor, input: { child: ChildByReference; reason: string }): Promise<MetListChange> {
    authorise(actor, 'manage-met-list');
    const reason = required(input.reason, 'Please give a reason for taking the child off the list.');
    if (turned18(reason)) await this.checkTurned18(input.child);
    return this.change(actor, input.child, (entry) => {
      expectStatus(entry, beforeTheGroup, 'This child is not on the MET list.');
      return {
        action: 'remove',
        reason,
        next: { status: 'removed', proposedLevel: null, reviewDate: null },
      };
    });
  }

  /**
   * "Turned 18" is checked against what is known: a date of birth at least 18 years ago (or a
   * year of birth that makes the child 18 whatever the day).
   */
  private async checkTurned18(child: ChildByReference): Promise<void> {
    const childId = await this.childOf(this.db, child.reference);
    const person = await this.db.person.findUniqueOrThrow({ where: { id: childId } });
    const dateOfBirth = this.cipher.openOptional(
      'Person',
      'dateOfBirthEnc',
      person.id,
      person.dateOfBirthEnc,
    );
    const now = this.clock.now();
    const age = dateOfBirth ? ageOf(dateOfBirth, null, now) : null;
    const yearOfBirth = openYearOfBirth(this.cipher, person);
    const byYear = yearOfBirth !== null ? now.getUTCFullYear() - yearOfBirth : null;
    if (age !== null ? age >= 18 : byYear !== null && byYear >= 19) return;
    throw new NotPossibleError(
      age !== null
        ? `The date of birth on file makes this child ${age}, so they have not turned 18. Please give the real reason.`
        : 'There is no date of birth on file, so I cannot tell that this child has turned 18. Please record their date of birth, or give another reason.',
    );
  }

  /** Every change to a child's entry, oldest first. */
  async history(actor: Actor, child: ChildByReference): Promise<MetListHistoryItem[]> {
    authorise(actor, 'ask-met-list');
    const childId = await this.childOf(this.db, child.reference);
    const entry = await this.db.metListEntry.findUnique({ where: { childId } });
    if (!entry) throw new NotPossibleError('This child has never been on the MET list.');
    const changes = await this.db.metLevelChange.findMany({
      where: { entryId: entry.id },
      orderBy: { changedAt: 'asc' },
    });
    const names = await displayNames(
      this.db,
      this.cipher,
      changes.map((c) => c.changedById),
    );
    await this.auditReads(actor, [childId], 'MET list history');
    return changes.map((c) => ({
      at: c.changedAt,
      by: names.get(c.changedById) ?? 'unknown',
      fromStatus: c.fromStatus,
      toStatus: c.toStatus,
      fromLevel: c.fromLevel,
      toLevel: c.toLevel,
      reason: this.cipher.open('MetLevelChange', 'reason', c.id, c.reason),
    }));
  }

  /** The current list for the monthly meeting, highest level first, then soonest review. */
  async rows(actor: Actor): Promise<MetListRow[]> {
    authorise(actor, 'ask-met-list');
    const now = this.clock.now();
    const entries = await this.db.metListEntry.findMany({
      where: { status: { in: beforeTheGroup } },
      include: { child: true },
      take: 2000,
    });
    const since = new Date(now.getTime() - this.missingDays * DAY);
    // The episodes on record or the reporter's count, whichever is more (src/domain/missing-history.ts).
    const episodes = await this.db.missingEpisode.findMany({
      where: { childId: { in: entries.map((e) => e.childId) }, lastSeenAt: { gte: since } },
      select: { childId: true, reportedTimesBefore: true },
    });
    const missing = new Map<string, number>();
    for (const childId of new Set(episodes.map((e) => e.childId))) {
      const own = episodes.filter((e) => e.childId === childId);
      const reported = own.map((e) => e.reportedTimesBefore).filter((n): n is number => n !== null);
      missing.set(
        childId,
        timesMissing({
          onRecord: own.length,
          reportedBefore: reported.length ? Math.max(...reported) : null,
        }),
      );
    }
    const showName = decide(actor.roles, 'view-child-details').allowed;
    const rows = entries.map(({ child, ...entry }) => ({
      initials: openInitials(this.cipher, child),
      name: showName ? this.cipher.open('Person', 'nameEnc', child.id, child.nameEnc) : null,
      status: entry.status as MetListRow['status'],
      level: entry.level,
      proposedLevel: entry.proposedLevel,
      gender: child.gender,
      age: ageOf(
        this.cipher.openOptional('Person', 'dateOfBirthEnc', child.id, child.dateOfBirthEnc),
        openYearOfBirth(this.cipher, child),
        now,
      ),
      ethnicity: openEthnicity(this.cipher, child),
      accommodation: child.accommodation,
      missingCount: missing.get(child.id) ?? 0,
      leadProfessional: this.cipher.openOptional(
        'MetListEntry',
        'leadProfessional',
        entry.id,
        entry.leadProfessional,
      ),
      reviewDate: entry.reviewDate,
      nominatedAt: entry.nominatedAt,
    }));
    const never = Number.POSITIVE_INFINITY;
    rows.sort(
      (a, b) =>
        (levelOrder[a.level ?? ''] ?? 3) - (levelOrder[b.level ?? ''] ?? 3) ||
        (a.reviewDate?.getTime() ?? never) - (b.reviewDate?.getTime() ?? never) ||
        a.nominatedAt.getTime() - b.nominatedAt.getTime() ||
        a.initials.localeCompare(b.initials),
    );
    await this.auditReads(
      actor,
      entries.map((e) => e.childId),
      'MET list export',
    );
    return rows;
  }

  /** The list as CSV (UTF-8, comma-separated, a header row). */
  async exportCsv(actor: Actor): Promise<string> {
    const rows = await this.rows(actor);
    const lines = [
      exportColumns.map((c) => headerOf(c, this.missingDays)),
      ...rows.map((row) => exportColumns.map((c) => textOf(cellOf(row, c)))),
    ];
    return `${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }

  /** The list as an Excel workbook, one sheet, for the meeting pack. */
  async exportXlsx(actor: Actor): Promise<Buffer> {
    const rows = await this.rows(actor);
    // Loaded when first used: exceljs costs ~0.4 s of CPU at start-up, and few ask for a workbook.
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'metbot';
    workbook.created = this.clock.now();
    const sheet = workbook.addWorksheet('MET list', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = exportColumns.map((c) => ({
      header: headerOf(c, this.missingDays),
      key: c.key,
      width: c.width,
      ...(c.date && { style: { numFmt: 'dd/mm/yyyy' } }),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows) {
      sheet.addRow(Object.fromEntries(exportColumns.map((c) => [c.key, cellOf(row, c)])));
    }
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  private reviewDate(given: Date | undefined, now: Date): Date {
    const date = given ?? nextReviewDate(now);
    if (Number.isNaN(date.getTime())) throw new NotPossibleError('Please give the review date as a date.');
    if (date.getTime() <= now.getTime()) throw new NotPossibleError('The review date must be after today.');
    return date;
  }

  private async childOf(db: Db | Tx, reference: string): Promise<string> {
    const record = await db.record.findUnique({
      where: { reference: reference.trim().toUpperCase() },
      select: { childId: true },
    });
    if (!record?.childId) throw new NotPossibleError(`I can't find a record ${reference} about a child.`);
    // Any report about the child names them, including one whose record was merged into another's.
    return survivor(db as Tx, record.childId);
  }

  private async childOfEntry(tx: Tx, entryId: string): Promise<string> {
    const entry = await tx.metListEntry.findUnique({ where: { id: entryId }, select: { childId: true } });
    if (!entry) throw new NotPossibleError('That child is no longer before the MET group.');
    return entry.childId;
  }

  /** One change: the entry, its history row, its record, its deliveries and the audit, in one transaction. */
  private change(
    actor: Actor,
    child: ChildByReference | ChildByEntry | ChildDetails,
    decideChange: (entry: Entry | null, now: Date) => Change,
  ): Promise<MetListChange> {
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const childId =
        'reference' in child
          ? await this.childOf(tx, child.reference)
          : 'entryId' in child
            ? await this.childOfEntry(tx, child.entryId)
            : (await findOrCreateChild(tx, this.cipher, child, now)).id;
      return this.changeWithin(tx, actor, childId, decideChange, now);
    });
  }

  /**
   * A risk check at medium or high proposes the child to the MET group, inside the risk check's
   * own transaction (for SubmissionService.submitRiskCheck). The group decides at its next
   * meeting (accept or decline) and sets the level: the check only suggests one. Nothing changes
   * when the child is already proposed or on the list. No MET role is needed.
   */
  async nominateFromRiskCheck(
    tx: Tx,
    actor: Actor,
    input: { childId: string; level: RiskLevel; reason: string; now: Date },
  ): Promise<MetListChange | null> {
    const entry = await tx.metListEntry.findUnique({ where: { childId: input.childId } });
    if (entry && beforeTheGroup.includes(entry.status)) return null;
    return this.changeWithin(
      tx,
      actor,
      input.childId,
      () => ({
        action: 'nominate',
        reason: `${input.reason} suggested ${input.level}: for the MET group to decide`,
        next: { status: 'proposed', level: null, proposedLevel: input.level, reviewDate: null },
      }),
      input.now,
    );
  }

  private async changeWithin(
    tx: Tx,
    actor: Actor,
    childId: string,
    decideChange: (entry: Entry | null, now: Date) => Change,
    now: Date,
  ): Promise<MetListChange> {
    const person = await tx.person.findUniqueOrThrow({ where: { id: childId } });
    const stored = await tx.metListEntry.findUnique({ where: { childId } });
    // The entry's sealed fields, opened: decisions and the record see plain text, the row never does.
    const entry = stored && {
      ...stored,
      leadProfessional: this.cipher.openOptional(
        'MetListEntry',
        'leadProfessional',
        stored.id,
        stored.leadProfessional,
      ),
      removalReason: this.cipher.openOptional(
        'MetListEntry',
        'removalReason',
        stored.id,
        stored.removalReason,
      ),
    };
    const { action, reason, next } = decideChange(entry, now);
    // Every change's reason passes here: a narrative, capped as the forms' are.
    if (reason.length > LONGTEXT_MAX_CHARS) {
      throw new NotPossibleError(
        `Please keep the reason to ${LONGTEXT_MAX_CHARS.toLocaleString('en-GB')} characters or fewer, and send it again.`,
      );
    }
    const entryId = entry?.id ?? randomUUID();
    const seal = (column: string, value: string | null | undefined) =>
      this.cipher.sealOptional('MetListEntry', column, entryId, value);
    const data = {
      ...next,
      ...(next.leadProfessional !== undefined && {
        leadProfessional: seal('leadProfessional', next.leadProfessional),
      }),
      ...(action === 'nominate' && {
        nominatedById: actor.id,
        nominatedAt: now,
        removedAt: null,
        removalReason: null,
      }),
      ...(action === 'remove' && { removedAt: now, removalReason: seal('removalReason', reason) }),
    };
    const saved = entry
      ? await tx.metListEntry.update({ where: { id: entry.id }, data })
      : await tx.metListEntry.create({
          data: { id: entryId, childId, nominatedById: actor.id, nominatedAt: now, ...data },
        });
    const leadProfessional =
      next.leadProfessional !== undefined ? next.leadProfessional : (entry?.leadProfessional ?? null);
    const changeId = randomUUID();
    await tx.metLevelChange.create({
      data: {
        id: changeId,
        entryId: saved.id,
        fromLevel: entry?.level ?? null,
        toLevel: saved.level,
        fromStatus: entry?.status ?? null,
        toStatus: saved.status,
        reason: this.cipher.seal('MetLevelChange', 'reason', changeId, reason),
        changedById: actor.id,
        changedAt: now,
      },
    });
    const id = this.records.newId();
    const reference = await this.records.nextReference(tx, 'met-list-change', now);
    await this.records.write(tx, actor, {
      id,
      reference,
      type: 'met-list-change',
      childId,
      now,
      answers: {
        action,
        entryId: saved.id,
        child: {
          name: this.cipher.open('Person', 'nameEnc', person.id, person.nameEnc),
          initials: openInitials(this.cipher, person),
        },
        fromStatus: entry?.status ?? null,
        toStatus: saved.status,
        fromLevel: entry?.level ?? null,
        toLevel: saved.level,
        reason,
        reviewDate: saved.reviewDate?.toISOString() ?? null,
        leadProfessional,
      },
    });
    await this.audit(
      tx,
      actor,
      entry ? 'update' : 'create',
      'met-list-entry',
      saved.id,
      // The reason is sealed in the history row; the audit names the change and its record only.
      `${action}: ${reference}`,
      now,
    );
    return {
      reference,
      recordId: id,
      entryId: saved.id,
      initials: openInitials(this.cipher, person),
      status: saved.status as MetListStatus,
      level: saved.level as RiskLevel | null,
      reviewDate: saved.reviewDate,
      sentTo: this.records.destinationsOf('met-list-change'),
    };
  }

  private audit(
    tx: Tx,
    actor: Actor,
    action: 'create' | 'update' | 'read',
    recordType: string,
    recordId: string,
    detail: string,
    at: Date,
  ) {
    return auditAs(tx, this.provider, actor, {
      action,
      recordType,
      recordId,
      detail,
      at,
    });
  }

  private async auditReads(actor: Actor, childIds: string[], detail: string): Promise<void> {
    if (childIds.length === 0) return;
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      for (const childId of childIds) await this.audit(tx, actor, 'read', 'person', childId, detail, at);
    });
  }
}

function required(text: string | undefined, message: string): string {
  const value = text?.trim();
  if (!value) throw new NotPossibleError(message);
  return value;
}

function describeStatus(status: string): string {
  return status === 'nominated' ? 'nominated, waiting for the group' : 'accepted';
}

function expectStatus(entry: Entry | null, allowed: string[], message: string): Entry {
  if (!entry || !allowed.includes(entry.status)) throw new NotPossibleError(message);
  return entry;
}

/** Age in whole years from the date of birth when known, else roughly from the year of birth. */
function ageOf(dateOfBirth: string | null, yearOfBirth: number | null, now: Date): number | null {
  if (dateOfBirth) {
    const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
    const birthdayPassed =
      now.getUTCMonth() + 1 > m || (now.getUTCMonth() + 1 === m && now.getUTCDate() >= d);
    return now.getUTCFullYear() - y - (birthdayPassed ? 0 : 1);
  }
  return yearOfBirth ? now.getUTCFullYear() - yearOfBirth : null;
}

interface Column {
  key: keyof MetListRow;
  header: string;
  width: number;
  /** Shown as a date (dd/mm/yyyy in the workbook, YYYY-MM-DD in CSV). */
  date?: boolean;
}

/** The fields the MET Operational Group keeps (MET Strategy; scrutiny panel 2017). */
const exportColumns: Column[] = [
  { key: 'initials', header: 'Initials', width: 10 },
  { key: 'name', header: 'Name', width: 28 },
  { key: 'status', header: 'Status', width: 12 },
  { key: 'level', header: 'Level', width: 10 },
  { key: 'gender', header: 'Gender', width: 12 },
  { key: 'age', header: 'Age', width: 6 },
  { key: 'ethnicity', header: 'Ethnicity', width: 20 },
  { key: 'accommodation', header: 'Accommodation', width: 16 },
  { key: 'missingCount', header: 'Times missing', width: 14 },
  { key: 'leadProfessional', header: 'Lead professional', width: 24 },
  { key: 'reviewDate', header: 'Review date', width: 14, date: true },
  { key: 'nominatedAt', header: 'Nominated', width: 14, date: true },
];

function headerOf(column: Column, missingDays: number): string {
  return column.key === 'missingCount' ? `Times missing (last ${missingDays} days)` : column.header;
}

function cellOf(row: MetListRow, column: Column): string | number | Date | null {
  if (column.key === 'status') return row.status === 'active' ? 'On the list' : 'Nominated';
  return row[column.key];
}

function textOf(value: string | number | Date | null): string {
  if (value === null) return '';
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}

/** RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
