import { randomUUID } from 'node:crypto';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openInitials } from '../children/demographics';
import {
  type AlertRuleId,
  type AlertRules,
  type Audience,
  escalationDue,
  type RecordFacts,
  rulesRaisedBy,
} from '../domain/alert-rules';
import type { AlertView, NewAlert } from '../domain/alert-view';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import { enqueueMessage } from '../outbox/enqueue';
import type { Place } from '../people/admin-types';
import { cancelTimers, schedule } from '../scheduler/scheduler';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type AlertPost, audienceTargets, type Surfaces, type SurfaceTarget } from './surfaces';

export { ALERT_DESTINATION, type Alerted, type OpenAlert } from './alert-types';

import { ALERT_DESTINATION, type Alerted, type OpenAlert } from './alert-types';

export const ESCALATION_TIMER = 'alert-escalation';

export type { AlertView };

/** A message on the outbox for the alert transport: post to an audience, or update posts in place. */
export type AlertDelivery =
  | { alertId: string; kind: 'post'; audience: Audience }
  | { alertId: string; kind: 'update' };

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
    /** The places the bot can speak first (Slack, Teams, the duty mailbox): filled in at start-up. */
    readonly surfaces: Surfaces = new Map(),
  ) {}

  /** A child's initials, opened, for an alert raised about them (they are sealed again to the alert). */
  initialsOf(child: { id: string; initials: string }): string {
    return openInitials(this.cipher, child);
  }

  /** Raises an alert inside the caller's transaction: the alert, its first post and its escalation timer. */
  async raise(tx: Tx, alert: NewAlert, now: Date): Promise<string> {
    const rule = this.rules.rules[alert.rule];
    const audience = rule.audiences[0]!;
    // The id is made here so that the initials are sealed to the alert's row.
    const id = randomUUID();
    const row = await tx.alert.create({
      data: {
        id,
        rule: alert.rule,
        recordId: alert.recordId ?? null,
        reference: alert.reference ?? null,
        initials: this.cipher.sealOptional('Alert', 'initials', id, alert.initials),
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

  /**
   * The alerts a new record raises (immediate danger, a missing child at high risk, …), and what
   * the reporter may truthfully be told: delivery is later, so only whether anyone can be reached.
   */
  async raiseForRecord(
    tx: Tx,
    record: { id: string; reference: string; initials: string | null },
    facts: RecordFacts,
    now: Date,
  ): Promise<Alerted | null> {
    const raised = rulesRaisedBy(facts);
    const level = facts.riskLevel ?? facts.child?.metLevel ?? null;
    let reachable = true;
    for (const rule of raised) {
      await this.raise(
        tx,
        { rule, recordId: record.id, reference: record.reference, initials: record.initials, level },
        now,
      );
      const first = this.rules.rules[rule].audiences[0]!;
      reachable &&= (await this.targets(first, null, tx)).length > 0;
    }
    if (raised.length === 0) return null;
    return reachable ? 'queued' : 'kept-open';
  }

  /**
   * The escalation timer's work: an alert nobody acknowledged goes to the next audience that can
   * be reached, once. With none, it stays open where duty officers look (`alerts`).
   */
  async escalate(tx: Tx, alertId: string, now: Date): Promise<boolean> {
    const alert = await tx.alert.findUnique({ where: { id: alertId } });
    if (!alert || alert.acknowledgedAt || alert.escalatedAt) return false;
    const rule = this.rules.rules[alert.rule as AlertRuleId];
    const later = rule.audiences.slice(rule.audiences.indexOf(alert.audience as Audience) + 1);
    let next: Audience | undefined;
    for (const audience of later) {
      if ((await this.targets(audience, alert.subjectUserId, tx)).length > 0) {
        next = audience;
        break;
      }
    }
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
        data: {
          acknowledgedAt: now,
          acknowledgedBy: this.cipher.seal('Alert', 'acknowledgedBy', alertId, actor.displayName),
        },
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

  /** `setup duty here`: this channel gets the duty alerts, the open ones at once. Admins only. */
  async setupDuty(actor: Actor, place: Place, purpose: 'duty' | 'met-coordinator' = 'duty'): Promise<number> {
    authorise(actor, 'manage-users');
    if (place.kind !== 'channel')
      throw new NotPossibleError('Please do this in the channel that should get the alerts.');
    return this.addPlace(place, purpose, actor.agencyId);
  }

  /**
   * A place for an audience's alerts, with the alerts still open for it queued there in the same
   * transaction. Places that come from settings (DUTY_SLACK_CHANNEL, DUTY_EMAIL) are added here
   * too: there is no person to act as, and a setting is the operator's word already.
   */
  async addPlace(
    place: Place,
    purpose: 'duty' | 'met-coordinator' = 'duty',
    agencyId: string | null = null,
  ): Promise<number> {
    const { platform, key, address } = place;
    return this.db.$transaction(async (tx) => {
      await tx.chatAddress.upsert({
        where: { platform_key: { platform, key } },
        create: { platform, key, kind: 'channel', address, purpose, agencyId },
        update: { purpose, address, removedAt: null, ...(agencyId && { agencyId }) },
      });
      return this.postOpenAlerts(tx, purpose, place);
    });
  }

  /**
   * A new place for an audience: the open alerts that were meant for that audience are posted there
   * too. An alert whose post is still waiting to be retried has that retry brought forward instead,
   * so that two sends of one alert never run side by side (and post twice).
   */
  private async postOpenAlerts(
    tx: Tx,
    audience: Audience,
    place: { platform: string; key: string },
  ): Promise<number> {
    const now = this.clock.now();
    const open = await tx.alert.findMany({ where: { acknowledgedAt: null }, orderBy: { createdAt: 'asc' } });
    let queued = 0;
    for (const alert of open) {
      const audiences = this.rules.rules[alert.rule as AlertRuleId]?.audiences ?? [];
      const reached = audiences.indexOf(audience);
      if (reached < 0 || reached > audiences.indexOf(alert.audience as Audience)) continue;
      const post = `${alert.id}:post:${audience}`;
      const { count } = await tx.outboxMessage.updateMany({
        where: { destination: ALERT_DESTINATION, idempotencyKey: { startsWith: post }, status: 'pending' },
        data: { nextAttemptAt: now },
      });
      const key = `${post}:${place.platform}:${place.key}`;
      if (count || (await this.queue(tx, { alertId: alert.id, kind: 'post', audience }, key, now))) queued++;
    }
    return queued;
  }

  /** The open alerts, newest first, as any channel may show them: reference, category and initials. */
  async openAlerts(actor: Actor): Promise<OpenAlert[]> {
    authorise(actor, 'ask-alerts');
    const now = this.clock.now();
    const open = await this.db.alert.findMany({
      where: { acknowledgedAt: null, rule: { in: this.forPeople() } },
      orderBy: { createdAt: 'desc' },
      take: 50,
    });
    return open.map((alert) => ({
      view: this.toView(alert, now),
      // A possible link names several reports: its code is its id's start, as `links` shows it.
      code: alert.rule === 'possible-link' ? alert.id.slice(0, 8) : (alert.reference ?? alert.id.slice(0, 8)),
      reached: (JSON.parse(alert.posts) as AlertPost[]).length,
    }));
  }

  /**
   * `ack <code>`: acknowledges the open alerts a code from `alerts` names (a record's reference,
   * or the start of an alert's id when it has none). Returns how many.
   */
  async acknowledgeByCode(actor: Actor, code: string): Promise<number> {
    authorise(actor, 'acknowledge-alert');
    const byId = /^[0-9a-f-]{6,36}$/i.test(code) ? [{ id: { startsWith: code.toLowerCase() } }] : [];
    const open = await this.db.alert.findMany({
      where: {
        acknowledgedAt: null,
        rule: { in: this.forPeople() },
        OR: [{ reference: code.toUpperCase() }, ...byId],
      },
      select: { id: true },
    });
    for (const alert of open) await this.acknowledge(actor, alert.id);
    return open.length;
  }

  /** Who an audience means, on the surfaces that are on: an audience with none cannot be reached. */
  targets(audience: Audience, subjectUserId: string | null, db: Db | Tx = this.db): Promise<SurfaceTarget[]> {
    return audienceTargets(db, this.surfaces, audience, subjectUserId);
  }

  /** The rules whose alerts go to people who keep children safe (not the admins' delivery alerts). */
  private forPeople(): string[] {
    return Object.entries(this.rules.rules)
      .filter(([, rule]) => rule.audiences.some((audience) => audience !== 'admins'))
      .map(([id]) => id);
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
    // A possible link's level field holds the kinds of entity that join it: shown with its category.
    const link = alert.rule === 'possible-link';
    return {
      id: alert.id,
      category: link && alert.level ? `${rule?.category} (${alert.level})` : (rule?.category ?? alert.rule),
      reference: alert.reference,
      initials: this.cipher.openOptional('Alert', 'initials', alert.id, alert.initials),
      level: link ? null : alert.level,
      raisedAt: alert.createdAt.toISOString(),
      since: ago(alert.createdAt, now),
      audience: alert.audience as Audience,
      escalated: alert.escalatedAt !== null,
      acknowledged: alert.acknowledgedAt
        ? `Acknowledged by ${this.cipher.openOptional('Alert', 'acknowledgedBy', alert.id, alert.acknowledgedBy)} at ${time}`
        : null,
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
      record: record
        ? this.cipher.openJson<Record<string, unknown>>('Record', 'dataEnc', record.id, record.dataEnc)
        : null,
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
