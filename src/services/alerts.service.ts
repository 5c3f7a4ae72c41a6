import {
  type AlertRuleId,
  type AlertRules,
  type Audience,
  escalationDue,
  type RecordFacts,
  rulesRaisedBy,
} from '../domain/alert-rules';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import { enqueueMessage } from '../outbox/enqueue';
import { cancelTimers, schedule } from '../scheduler/scheduler';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type Actor, auditAs } from './actor';
import { authorise, NotPossibleError } from './refusal';

export const ALERT_DESTINATION = 'alert';
export const ESCALATION_TIMER = 'alert-escalation';

/** What an alert says wherever it is posted: never a child's full details. */
export interface AlertView {
  id: string;
  category: string;
  reference: string | null;
  initials: string | null;
  level: string | null;
  raisedAt: string;
  since: string;
  audience: Audience;
  escalated: boolean;
  acknowledged: string | null;
}

/** A message on the outbox for the alert transport: post to an audience, or update posts in place. */
export type AlertDelivery =
  | { alertId: string; kind: 'post'; audience: Audience }
  | { alertId: string; kind: 'update' };

export interface NewAlert {
  rule: AlertRuleId;
  recordId?: string | null;
  reference?: string | null;
  initials?: string | null;
  level?: string | null;
  /** The user an `interviewer` audience means, for interview reminders. */
  subjectUserId?: string | null;
}

function ago(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export class AlertService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    readonly rules: AlertRules,
  ) {}

  /** Raises an alert inside the caller's transaction: the alert, its first post and its escalation timer. */
  async raise(tx: Tx, alert: NewAlert, now: Date): Promise<string> {
    const rule = this.rules.rules[alert.rule];
    const audience = rule.audiences[0]!;
    const row = await tx.alert.create({
      data: {
        rule: alert.rule,
        recordId: alert.recordId ?? null,
        reference: alert.reference ?? null,
        initials: alert.initials ?? null,
        level: alert.level ?? null,
        audience,
        subjectUserId: alert.subjectUserId ?? null,
        createdAt: now,
      },
    });
    await this.queue(tx, { alertId: row.id, kind: 'post', audience }, `${row.id}:post:${audience}`, now);
    const escalateAt = escalationDue(rule, now);
    if (escalateAt) await schedule(tx, ESCALATION_TIMER, row.id, escalateAt);
    return row.id;
  }

  /** The alerts a new record raises (immediate danger, a missing child at high risk, …). */
  async raiseForRecord(
    tx: Tx,
    record: { id: string; reference: string; initials: string | null },
    facts: RecordFacts,
    now: Date,
  ): Promise<AlertRuleId[]> {
    const raised = rulesRaisedBy(facts);
    const level = facts.riskLevel ?? facts.child?.metLevel ?? null;
    for (const rule of raised) {
      await this.raise(
        tx,
        { rule, recordId: record.id, reference: record.reference, initials: record.initials, level },
        now,
      );
    }
    return raised;
  }

  /** The escalation timer's work: an alert nobody acknowledged goes to the next audience, once. */
  async escalate(tx: Tx, alertId: string, now: Date): Promise<boolean> {
    const alert = await tx.alert.findUnique({ where: { id: alertId } });
    if (!alert || alert.acknowledgedAt || alert.escalatedAt) return false;
    const rule = this.rules.rules[alert.rule as AlertRuleId];
    const next = rule.audiences[rule.audiences.indexOf(alert.audience as Audience) + 1];
    if (!next) return false;
    await tx.alert.update({ where: { id: alertId }, data: { escalatedAt: now, audience: next } });
    await this.queue(tx, { alertId, kind: 'post', audience: next }, `${alertId}:post:${next}`, now);
    await this.queue(tx, { alertId, kind: 'update' }, `${alertId}:update:escalated`, now);
    return true;
  }

  /** Records who acknowledged it and when; every post is then updated in place. */
  async acknowledge(actor: Actor, alertId: string): Promise<AlertView> {
    authorise(actor, 'acknowledge-alert');
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.alert.updateMany({
        where: { id: alertId, acknowledgedAt: null },
        data: { acknowledgedAt: now, acknowledgedBy: actor.displayName },
      });
      if (count === 0) {
        if (!(await tx.alert.findUnique({ where: { id: alertId } })))
          throw new NotPossibleError('That alert no longer exists.');
        return;
      }
      await cancelTimers(tx, alertId, [ESCALATION_TIMER]);
      await this.queue(tx, { alertId, kind: 'update' }, `${alertId}:update:acknowledged`, now);
    });
    return this.view(alertId);
  }

  async view(alertId: string): Promise<AlertView> {
    const alert = await this.db.alert.findUniqueOrThrow({ where: { id: alertId } });
    return this.toView(alert, this.clock.now());
  }

  toView(
    alert: {
      id: string;
      rule: string;
      reference: string | null;
      initials: string | null;
      level: string | null;
      audience: string;
      createdAt: Date;
      escalatedAt: Date | null;
      acknowledgedAt: Date | null;
      acknowledgedBy: string | null;
    },
    now: Date,
  ): AlertView {
    const rule = this.rules.rules[alert.rule as AlertRuleId];
    const time = alert.acknowledgedAt ? formatLondon(alert.acknowledgedAt).split(', ')[1] : '';
    return {
      id: alert.id,
      category: rule?.category ?? alert.rule,
      reference: alert.reference,
      initials: alert.initials,
      level: alert.level,
      raisedAt: alert.createdAt.toISOString(),
      since: ago(alert.createdAt, now),
      audience: alert.audience as Audience,
      escalated: alert.escalatedAt !== null,
      acknowledged: alert.acknowledgedAt ? `Acknowledged by ${alert.acknowledgedBy} at ${time}` : null,
    };
  }

  /** The record behind an alert, for an entitled user in a private place; the read is audited. */
  async details(
    actor: Actor,
    alertId: string,
  ): Promise<{ view: AlertView; record: Record<string, unknown> | null }> {
    authorise(actor, 'view-child-details');
    const alert = await this.db.alert.findUnique({ where: { id: alertId } });
    if (!alert) throw new NotPossibleError('That alert no longer exists.');
    const record = alert.recordId ? await this.db.record.findUnique({ where: { id: alert.recordId } }) : null;
    if (record) {
      await this.db.$transaction((tx) =>
        auditAs(tx, this.provider, actor, {
          action: 'read',
          recordType: 'record',
          recordId: record.id,
          detail: `alert ${alert.rule}`,
          at: this.clock.now(),
        }),
      );
    }
    return {
      view: this.toView(alert, this.clock.now()),
      record: record ? this.cipher.decryptJson<Record<string, unknown>>(record.dataEnc) : null,
    };
  }

  private queue(tx: Tx, delivery: AlertDelivery, key: string, at: Date) {
    return enqueueMessage(tx, this.cipher, {
      destination: ALERT_DESTINATION,
      recordId: null,
      idempotencyKey: key,
      payload: delivery,
      at,
    });
  }
}
