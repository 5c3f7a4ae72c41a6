import { randomUUID } from 'node:crypto';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openInitials } from '../children/demographics';
import { recordPossibleDuplicates } from '../children/duplicates';
import { resolveChild } from '../children/resolve-child';
import type { RecordFacts } from '../domain/alert-rules';
import type { Clock } from '../domain/clock';
import { DAY, HOUR } from '../domain/clock';
import { returnInterviewDue } from '../domain/deadlines';
import { notIndependent } from '../domain/independence';
import { formatLondon } from '../domain/london-time';
import { timesMissing } from '../domain/missing-history';
import { mayRecordInterview, maySeeRecord } from '../domain/policy';
import {
  type InterviewAnswersT,
  type MissingAnswersT,
  namesChild,
  type ReturnAnswersT,
} from '../domain/records';
import type { RecordType } from '../domain/references';
import { type RiskCheckId, type RiskRules, scoreRiskCheck } from '../domain/risk';
import { type RiskCheckAnswers, selectedIndicators, unknownAnswers } from '../domain/risk-answers';
import type { EntityRecorder } from '../links/ports';
import { claimAssignedInterviews, interviewOpen } from '../missing/interview-claims';
import type { RecordWriter } from '../records/record-writer';
import { cancelTimers, schedule } from '../scheduler/scheduler';
import type { ChildDetails } from '../store/children';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { afterIntelligence, afterInterview, type NextStep } from './next-steps';
import type { RecordAlerts, RiskCheckNominations } from './ports';

export type { Submission } from './submission';

import type { Submission } from './submission';

interface Saving {
  tx: Tx;
  id: string;
  now: Date;
}

type EpisodeWhere = NonNullable<NonNullable<Parameters<Db['missingEpisode']['findMany']>[0]>['where']>;

export interface PracticeSettings {
  repeat: { threshold: number; days: number };
  reofferDays: number;
}

export class SubmissionService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly riskRules: RiskRules,
    /** Keeps each record and queues it for the destinations its type is routed to. */
    private readonly records: RecordWriter,
    /** Raises the alerts a record causes, in the same transaction; none when alerts are off. */
    private readonly alerts: RecordAlerts | null = null,
    /** Puts a child found at medium or high risk forward for the MET list. */
    private readonly metList: RiskCheckNominations | null = null,
    /** Keeps the record's entities and links it to reports about other children (src/links/). */
    private readonly links: EntityRecorder | null = null,
    /** Repeat missing (REPEAT_MISSING_*) and the return interview's re-offer (INTERVIEW_REOFFER_DAYS). */
    private readonly practice: PracticeSettings = { repeat: { threshold: 3, days: 90 }, reofferDays: 3 },
  ) {}

  async submitIntelligence(actor: Actor, answers: Record<string, unknown>): Promise<Submission> {
    // Issue 16: about a place, vehicle or person with no child named, no child is looked up or kept.
    const child = namesChild(answers) ? (answers.child as ChildDetails) : null;
    const submission = await this.save(actor, 'intelligence', answers, async ({ tx, id, now }) => {
      const saved = child ? await this.child(tx, actor, child, now, id) : null;
      const immediateDanger = answers.immediateDanger === true;
      return {
        childId: saved?.id ?? null,
        initials: saved?.initials ?? null,
        immediateDanger,
        facts: { type: 'intelligence', immediateDanger },
      };
    });
    const danger: NextStep[] =
      answers.immediateDanger === true
        ? [submission.alerted === 'queued' ? 'duty-told' : 'duty-not-reachable']
        : [];
    // A risk check is about one child: offered only when the report names one.
    const checks = child ? afterIntelligence(answers) : [];
    return { ...submission, nextSteps: [...danger, ...checks] };
  }

  async submitMissing(actor: Actor, answers: MissingAnswersT): Promise<Submission> {
    let history: Submission['history'];
    const submission = await this.save(actor, 'missing', answers, async ({ tx, id, now }) => {
      const accommodation = answers.missingFrom.startsWith('care-')
        ? answers.missingFrom.slice(5)
        : undefined;
      const child = await this.child(tx, actor, { ...answers.child, accommodation }, now, id);
      const { repeat } = this.practice;
      const lastSeenAt = new Date(answers.lastSeen.at);
      // Earlier episodes of this child already on record in the repeat window, linked to this one.
      const earlier = await tx.missingEpisode.findMany({
        where: { childId: child.id, lastSeenAt: { gte: new Date(lastSeenAt.getTime() - repeat.days * DAY) } },
        orderBy: { lastSeenAt: 'asc' },
        select: { missingRecordId: true },
      });
      const earlierReferences = (
        await tx.record.findMany({
          where: { id: { in: earlier.map((e) => e.missingRecordId) } },
          orderBy: { createdAt: 'asc' },
          select: { reference: true },
        })
      ).map((r) => r.reference);
      const times = timesMissing({ onRecord: earlier.length + 1, reportedBefore: answers.timesBefore });
      history = { times, days: repeat.days, earlier: earlierReferences };
      const episodeId = randomUUID();
      await tx.missingEpisode.create({
        data: {
          id: episodeId,
          childId: child.id,
          missingRecordId: id,
          missingFrom: answers.missingFrom,
          lastSeenAt: new Date(answers.lastSeen.at),
          reportedAt: now,
          policeReference: this.cipher.sealOptional(
            'MissingEpisode',
            'policeReference',
            episodeId,
            answers.policeReference,
          ),
          reportedTimesBefore: answers.timesBefore ?? null,
        },
      });
      const onList = await tx.metListEntry.findUnique({ where: { childId: child.id } });
      const ageYears =
        answers.child.ageYears ??
        (answers.child.dateOfBirth ? ageOn(answers.child.dateOfBirth, now) : undefined) ??
        (answers.risks?.includes('age-under-13') ? 12 : undefined);
      const facts: RecordFacts = {
        type: 'missing',
        immediateDanger: false,
        child: {
          ageYears,
          inCare: answers.child.inCare || answers.missingFrom.startsWith('care-'),
          metLevel: onList && ['active', 'nominated'].includes(onList.status) ? onList.level : null,
        },
        repeat: { times, threshold: repeat.threshold },
      };
      return {
        childId: child.id,
        initials: child.initials,
        facts,
        derived: { timesMissing: { days: repeat.days, times }, earlierEpisodes: earlierReferences },
      };
    });
    return history ? { ...submission, history } : submission;
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
          interviewerName: this.cipher.sealOptional(
            'MissingEpisode',
            'interviewerName',
            episode.id,
            answers.interviewer?.name,
          ),
          carerNameEnc: this.cipher.sealOptional(
            'MissingEpisode',
            'carerNameEnc',
            episode.id,
            answers.carerName,
          ),
        },
      });
      // DfE 2014: the interview is offered within 72 hours; remind at 48 hours and at the due time.
      await schedule(tx, 'interview-due-soon', episode.id, new Date(returnedAt.getTime() + 48 * HOUR));
      await schedule(tx, 'interview-overdue', episode.id, interviewDueAt);
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
    const chosenLevel = answers.ownLevel && answers.ownLevel !== 'agree' ? answers.ownLevel : null;
    const risk = scoreRiskCheck(this.riskRules, check, {
      selected: selectedIndicators(answers),
      ageYears: answers.child?.ageYears,
      unknown: unknownAnswers(this.riskRules.checks[check], answers),
      ...(chosenLevel && { chosen: { level: chosenLevel, reason: answers.ownReason } }),
    });
    let proposed = false;
    const submission = await this.save(
      actor,
      'risk-check',
      { check, ...answers },
      async ({ tx, id, now }) => {
        const child = answers.child?.name
          ? await this.child(
              tx,
              actor,
              { name: answers.child.name, ageYears: answers.child.ageYears },
              now,
              id,
            )
          : null;
        const riskCheckId = randomUUID();
        await tx.riskCheck.create({
          data: {
            id: riskCheckId,
            recordId: id,
            check,
            childId: child?.id ?? null,
            level: risk.suggestedLevel,
            score: risk.score,
            chosenLevel,
            chosenReason: chosenLevel
              ? this.cipher.sealOptional('RiskCheck', 'chosenReason', riskCheckId, answers.ownReason)
              : null,
            submittedById: actor.id,
            // The bot's clock, not the database's: the month's figures count checks by it.
            createdAt: now,
          },
        });
        // The level that counts is the practitioner's when they chose one. Vulnerabilities alone
        // leave the suggestion at low, so they never put a child forward by themselves. The MET
        // group decides: the check proposes (issue 15).
        const level = risk.level;
        if (child && level !== 'low') {
          const reason = `${check} risk check`;
          const change = await this.metList?.nominateFromRiskCheck(tx, actor, {
            childId: child.id,
            level,
            reason,
            now,
          });
          proposed = Boolean(change);
        }
        const facts: RecordFacts = {
          type: 'risk-check',
          immediateDanger: false,
          riskLevel: level,
          riskCheck: check,
          // The duty alert asks for an NRM decision: one weak indicator alone (truancy, a sponsor who
          // is family) leaves the check at low and raises none; the practitioner still sees the step.
          traffickingIndicators: check === 'trafficking' && level !== 'low' ? risk.score : 0,
        };
        return {
          childId: child?.id ?? null,
          initials: child?.initials ?? null,
          facts,
          derived: { result: risk, chosenLevel },
        };
      },
    );
    return { ...submission, risk, ...((proposed as boolean) ? { proposedToMetGroup: true } : {}) };
  }

  async submitInterview(actor: Actor, answers: InterviewAnswersT): Promise<Submission> {
    authorise(actor, 'record-interview');
    const submission = await this.save(actor, 'return-interview', answers, async ({ tx, now }) => {
      const episode = await this.episode(tx, actor, answers.episode, 'interview');
      if (!episode.returnedAt) throw new NotPossibleError(`${episode.reference} has no return recorded yet.`);
      if (episode.interviewCompletedAt || episode.interviewOutcome === 'completed')
        throw new NotPossibleError(`${episode.reference} already has its interview recorded.`);
      const carer = this.cipher.openOptional(
        'MissingEpisode',
        'carerNameEnc',
        episode.id,
        episode.carerNameEnc,
      );
      const clash =
        answers.outcome === 'completed' &&
        (notIndependent({ name: answers.completedBy ?? actor.displayName }, carer) ??
          notIndependent({ name: actor.displayName }, carer));
      if (clash) throw new NotPossibleError(clash);
      const offeredAt = answers.offeredAt ? new Date(answers.offeredAt) : null;
      await tx.missingEpisode.update({
        where: { id: episode.id },
        data: {
          // The first offer is the one the 72 hours is measured against; later ones are in the records.
          interviewOfferedAt: episode.interviewOfferedAt ?? offeredAt,
          // "Not yet" leaves the outcome open; a decline is kept, and the work goes on.
          interviewOutcome: answers.outcome === 'not-yet' ? episode.interviewOutcome : answers.outcome,
          interviewCompletedAt: answers.completedAt ? new Date(answers.completedAt) : null,
        },
      });
      await cancelTimers(tx, episode.id, ['interview-reoffer']);
      if (answers.outcome === 'completed') {
        await cancelTimers(tx, episode.id, ['interview-due-soon', 'interview-overdue']);
      } else {
        // MET Strategy: Barnardo's keeps going back until the young person is seen.
        const from = offeredAt && offeredAt > now ? offeredAt : now;
        await schedule(
          tx,
          'interview-reoffer',
          episode.id,
          new Date(from.getTime() + this.practice.reofferDays * DAY),
        );
      }
      await this.audit(
        tx,
        actor,
        'update',
        'missing-episode',
        episode.id,
        `interview ${episode.reference}`,
        now,
      );
      return { childId: episode.childId, derived: { missingReference: episode.reference } };
    });
    return { ...submission, nextSteps: afterInterview(answers) };
  }

  /**
   * Returned children still waiting for their interview, for the interview form: the ones this
   * user may see, and the ones assigned to them (matched first if they were assigned before they
   * used the bot).
   */
  async awaitingInterview(
    actor: Actor,
  ): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]> {
    await claimAssignedInterviews(
      { db: this.db, provider: this.provider, clock: this.clock, cipher: this.cipher },
      actor,
    );
    return this.episodesFor(actor, interviewOpen(), 'interview');
  }

  /** The episodes this user may record a return for: open ones, their own unless entitled to all. */
  async openEpisodes(actor: Actor): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]> {
    return this.episodesFor(actor, { returnedAt: null }, 'return');
  }

  private async episodesFor(
    actor: Actor,
    where: EpisodeWhere,
    purpose: 'return' | 'interview',
  ): Promise<{ reference: string; initials: string; lastSeenAt: Date }[]> {
    const mine =
      purpose === 'interview' && !maySeeRecord(actor.roles, actor.id, '')
        ? {
            OR: [
              { interviewerId: actor.id },
              {
                missingRecordId: {
                  in: (
                    await this.db.record.findMany({
                      where: { submittedById: actor.id, type: 'missing' },
                      select: { id: true },
                    })
                  ).map((r) => r.id),
                },
              },
            ],
          }
        : {};
    const episodes = await this.db.missingEpisode.findMany({
      where: { AND: [where, mine] },
      orderBy: { lastSeenAt: 'desc' },
      take: 25,
      include: { child: { select: { id: true, initials: true } } },
    });
    const records = await this.db.record.findMany({
      where: { id: { in: episodes.map((e) => e.missingRecordId) } },
      select: { id: true, reference: true, submittedById: true },
    });
    const byId = new Map(records.map((r) => [r.id, r]));
    return episodes.flatMap((episode) => {
      const record = byId.get(episode.missingRecordId);
      if (!record || !this.mayUse(actor, purpose, record.submittedById, episode.interviewerId)) return [];
      return [
        {
          reference: record.reference,
          initials: openInitials(this.cipher, episode.child),
          lastSeenAt: episode.lastSeenAt,
        },
      ];
    });
  }

  private mayUse(
    actor: Actor,
    purpose: 'return' | 'interview',
    submittedById: string,
    interviewerId: string | null,
  ): boolean {
    return purpose === 'interview'
      ? mayRecordInterview(actor.roles, actor.id, { submittedById, interviewerId })
      : maySeeRecord(actor.roles, actor.id, submittedById);
  }

  private async openEpisode(tx: Tx, actor: Actor, reference: string) {
    const episode = await this.episode(tx, actor, reference, 'return');
    if (episode.returnedAt) throw new NotPossibleError(`${episode.reference} already has a return recorded.`);
    return episode;
  }

  private async episode(tx: Tx, actor: Actor, reference: string, purpose: 'return' | 'interview') {
    const record = await tx.record.findUnique({ where: { reference: reference.toUpperCase() } });
    const episode = record && (await tx.missingEpisode.findUnique({ where: { missingRecordId: record.id } }));
    if (!record || !episode || !this.mayUse(actor, purpose, record.submittedById, episode.interviewerId)) {
      throw new NotPossibleError(`I can't find a missing report ${reference} that you can update.`);
    }
    return { ...episode, reference: record.reference };
  }

  /**
   * The child the report is about: a known child when the facts cannot be another's, else a new
   * record, with any known child it may be queued as a possible duplicate (src/children/).
   */
  private async child(tx: Tx, actor: Actor, details: ChildDetails, now: Date, recordId: string) {
    const reporter = {
      agencyId: actor.agencyId,
      maySee: (submittedById: string) => maySeeRecord(actor.roles, actor.id, submittedById),
    };
    const child = await resolveChild(tx, this.cipher, reporter, details, now);
    await this.audit(tx, actor, child.created ? 'create' : 'update', 'person', child.id, undefined, now);
    await recordPossibleDuplicates(tx, child, recordId, now);
    return child;
  }

  private async save(
    actor: Actor,
    type: RecordType,
    answers: Record<string, unknown>,
    effects: (saving: Saving) => Promise<{
      childId: string | null;
      initials?: string | null;
      immediateDanger?: boolean;
      facts?: RecordFacts;
      derived?: Record<string, unknown>;
    }>,
  ): Promise<Submission> {
    authorise(actor, 'submit');
    const now = this.clock.now();
    // The reference is taken in a statement of its own: taken inside the transaction, its counter
    // stayed locked until the commit, and under load every report of its type queued behind it
    // until saves timed out (the soak). A save that fails leaves its number unused.
    const reference = await this.records.nextReference(this.db, type, now);
    return this.db.$transaction(async (tx) => {
      const id = this.records.newId();
      const {
        childId,
        initials = null,
        immediateDanger = false,
        facts,
        derived,
      } = await effects({ tx, id, now });
      await this.records.write(tx, actor, {
        id,
        reference,
        type,
        answers,
        derived,
        childId,
        immediateDanger,
        now,
      });
      await this.links?.recordEntities(tx, { id, childId, answers, now });
      const alerted =
        this.alerts && facts
          ? await this.alerts.raiseForRecord(tx, { id, reference, initials }, facts, now)
          : null;
      const sentTo = this.records.destinationsOf(type);
      return { recordId: id, reference, type, vars: { reference }, sentTo, ...(alerted && { alerted }) };
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
    return auditAs(tx, this.provider, actor, {
      action,
      recordType,
      recordId,
      detail,
      at,
    });
  }
}

function ageOn(dateOfBirth: string, now: Date): number {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const birthdayPassed =
    now.getUTCMonth() + 1 > month || (now.getUTCMonth() + 1 === month && now.getUTCDate() >= day);
  return now.getUTCFullYear() - year - (birthdayPassed ? 0 : 1);
}
