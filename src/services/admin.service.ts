import { randomUUID } from 'node:crypto';
import type { ListItem } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import { decide, isRole, type Role, roles } from '../domain/policy';
import { type DeliveryRoutes, enqueueMessage } from '../outbox/enqueue';
import { destinations } from '../outbox/transport';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type Actor, auditAs } from './actor';
import type { PeopleCache } from './people-cache';
import { authorise, NotPossibleError } from './refusal';

/** A place in a chat platform the bot can post to (a Slack channel, a Teams channel). */
export interface Place {
  platform: string;
  key: string;
  kind: 'channel' | 'personal';
  /** The platform's own address, as JSON (a Teams conversation reference). */
  address: string;
}

/**
 * What the MET coordinator is told of a role change: who changed whose role, from what to what.
 * Names and roles only, never a child's details.
 */
export interface RoleChangeNotice {
  kind: 'role-change';
  /** A new UUID per change: the message's idempotency key and its Message-ID. */
  id: string;
  changedAt: string;
  changedBy: string;
  /** The surface it was done on (slack, teams, admin for the server's command line). */
  surface: string;
  person: string;
  from: string;
  to: string;
  agency: string | null;
}

export function isRoleChangeNotice(payload: unknown): payload is RoleChangeNotice {
  return (payload as { kind?: unknown } | null)?.kind === 'role-change';
}

/** How role changes reach the MET coordinator: queued only when a coordinator destination is routed. */
export interface RoleNotices {
  cipher: FieldCipher;
  routes: DeliveryRoutes;
}

/** Running the bot: roles, failed deliveries, the audit trail. Admins only (duty places: AlertService). */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    private readonly notices?: RoleNotices,
    /** The people UserService keeps for a few seconds: a changed role must count at once. */
    private readonly people?: PeopleCache,
  ) {}

  /**
   * Gives a user a role (and an agency); by id, or by platform identity. A platform user id that
   * more than one workspace holds must name its workspace: they are different people. Nobody
   * changes their own role, except the server's command line (the operator, platform `admin`).
   * The MET coordinator is told of every change.
   */
  async grant(
    actor: Actor,
    who: { userId?: string; platform?: string; workspace?: string; platformUserId?: string },
    role: string,
    agencyName?: string,
  ): Promise<{ name: string; role: Role; proposed: boolean }> {
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
    if (user.id === actor.id && !isOperator(actor)) {
      throw new NotPossibleError(
        'You cannot change your own role: another admin must do it, or the operator from the server.',
      );
    }
    const at = this.clock.now();
    if (seesChildren(role) && !isOperator(actor)) {
      // Two people: the admin proposes; a MET group member confirms (confirmRole).
      const proposal = {
        role,
        agencyName: agencyName ?? null,
        proposedById: actor.id,
        proposedBy: actor.displayName,
        createdAt: at,
      };
      await this.db.$transaction(async (tx) => {
        await tx.roleProposal.upsert({
          where: { userId: user.id },
          create: { userId: user.id, ...proposal },
          update: proposal,
        });
        await auditAs(tx, this.provider, actor, {
          action: 'update',
          recordType: 'user',
          recordId: user.id,
          detail: `proposed role ${user.role} → ${role}`,
          at,
        });
      });
      return { name: user.displayName, role, proposed: true };
    }
    await this.db.$transaction((tx) =>
      this.changeRole(tx, actor, user, role, agencyName, { detail: `role ${user.role} → ${role}`, at }),
    );
    return { name: user.displayName, role, proposed: false };
  }

  /**
   * A MET group member confirms an admin's proposal of a role that sees children's details. Nobody
   * confirms their own proposal, nor a role for themselves.
   */
  async confirmRole(actor: Actor, userId: string): Promise<{ name: string; role: Role; proposedBy: string }> {
    // Authorised by role rather than by action: the refusal should name what is being done.
    if (actor.role !== 'met-member')
      throw new NotPossibleError('Only a MET group member can confirm a role.');
    const proposal = await this.db.roleProposal.findUnique({ where: { userId } });
    const user = await this.db.user.findUnique({ where: { id: userId } });
    if (!proposal || !user || !isRole(proposal.role))
      throw new NotPossibleError('There is no role waiting to be confirmed for that person.');
    if (user.id === actor.id || proposal.proposedById === actor.id)
      throw new NotPossibleError('You cannot confirm a role for yourself, nor one you proposed.');
    const role = proposal.role;
    await this.db.$transaction(async (tx) => {
      await this.changeRole(tx, actor, user, role, proposal.agencyName ?? undefined, {
        detail: `role ${user.role} → ${role}, proposed by user ${proposal.proposedById}`,
        at: this.clock.now(),
        by: `${proposal.proposedBy}, confirmed by ${actor.displayName}`,
      });
    });
    return { name: user.displayName, role, proposedBy: proposal.proposedBy };
  }

  /** Sets the role, audits it, and queues the MET coordinator's notice, in the caller's transaction. */
  private async changeRole(
    tx: Tx,
    actor: Actor,
    user: { id: string; role: string; displayName: string },
    role: Role,
    agencyName: string | undefined,
    change: { detail: string; at: Date; by?: string },
  ): Promise<void> {
    const agency = agencyName
      ? await tx.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    // A change made directly ends any proposal still waiting for this person.
    await tx.roleProposal.deleteMany({ where: { userId: user.id } });
    await tx.user.update({
      where: { id: user.id },
      data: { role, ...(agency && { agencyId: agency.id }) },
    });
    this.people?.forgetUser(user.id);
    await auditAs(tx, this.provider, actor, {
      action: 'update',
      recordType: 'user',
      recordId: user.id,
      detail: change.detail,
      at: change.at,
    });
    if (!this.notices || !this.coordinatorRouted()) return;
    const notice: RoleChangeNotice = {
      kind: 'role-change',
      id: randomUUID(),
      changedAt: change.at.toISOString(),
      changedBy: change.by ?? actor.displayName,
      surface: actor.surface,
      person: user.displayName,
      from: user.role,
      to: role,
      agency: agency?.name ?? null,
    };
    await enqueueMessage(tx, this.notices.cipher, {
      destination: destinations.metCoordinator,
      recordId: null,
      idempotencyKey: notice.id,
      payload: notice,
      at: change.at,
    });
  }

  /** The coordinator gets role changes only where it is a destination at all (MET_COORDINATOR_EMAIL). */
  private coordinatorRouted(): boolean {
    return Object.values(this.notices?.routes ?? {}).some((list) =>
      list?.includes(destinations.metCoordinator),
    );
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
        { label: 'Last error', value: this.lastErrorOf(message) },
      ],
    }));
  }

  /** Sealed in the row (it can quote what was sent); opened only where the data key is at hand. */
  private lastErrorOf(message: { id: string; lastError: string | null }): string {
    if (message.lastError === null) return 'none recorded';
    const cipher = this.notices?.cipher;
    if (!cipher) return 'kept encrypted';
    return cipher.open('OutboxMessage', 'lastError', message.id, message.lastError);
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

/** The server's command line: the operator, who may grant any role, their own included. */
function isOperator(actor: Actor): boolean {
  return actor.platform === 'admin';
}

function seesChildren(role: Role): boolean {
  return decide(role, 'view-child-details').allowed;
}
