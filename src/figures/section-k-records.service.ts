import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openInitials } from '../children/demographics';
import type { Clock } from '../domain/clock';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import {
  type ChildNoted,
  DisruptionInput,
  NrmDecisionInput,
  NrmFactInput,
  NrmReferralInput,
  TrainingInput,
} from './section-k-inputs';

export type { ChildNoted } from './section-k-inputs';
export {
  DisruptionInput,
  decisions,
  disruptionKinds,
  firstResponders,
  NrmDecisionInput,
  NrmFactInput,
  NrmReferralInput,
  TrainingInput,
  yesNoDontKnow,
} from './section-k-inputs';

/**
 * The records section K counts that no form makes (MET Strategy, section K): NRM referrals and
 * their decisions, disruption of suspected perpetrators, and training and awareness-raising.
 * MET group members add them in a private chat. They are kept for the figures only: nothing is
 * sent anywhere. Every write is audited in its own transaction.
 */

export class SectionKRecordsService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  async recordNrmReferral(actor: Actor, input: z.input<typeof NrmReferralInput>): Promise<ChildNoted> {
    authorise(actor, 'record-section-k');
    const data = NrmReferralInput.parse(input);
    this.notFuture(data.referredAt);
    return this.forChild(actor, data.reference, async (tx, childId, now) => {
      const id = randomUUID();
      const row = await tx.nrmReferral.create({
        data: {
          id,
          childId,
          referredAt: data.referredAt,
          referredBy: data.referredBy,
          nrmReferenceEnc: this.cipher.sealOptional('NrmReferral', 'nrmReferenceEnc', id, data.nrmReference),
          recordedById: actor.id,
          createdAt: now,
          updatedAt: now,
        },
      });
      return { id: row.id, action: 'create', what: 'nrm-referral', detail: `referred by ${data.referredBy}` };
    });
  }

  async recordNrmDecision(actor: Actor, input: z.input<typeof NrmDecisionInput>): Promise<ChildNoted> {
    authorise(actor, 'record-section-k');
    const data = NrmDecisionInput.parse(input);
    this.notFuture(data.at);
    return this.forChild(actor, data.reference, async (tx, childId, now) => {
      const referral = await this.latestReferral(tx, childId);
      const fields =
        data.stage === 'reasonable'
          ? { reasonableGrounds: data.decision, reasonableGroundsAt: data.at }
          : { conclusiveGrounds: data.decision, conclusiveGroundsAt: data.at };
      await tx.nrmReferral.update({ where: { id: referral.id }, data: { ...fields, updatedAt: now } });
      return {
        id: referral.id,
        action: 'update',
        what: 'nrm-referral',
        detail: `${data.stage} grounds ${data.decision}`,
      };
    });
  }

  async recordNrmFact(actor: Actor, input: z.input<typeof NrmFactInput>): Promise<ChildNoted> {
    authorise(actor, 'record-section-k');
    const data = NrmFactInput.parse(input);
    return this.forChild(actor, data.reference, async (tx, childId, now) => {
      const referral = await this.latestReferral(tx, childId);
      await tx.nrmReferral.update({
        where: { id: referral.id },
        data: { [data.fact]: data.value, updatedAt: now },
      });
      return {
        id: referral.id,
        action: 'update',
        what: 'nrm-referral',
        detail: `${data.fact} ${data.value}`,
      };
    });
  }

  async recordDisruption(actor: Actor, input: z.input<typeof DisruptionInput>): Promise<ChildNoted> {
    authorise(actor, 'record-section-k');
    const data = DisruptionInput.parse(input);
    this.notFuture(data.occurredAt);
    return this.forChild(actor, data.reference, async (tx, childId, now) => {
      const id = randomUUID();
      const row = await tx.disruption.create({
        data: {
          id,
          childId,
          kind: data.kind,
          occurredAt: data.occurredAt,
          perpetratorHash: data.perpetrator ? this.cipher.lookupHash(data.perpetrator) : null,
          perpetratorEnc: this.cipher.sealOptional('Disruption', 'perpetratorEnc', id, data.perpetrator),
          agencyId: actor.agencyId,
          recordedById: actor.id,
          createdAt: now,
        },
      });
      return { id: row.id, action: 'create', what: 'disruption', detail: data.kind };
    });
  }

  async recordTraining(
    actor: Actor,
    input: z.input<typeof TrainingInput>,
  ): Promise<{ agency: string | null }> {
    authorise(actor, 'record-section-k');
    const data = TrainingInput.parse(input);
    this.notFuture(data.heldOn);
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const row = await tx.trainingActivity.create({
        data: {
          kind: data.kind,
          agencyId: actor.agencyId,
          heldOn: data.heldOn,
          people: data.people,
          frontlineStaff: data.frontlineStaff ?? null,
          recordedById: actor.id,
          createdAt: now,
        },
      });
      await auditAs(tx, this.provider, actor, {
        action: 'create',
        recordType: 'training-activity',
        recordId: row.id,
        detail: `${data.kind}: ${data.people}`,
        at: now,
      });
    });
    return { agency: actor.agencyName };
  }

  private notFuture(day: Date): void {
    if (day.getTime() > this.clock.now().getTime()) throw new NotPossibleError('That date is in the future.');
  }

  private async latestReferral(tx: Tx, childId: string) {
    const referral = await tx.nrmReferral.findFirst({
      where: { childId },
      orderBy: [{ referredAt: 'desc' }, { createdAt: 'desc' }],
      select: { id: true },
    });
    if (!referral) {
      throw new NotPossibleError(
        'There is no NRM referral recorded for this child yet. Record it first: *nrm <reference> referred <date> by <who>*.',
      );
    }
    return referral;
  }

  /** Finds the child by any report about them, makes the change and audits it, in one transaction. */
  private async forChild(
    actor: Actor,
    reference: string,
    change: (
      tx: Tx,
      childId: string,
      now: Date,
    ) => Promise<{ id: string; action: 'create' | 'update'; what: string; detail: string }>,
  ): Promise<ChildNoted> {
    const now = this.clock.now();
    const typed = reference.trim().toUpperCase();
    return this.db.$transaction(async (tx) => {
      const record = await tx.record.findUnique({
        where: { reference: typed },
        select: { childId: true, child: { select: { id: true, initials: true } } },
      });
      if (!record?.childId || !record.child) {
        throw new NotPossibleError(`I can't find a record ${typed} about a child.`);
      }
      const done = await change(tx, record.childId, now);
      await auditAs(tx, this.provider, actor, {
        action: done.action,
        recordType: done.what,
        recordId: done.id,
        detail: `${done.detail} (child ${record.childId}, via ${typed})`,
        at: now,
      });
      return { initials: openInitials(this.cipher, record.child), reference: typed };
    });
  }
}
