import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { returnInterviewDue } from '../domain/deadlines';
import { formatLondon } from '../domain/london-time';
import { maySeeRecord } from '../domain/policy';
import type { MissingAnswersT, ReturnAnswersT } from '../domain/records';
import type { RecordType } from '../domain/references';
import { type RiskCheckId, type RiskResult, type RiskRules, scoreRiskCheck } from '../domain/risk';
import { type RiskCheckAnswers, selectedIndicators } from '../domain/risk-answers';
import { appendAudit } from '../store/audit';
import { type ChildDetails, findOrCreateChild } from '../store/children';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { nextReference } from '../store/references';
import type { Actor } from './actor';
import { authorise, NotPossibleError } from './refusal';

export const SCHEMA_VERSION = 1;

/** The record as it is kept and as the police gateway receives it. */
export interface RecordEnvelope {
  schemaVersion: number;
  id: string;
  reference: string;
  type: RecordType;
  submittedAt: string;
  submittedBy: { name: string; agency: string | null; surface: string };
  answers: Record<string, unknown>;
  /** Worked out by the bot: an interview due time, a risk check's result. */
  derived?: Record<string, unknown>;
}

export interface Submission {
  recordId: string;
  reference: string;
  type: RecordType;
  /** Values for the form's `done` message. */
  vars: Record<string, string>;
  risk?: RiskResult;
}

interface Saving {
  tx: Tx;
  id: string;
  reference: string;
  now: Date;
}

export class SubmissionService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly riskRules: RiskRules,
  ) {}

  async submitIntelligence(actor: Actor, answers: Record<string, unknown>): Promise<Submission> {
    const child = answers.child as ChildDetails;
    return this.save(actor, 'intelligence', answers, async ({ tx, now }) => ({
      childId: (await this.child(tx, actor, child, now)).id,
      immediateDanger: answers.immediateDanger === true,
    }));
  }

  async submitMissing(actor: Actor, answers: MissingAnswersT): Promise<Submission> {
    return this.save(actor, 'missing', answers, async ({ tx, id, now }) => {
      const accommodation = answers.missingFrom.startsWith('care-')
        ? answers.missingFrom.slice(5)
        : undefined;
      const child = await this.child(tx, actor, { ...answers.child, accommodation }, now);
      await tx.missingEpisode.create({
        data: {
          childId: child.id,
          missingRecordId: id,
          missingFrom: answers.missingFrom,
          lastSeenAt: new Date(answers.lastSeen.at),
          reportedAt: now,
          policeReference: answers.policeReference ?? null,
        },
      });
      return { childId: child.id };
    });
  }

  async submitReturn(actor: Actor, answers: ReturnAnswersT): Promise<Submission> {
    authorise(actor, 'record-return');
    let due = '';
    const submission = await this.save(actor, 'return', answers, async ({ tx, id, now }) => {
      const episode = await this.openEpisode(tx, actor, answers.episode);
      const returnedAt = new Date(answers.returnedAt);
      if (returnedAt < episode.lastSeenAt) {
        throw new NotPossibleError(
          `The return can't be before the child was last seen (${formatLondon(episode.lastSeenAt)}).`,
        );
      }
      const interviewDueAt = returnInterviewDue(returnedAt);
      due = formatLondon(interviewDueAt);
      await tx.missingEpisode.update({
        where: { id: episode.id },
        data: {
          returnRecordId: id,
          returnedAt,
          safeAndWellAt: answers.safeAndWellCheck === 'yes' ? now : null,
          interviewDueAt,
          interviewerName: answers.interviewer?.name ?? null,
        },
      });
      await this.audit(
        tx,
        actor,
        'update',
        'missing-episode',
        episode.id,
        `return ${episode.reference}`,
        now,
      );
      return {
        childId: episode.childId,
        derived: { missingReference: episode.reference, interviewDueAt: interviewDueAt.toISOString() },
      };
    });
    return { ...submission, vars: { ...submission.vars, interviewDue: due } };
  }

  async submitRiskCheck(actor: Actor, check: RiskCheckId, answers: RiskCheckAnswers): Promise<Submission> {
    const risk = scoreRiskCheck(this.riskRules, check, {
      selected: selectedIndicators(answers),
      ageYears: answers.child?.ageYears,
    });
    const chosenLevel = answers.ownLevel && answers.ownLevel !== 'agree' ? answers.ownLevel : null;
    const submission = await this.save(
      actor,
      'risk-check',
      { check, ...answers },
      async ({ tx, id, now }) => {
        const child = answers.child?.name
          ? await this.child(tx, actor, { name: answers.child.name, ageYears: answers.child.ageYears }, now)
          : null;
        await tx.riskCheck.create({
          data: {
            recordId: id,
            check,
            childId: child?.id ?? null,
            level: risk.level,
            score: risk.score,
            chosenLevel,
            chosenReason: chosenLevel ? (answers.ownReason ?? null) : null,
            submittedById: actor.id,
          },
        });
        const level = chosenLevel ?? risk.level;
        if (child && level !== 'low')
          await this.nominate(tx, actor, child.id, level, `${check} risk check`, now);
        return { childId: child?.id ?? null, derived: { result: risk, chosenLevel } };
      },
    );
    return { ...submission, risk };
  }

  /** The episodes this user may record a return for: open ones, their own unless entitled to all. */
  async openEpisodes(actor: Actor): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]> {
    const episodes = await this.db.missingEpisode.findMany({
      where: { returnedAt: null },
      orderBy: { lastSeenAt: 'desc' },
      take: 25,
      include: { child: { select: { initials: true } } },
    });
    const records = await this.db.record.findMany({
      where: { id: { in: episodes.map((e) => e.missingRecordId) } },
      select: { id: true, reference: true, submittedById: true },
    });
    const byId = new Map(records.map((r) => [r.id, r]));
    return episodes.flatMap((episode) => {
      const record = byId.get(episode.missingRecordId);
      if (!record || !maySeeRecord(actor.role, actor.id, record.submittedById)) return [];
      return [
        { reference: record.reference, initials: episode.child.initials, lastSeenAt: episode.lastSeenAt },
      ];
    });
  }

  private async openEpisode(tx: Tx, actor: Actor, reference: string) {
    const record = await tx.record.findUnique({ where: { reference: reference.toUpperCase() } });
    const episode = record && (await tx.missingEpisode.findUnique({ where: { missingRecordId: record.id } }));
    if (!record || !episode || !maySeeRecord(actor.role, actor.id, record.submittedById)) {
      throw new NotPossibleError(`I can't find an open missing report ${reference} that you can update.`);
    }
    if (episode.returnedAt) throw new NotPossibleError(`${record.reference} already has a return recorded.`);
    return { ...episode, reference: record.reference };
  }

  private async child(tx: Tx, actor: Actor, details: ChildDetails, now: Date) {
    const child = await findOrCreateChild(tx, this.cipher, details, now);
    await this.audit(tx, actor, child.created ? 'create' : 'update', 'person', child.id, undefined, now);
    return child;
  }

  private async nominate(tx: Tx, actor: Actor, childId: string, level: string, reason: string, now: Date) {
    const entry = await tx.metListEntry.findUnique({ where: { childId } });
    if (entry && entry.status !== 'removed' && entry.status !== 'declined') return;
    const data = {
      status: 'nominated',
      level,
      nominatedById: actor.id,
      nominatedAt: now,
      removedAt: null,
      removalReason: null,
    };
    const saved = entry
      ? await tx.metListEntry.update({ where: { id: entry.id }, data })
      : await tx.metListEntry.create({ data: { childId, ...data } });
    await tx.metLevelChange.create({
      data: {
        entryId: saved.id,
        fromLevel: entry?.level ?? null,
        toLevel: level,
        fromStatus: entry?.status ?? null,
        toStatus: 'nominated',
        reason,
        changedById: actor.id,
        changedAt: now,
      },
    });
    await this.audit(tx, actor, entry ? 'update' : 'create', 'met-list-entry', saved.id, reason, now);
  }

  private async save(
    actor: Actor,
    type: RecordType,
    answers: Record<string, unknown>,
    effects: (
      saving: Saving,
    ) => Promise<{ childId: string | null; immediateDanger?: boolean; derived?: Record<string, unknown> }>,
  ): Promise<Submission> {
    authorise(actor, 'submit');
    const now = this.clock.now();
    const id = randomUUID();
    return this.db.$transaction(async (tx) => {
      const reference = await nextReference(tx, type, now);
      const { childId, immediateDanger = false, derived } = await effects({ tx, id, reference, now });
      const envelope: RecordEnvelope = {
        schemaVersion: SCHEMA_VERSION,
        id,
        reference,
        type,
        submittedAt: now.toISOString(),
        submittedBy: { name: actor.displayName, agency: actor.agencyName, surface: actor.surface },
        answers,
        ...(derived && { derived }),
      };
      await tx.record.create({
        data: {
          id,
          reference,
          type,
          schemaVersion: SCHEMA_VERSION,
          childId,
          submittedById: actor.id,
          agencyId: actor.agencyId,
          surface: actor.surface,
          immediateDanger,
          dataEnc: this.cipher.encryptJson(envelope),
          createdAt: now,
        },
      });
      await this.audit(tx, actor, 'create', 'record', id, reference, now);
      return { recordId: id, reference, type, vars: { reference } };
    });
  }

  private audit(
    tx: Tx,
    actor: Actor,
    action: 'create' | 'update' | 'read',
    recordType: string,
    recordId: string,
    detail: string | undefined,
    at: Date,
  ) {
    return appendAudit(tx, this.provider, {
      actorId: actor.id,
      actor: actor.displayName,
      surface: actor.surface,
      action,
      recordType,
      recordId,
      detail,
      at,
    });
  }
}
