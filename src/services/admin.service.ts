import type { ListItem } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import { isRole, type Role, roles } from '../domain/policy';
import type { Db, Provider } from '../store/database';
import { type Actor, auditAs } from './actor';
import { authorise, NotPossibleError } from './refusal';

/** A place in a chat platform the bot can post to (a Slack channel, a Teams channel). */
export interface Place {
  platform: string;
  key: string;
  kind: 'channel' | 'personal';
  /** The platform's own address, as JSON (a Teams conversation reference). */
  address: string;
}

/** Running the bot: roles, failed deliveries, the audit trail. Admins only (duty places: AlertService). */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
  ) {}

  /**
   * Gives a user a role (and an agency); by id, or by platform identity. A platform user id that
   * more than one workspace holds must name its workspace: they are different people.
   */
  async grant(
    actor: Actor,
    who: { userId?: string; platform?: string; workspace?: string; platformUserId?: string },
    role: string,
    agencyName?: string,
  ): Promise<{ name: string; role: Role }> {
    authorise(actor, 'manage-users');
    if (!isRole(role))
      throw new NotPossibleError(`There is no role "${role}". The roles are ${roles.join(', ')}.`);
    const found = who.userId
      ? await this.db.user.findMany({ where: { id: who.userId } })
      : await this.db.user.findMany({
          where: { platform: who.platform, workspace: who.workspace, platformUserId: who.platformUserId },
          take: 2,
        });
    if (found.length > 1) {
      throw new NotPossibleError(
        `More than one workspace has a ${who.platform} user ${who.platformUserId}: give --workspace as well.`,
      );
    }
    const user = found[0];
    if (!user)
      throw new NotPossibleError('I do not know that person yet: ask them to say hello to me first.');
    const agency = agencyName
      ? await this.db.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    await this.db.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: user.id },
        data: { role, ...(agency && { agencyId: agency.id }) },
      });
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'user',
        recordId: user.id,
        detail: `role ${user.role} → ${role}`,
        at: this.clock.now(),
      });
    });
    return { name: user.displayName, role };
  }

  async deadLetters(actor: Actor): Promise<ListItem[]> {
    authorise(actor, 'manage-deliveries');
    const dead = await this.db.outboxMessage.findMany({
      where: { status: 'dead' },
      orderBy: { createdAt: 'desc' },
      take: 50,
    });
    const records = await this.db.record.findMany({
      where: { id: { in: dead.flatMap((m) => (m.recordId ? [m.recordId] : [])) } },
      select: { id: true, reference: true },
    });
    return dead.map((message) => ({
      title: `${records.find((r) => r.id === message.recordId)?.reference ?? message.destination} · ${message.id.slice(0, 8)}`,
      fields: [
        { label: 'To', value: message.destination },
        { label: 'Tries', value: String(message.attempts) },
        { label: 'Last error', value: message.lastError ?? 'none recorded' },
      ],
    }));
  }

  /** Puts a dead letter back on the queue; `id` may be the first characters shown in the list. */
  async retry(actor: Actor, id: string): Promise<number> {
    authorise(actor, 'manage-deliveries');
    const { count } = await this.db.outboxMessage.updateMany({
      where: { status: 'dead', id: { startsWith: id } },
      data: {
        status: 'pending',
        attempts: 0,
        nextAttemptAt: this.clock.now(),
        leaseUntil: null,
        leaseOwner: null,
      },
    });
    return count;
  }

  /** Who read or changed a record, and its child, and when. */
  async auditTrail(actor: Actor, reference: string): Promise<ListItem[]> {
    authorise(actor, 'view-audit');
    const record = await this.db.record.findUnique({ where: { reference: reference.toUpperCase() } });
    if (!record) throw new NotPossibleError(`There is no record ${reference}.`);
    const ids = [record.id, ...(record.childId ? [record.childId] : [])];
    const events = await this.db.auditEvent.findMany({
      where: { recordId: { in: ids } },
      orderBy: { seq: 'asc' },
    });
    return events.map((event) => ({
      title: `${formatLondon(event.at)} · ${event.actor}`,
      fields: [
        {
          label: 'Did',
          value: `${event.action} ${event.recordType === 'person' ? 'the child' : 'the record'}`,
        },
        { label: 'Where', value: event.surface },
        ...(event.detail ? [{ label: 'About', value: event.detail }] : []),
      ],
    }));
  }
}
