import { ALERT_DESTINATION } from '../alerts/alert-types';
import { ageBandOf, openYearOfBirth, yearOfBirthFields } from '../children/demographics';
import { eraseChildIdentity } from '../children/duplicates';
import type { TimerHandler } from '../scheduler/scheduler';
import { schedule } from '../scheduler/scheduler';
import { appendAudit } from '../store/audit';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';

import { RETENTION_TIMER } from './retention-timer';

export { RETENTION_TIMER };

/** One retention timer for the whole installation: the sweep reschedules itself a day on. */
const RETENTION_SUBJECT = 'daily';
const DAY = 24 * 60 * 60 * 1000;

export interface RetentionSettings {
  /** Whole years after the child's 18th birthday that their records are kept. */
  yearsAfter18: number;
  /** Whole years after it was made that a report naming no child (a place, vehicle or person) is kept. */
  noChildYears: number;
}

export interface RetentionSwept {
  children: number;
  /** Every record deleted: the children's and the reports naming no child. */
  records: number;
  /** Of those, the reports naming no child. */
  noChildReports: number;
  drafts: number;
}

/**
 * The last day a child's records are kept, from the year of birth alone (it is set from the date
 * of birth when given, or from the age): the latest the 18th birthday can be is 31 December of
 * yearOfBirth + 18, so the records go on 1 January after that plus the years kept. A child whose
 * year of birth is not known is never deleted by this rule.
 */
export function retainedUntil(yearOfBirth: number, settings: RetentionSettings): Date {
  return new Date(Date.UTC(yearOfBirth + 18 + settings.yearsAfter18 + 1, 0, 1));
}

/**
 * The moment a report naming no child stops being kept: the same date and time, `noChildYears`
 * later (a report made on 29 February is kept until 1 March).
 */
export function noChildRetainedUntil(createdAt: Date, settings: RetentionSettings): Date {
  const until = new Date(createdAt.getTime());
  until.setUTCFullYear(createdAt.getUTCFullYear() + settings.noChildYears);
  return until;
}

/**
 * Deletes what is past retention: children's records (and everything hung on them) and expired
 * form drafts. Each child deleted leaves one audit event naming only references, never details.
 */
export class RetentionService {
  constructor(
    private readonly provider: Provider,
    private readonly settings: RetentionSettings,
    private readonly cipher: FieldCipher,
  ) {}

  async sweep(tx: Tx, now: Date): Promise<RetentionSwept> {
    // Born in this year or before: retainedUntil() is 1 January this year or earlier.
    const latestYear = now.getUTCFullYear() - 18 - this.settings.yearsAfter18 - 1;
    // The year of birth is sealed, so every child with one is read and opened here (a daily job,
    // not a hot query); the same pass keeps the figures' age bands to this year.
    const known = await tx.person.findMany({
      // A record merged into another child's goes when that child's does.
      where: {
        kind: 'child',
        mergedIntoId: null,
        OR: [{ yearOfBirthEnc: { not: null } }, { yearOfBirth: { not: null } }],
      },
      select: { ...yearOfBirthFields, ageBand: true },
    });
    const children: { id: string }[] = [];
    const bands = new Map<number, string[]>();
    for (const child of known) {
      const year = openYearOfBirth(this.cipher, child);
      if (year === null) continue;
      if (year <= latestYear) children.push(child);
      else if (child.ageBand !== ageBandOf(year, now)) {
        bands.set(ageBandOf(year, now), [...(bands.get(ageBandOf(year, now)) ?? []), child.id]);
      }
    }
    await this.moveAgeBands(tx, bands, now);
    let records = 0;
    for (const child of children) records += await this.eraseChild(tx, child.id, now);
    const noChildReports = await this.eraseNoChildReports(tx, now);
    const drafts = (await tx.conversation.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    return { children: children.length, records: records + noChildReports, noChildReports, drafts };
  }

  /**
   * Reports naming no child (issue 16: a place, vehicle or person of concern), once `noChildYears`
   * have passed since each was made: each with what hangs off it, and one audit event each.
   */
  private async eraseNoChildReports(tx: Tx, now: Date): Promise<number> {
    // Made on or before this moment: noChildRetainedUntil() is now or earlier.
    const madeBy = new Date(now.getTime());
    madeBy.setUTCFullYear(now.getUTCFullYear() - this.settings.noChildYears);
    const reports = await tx.record.findMany({
      where: { childId: null, createdAt: { lte: madeBy } },
      select: { id: true, reference: true, createdAt: true },
    });
    // The day-by-day arithmetic of setUTCFullYear (29 February) decides, not the look-up's bound.
    const past = reports.filter((report) => noChildRetainedUntil(report.createdAt, this.settings) <= now);
    if (past.length === 0) return 0;
    await eraseRecords(
      tx,
      past.map((report) => report.id),
    );
    for (const report of past) {
      await appendAudit(tx, this.provider, {
        actorId: null,
        actor: 'system',
        surface: 'retention',
        action: 'delete',
        recordType: 'record',
        recordId: report.id,
        detail: `past retention (${this.settings.noChildYears} years after the report, no child named): ${report.reference}`,
        at: now,
      });
    }
    return past.length;
  }

  /** Children whose age band changed with the year (or was never set): one update per band, audited. */
  private async moveAgeBands(tx: Tx, bands: Map<number, string[]>, now: Date): Promise<void> {
    let moved = 0;
    for (const [ageBand, ids] of bands) {
      moved += (await tx.person.updateMany({ where: { id: { in: ids } }, data: { ageBand } })).count;
    }
    if (moved === 0) return;
    await appendAudit(tx, this.provider, {
      actorId: null,
      actor: 'system',
      surface: 'retention',
      action: 'update',
      recordType: 'person',
      recordId: 'age-bands',
      detail: `age bands brought up to ${now.getUTCFullYear()} for ${moved} children`,
      at: now,
    });
  }

  private async eraseChild(tx: Tx, childId: string, now: Date): Promise<number> {
    // Records of this child that a MET member merged in go with it, and so do its look-up hashes.
    let mergedRecords = 0;
    for (const merged of await eraseChildIdentity(tx, childId)) {
      mergedRecords += await this.eraseChild(tx, merged, now);
    }
    const records = await tx.record.findMany({ where: { childId }, select: { id: true, reference: true } });
    const episodes = await tx.missingEpisode.findMany({ where: { childId }, select: { id: true } });
    const entry = await tx.metListEntry.findUnique({ where: { childId }, select: { id: true } });
    const subjects = [...episodes, ...(entry ? [entry] : [])].map((row) => row.id);
    await tx.timer.deleteMany({ where: { subjectId: { in: subjects } } });
    if (entry) {
      await tx.metLevelChange.deleteMany({ where: { entryId: entry.id } });
      await tx.metListEntry.delete({ where: { id: entry.id } });
    }
    await tx.riskCheck.deleteMany({ where: { childId } });
    await tx.missingEpisode.deleteMany({ where: { childId } });
    // Section K's records about the child (NRM referral, disruption) go with them.
    await tx.nrmReferral.deleteMany({ where: { childId } });
    await tx.disruption.deleteMany({ where: { childId } });
    await eraseRecords(
      tx,
      records.map((record) => record.id),
    );
    await tx.person.delete({ where: { id: childId } });
    const references = records.map((record) => record.reference).sort();
    await appendAudit(tx, this.provider, {
      actorId: null,
      actor: 'system',
      surface: 'retention',
      action: 'delete',
      recordType: 'person',
      recordId: childId,
      detail: `past retention (${this.settings.yearsAfter18} years after 18): ${references.join(', ') || 'no records'}`,
      at: now,
    });
    return records.length + mergedRecords;
  }

  /** The daily timer's work: the sweep, then the next run a day on, in the same transaction. */
  readonly handler: TimerHandler = async (tx, _timer, now) => {
    await this.sweep(tx, now);
    await schedule(tx, RETENTION_TIMER, RETENTION_SUBJECT, new Date(now.getTime() + DAY));
  };

  /** Sets the first run (now) when there is none; leaves a pending one alone, so restarts do not move it. */
  async ensureScheduled(db: Db, now: Date): Promise<void> {
    const where = { kind_subjectId: { kind: RETENTION_TIMER, subjectId: RETENTION_SUBJECT } };
    const timer = await db.timer.findUnique({ where });
    if (timer?.status === 'pending') return;
    try {
      await schedule(db, RETENTION_TIMER, RETENTION_SUBJECT, now);
    } catch (error) {
      // Another instance starting at the same moment made it first: the unique key is satisfied.
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }
}

/**
 * Deletes records with everything hung on a record: their alerts (with the alerts' timers and
 * deliveries), queued deliveries, risk checks, and the intelligence picture's mentions, index
 * terms and link memberships. A link left with one report (or none) links nothing: it goes too,
 * with its alert.
 */
async function eraseRecords(tx: Tx, recordIds: string[]): Promise<void> {
  if (recordIds.length === 0) return;
  const memberships = await tx.linkMember.findMany({
    where: { recordId: { in: recordIds } },
    select: { linkId: true },
  });
  await tx.linkTerm.deleteMany({ where: { recordId: { in: recordIds } } });
  await tx.linkMention.deleteMany({ where: { recordId: { in: recordIds } } });
  await tx.linkMember.deleteMany({ where: { recordId: { in: recordIds } } });
  const touched = [...new Set(memberships.map((m) => m.linkId))];
  const left = await tx.linkMember.groupBy({
    by: ['linkId'],
    where: { linkId: { in: touched } },
    _count: { _all: true },
  });
  const kept = new Set(left.filter((l) => l._count._all >= 2).map((l) => l.linkId));
  const unlinked = touched.filter((id) => !kept.has(id));
  await tx.linkMember.deleteMany({ where: { linkId: { in: unlinked } } });
  await tx.link.deleteMany({ where: { id: { in: unlinked } } });
  // A link's alert has the link's id; a record's alerts name the record.
  const alerts = await tx.alert.findMany({
    where: { OR: [{ recordId: { in: recordIds } }, { id: { in: unlinked } }] },
    select: { id: true },
  });
  const alertIds = alerts.map((alert) => alert.id);
  await tx.timer.deleteMany({ where: { subjectId: { in: alertIds } } });
  // An alert's deliveries carry its id in their key (`<alert id>:post:<audience>`), not a record id.
  if (alertIds.length) {
    await tx.outboxMessage.deleteMany({
      where: {
        destination: ALERT_DESTINATION,
        OR: alertIds.map((id) => ({ idempotencyKey: { startsWith: `${id}:` } })),
      },
    });
  }
  await tx.outboxMessage.deleteMany({ where: { recordId: { in: recordIds } } });
  await tx.alert.deleteMany({ where: { id: { in: alertIds } } });
  await tx.riskCheck.deleteMany({ where: { recordId: { in: recordIds } } });
  await tx.record.deleteMany({ where: { id: { in: recordIds } } });
}
