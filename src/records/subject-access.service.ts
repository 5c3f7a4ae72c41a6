import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openEthnicity, openInitials, openYearOfBirth } from '../children/demographics';
import type { Clock } from '../domain/clock';
import { appendHeldAudit } from '../store/audit';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { openSealed } from '../store/sealed-columns';
import { auditActorNames, displayNames } from '../store/staff-names';

/** Everything metbot holds about one child, decrypted: the answer to a subject-access request. */
export interface ChildExport {
  exportedAt: string;
  exportedBy: string;
  child: {
    id: string;
    initials: string;
    name: string;
    dateOfBirth: string | null;
    details: unknown;
    yearOfBirth: number | null;
    gender: string | null;
    ethnicity: string | null;
    accommodation: string | null;
    inCare: boolean;
    firstRecorded: string;
  };
  records: {
    reference: string;
    type: string;
    sentAt: string;
    sentBy: string;
    surface: string;
    answers: unknown;
  }[];
  missingEpisodes: object[];
  riskChecks: object[];
  /** Section K's records about the child: NRM referrals and disruption, decrypted. */
  nrmReferrals: object[];
  disruptions: object[];
  metList: { entry: object; history: object[] } | null;
  alerts: object[];
  /** Who read or changed anything about the child, this export included. */
  audit: {
    at: string;
    actor: string;
    surface: string;
    action: string;
    about: string;
    detail: string | null;
  }[];
}

/**
 * Subject access: MET group members may export a child's whole record (the policy's
 * `export-child`); the export is audited as a read of the child before anything is gathered.
 */
export class SubjectAccessService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  async exportChild(actor: Actor, reference: string): Promise<ChildExport> {
    authorise(actor, 'export-child');
    const found = await this.db.record.findUnique({
      where: { reference: reference.trim().toUpperCase() },
      select: { childId: true },
    });
    if (!found) throw new NotPossibleError(`There is no record ${reference}.`);
    if (!found.childId) throw new NotPossibleError(`Record ${reference} is not about a child.`);
    const childId = found.childId;
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const recordCount = await tx.record.count({ where: { childId } });
      await auditAs(tx, this.provider, actor, {
        action: 'read',
        recordType: 'person',
        recordId: childId,
        detail: `subject-access export (${recordCount} records)`,
        at: now,
      });
      const person = await tx.person.findUniqueOrThrow({ where: { id: childId } });
      const records = await tx.record.findMany({ where: { childId }, orderBy: { createdAt: 'asc' } });
      const recordIds = records.map((record) => record.id);
      const senders = await displayNames(
        tx,
        this.cipher,
        records.map((record) => record.submittedById),
      );
      const episodes = await tx.missingEpisode.findMany({
        where: { childId },
        orderBy: { lastSeenAt: 'asc' },
      });
      const riskChecks = await tx.riskCheck.findMany({
        where: { OR: [{ childId }, { recordId: { in: recordIds } }] },
        orderBy: { createdAt: 'asc' },
      });
      const nrmReferrals = await tx.nrmReferral.findMany({
        where: { childId },
        orderBy: { referredAt: 'asc' },
      });
      const disruptions = await tx.disruption.findMany({
        where: { childId },
        orderBy: { occurredAt: 'asc' },
      });
      const entry = await tx.metListEntry.findUnique({
        where: { childId },
        include: { history: { orderBy: { changedAt: 'asc' } } },
      });
      const alerts = await tx.alert.findMany({
        where: { recordId: { in: recordIds } },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          rule: true,
          reference: true,
          level: true,
          audience: true,
          createdAt: true,
          acknowledgedAt: true,
          acknowledgedBy: true,
          escalatedAt: true,
        },
      });
      const about = new Map<string, string>([
        [childId, 'the child'],
        ...records.map((record) => [record.id, record.reference] as [string, string]),
        ...episodes.map((episode) => [episode.id, 'a missing episode'] as [string, string]),
      ]);
      // The trail read below ends with this export's own event.
      await appendHeldAudit(tx, this.provider);
      const audit = await tx.auditEvent.findMany({
        where: { recordId: { in: [...about.keys()] } },
        orderBy: { seq: 'asc' },
      });
      const who = await auditActorNames(tx, this.cipher, audit);
      const { history, ...metEntry } = entry ?? { history: [] };
      return {
        exportedAt: now.toISOString(),
        exportedBy: actor.displayName,
        child: {
          id: person.id,
          initials: openInitials(this.cipher, person),
          name: this.cipher.open('Person', 'nameEnc', person.id, person.nameEnc),
          dateOfBirth: this.cipher.openOptional('Person', 'dateOfBirthEnc', person.id, person.dateOfBirthEnc),
          details: person.detailsEnc
            ? this.cipher.openJson('Person', 'detailsEnc', person.id, person.detailsEnc)
            : null,
          yearOfBirth: openYearOfBirth(this.cipher, person),
          gender: person.gender,
          ethnicity: openEthnicity(this.cipher, person),
          accommodation: person.accommodation,
          inCare: person.inCare,
          firstRecorded: person.createdAt.toISOString(),
        },
        records: records.map((record) => ({
          reference: record.reference,
          type: record.type,
          sentAt: record.createdAt.toISOString(),
          sentBy: senders.get(record.submittedById) ?? 'unknown',
          surface: record.surface,
          answers: this.cipher.openJson('Record', 'dataEnc', record.id, record.dataEnc),
        })),
        missingEpisodes: episodes.map(({ childId: _child, ...episode }) =>
          openSealed(this.cipher, 'MissingEpisode', episode),
        ),
        riskChecks: riskChecks.map(({ childId: _child, ...check }) =>
          openSealed(this.cipher, 'RiskCheck', check),
        ),
        nrmReferrals: nrmReferrals.map(({ childId: _child, nrmReferenceEnc, ...referral }) => ({
          ...referral,
          nrmReference: this.cipher.openOptional(
            'NrmReferral',
            'nrmReferenceEnc',
            referral.id,
            nrmReferenceEnc,
          ),
        })),
        disruptions: disruptions.map(
          ({ childId: _child, perpetratorEnc, perpetratorHash: _hash, ...row }) => ({
            ...row,
            perpetrator: this.cipher.openOptional('Disruption', 'perpetratorEnc', row.id, perpetratorEnc),
          }),
        ),
        metList: entry
          ? {
              entry: openSealed(this.cipher, 'MetListEntry', metEntry as typeof metEntry & { id: string }),
              history: history.map((change) => openSealed(this.cipher, 'MetLevelChange', change)),
            }
          : null,
        alerts: alerts.map(({ id, acknowledgedBy, ...alert }) => ({
          ...alert,
          acknowledgedBy: this.cipher.openOptional('Alert', 'acknowledgedBy', id, acknowledgedBy),
        })),
        audit: audit.map((event) => ({
          at: event.at.toISOString(),
          actor: who(event),
          surface: event.surface,
          action: event.action,
          about: about.get(event.recordId) ?? event.recordId,
          detail: event.detail,
        })),
      };
    });
  }
}
