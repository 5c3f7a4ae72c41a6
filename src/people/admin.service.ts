import { randomUUID } from 'node:crypto';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import type { ListItem } from '../conversation/reply';
import { type Clock, DAY } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import { decide, isRole, type Role, roles } from '../domain/policy';
import { enqueueMessage } from '../outbox/enqueue';
import { destinations } from '../outbox/transport';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { auditActorNames, openDisplayName, withDisplayName } from '../store/staff-names';
import type { PeopleCache } from './people-cache';
import { addRole, pendingByEmail, removeRole, rolesOf } from './users.service';

export type { GrantResult, Place, RevokeResult, RoleChangeNotice, RoleNotices, Who } from './admin-types';

import type { GrantResult, RevokeResult, RoleChangeNotice, RoleNotices, Who } from './admin-types';

/** Running the bot: roles, failed deliveries, the audit trail. Admins only (duty places: AlertService). */
export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    /** Seals the staff identities it keeps: a pending grant's email, who granted or proposed a role. */
    private readonly cipher: FieldCipher,
    private readonly notices?: RoleNotices,
    /** The people UserService keeps for a few seconds: a changed role must count at once. */
    private readonly people?: PeopleCache,
    /** How long a proposal waits for a MET member's confirmation (ROLE_PROPOSAL_DAYS). */
    private readonly proposals: { proposalDays: number } = { proposalDays: 7 },
  ) {}

  /**
   * Adds a role (and sets an agency) for a user, by id or by platform identity; they keep the roles
   * they hold. A platform user id that more than one workspace holds must name its workspace: they
   * are different people. Someone the bot has not met (a mention, a platform id or an email in a
   * workspace) gets a pending grant that takes effect when they first speak. Nobody gives
   * themselves a role, except the server's command line (the operator, platform `admin`); a role
   * that sees children's details needs a MET group member's confirmation. The MET coordinator is
   * told of every change.
   */
  async grant(actor: Actor, who: Who, role: string, agencyName?: string): Promise<GrantResult> {
    authorise(actor, 'manage-users');
    if (!isRole(role))
      throw new NotPossibleError(`There is no role "${role}". The roles are ${roles.join(', ')}.`);
    const user = await this.findUser(who);
    if (!user) return this.grantPending(actor, who, role, agencyName);
    if (user.id === actor.id && !isOperator(actor)) {
      throw new NotPossibleError(
        'You cannot change your own role: another admin must do it, or the operator from the server.',
      );
    }
    const held = await rolesOf(this.db, user.id, user.role);
    const result = { name: user.displayName, role, held, pending: false };
    if (held.includes(role)) return { ...result, proposed: false, already: true };
    const at = this.clock.now();
    if (seesChildren(role) && !isOperator(actor)) {
      // Two people: the admin proposes; a MET group member confirms (confirmRole).
      const proposal = {
        role,
        agencyName: agencyName ?? null,
        proposedById: actor.id,
        proposedBy: this.cipher.seal('RoleProposal', 'proposedBy', user.id, actor.displayName),
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
          detail: `proposed role ${role} (holds ${held.join(', ')})`,
          at,
        });
      });
      return { ...result, proposed: true, already: false };
    }
    const now = await this.db.$transaction((tx) =>
      this.changeRole(tx, actor, user, role, agencyName, {
        detail: `role ${role} added (held ${held.join(', ')})`,
        at,
      }),
    );
    return { ...result, held: now, proposed: false, already: false };
  }

  /** The user `who` names, or null if the bot has not met them. */
  private async findUser(who: Who) {
    if (who.userId) {
      const user = await this.db.user.findUnique({ where: { id: who.userId } });
      return user && withDisplayName(this.cipher, user);
    }
    if (!who.platformUserId) return null;
    const found = await this.db.user.findMany({
      where: { platform: who.platform, workspace: who.workspace, platformUserId: who.platformUserId },
      take: 2,
    });
    if (found.length > 1) {
      throw new NotPossibleError(
        `More than one workspace has a ${who.platform} user ${who.platformUserId}: give --workspace as well.`,
      );
    }
    return found[0] ? withDisplayName(this.cipher, found[0]) : null;
  }

  /** A grant to someone not met yet, kept until they first speak (UserService.resolve). */
  private async grantPending(
    actor: Actor,
    who: Who,
    role: Role,
    agencyName: string | undefined,
  ): Promise<GrantResult> {
    const email = who.email?.trim().toLowerCase() || null;
    if (!who.platform || !who.workspace || (!who.platformUserId && !email)) {
      throw new NotPossibleError(
        who.platform && !who.workspace
          ? 'metbot has not met that person yet: give --workspace as well, so the role waits for them there.'
          : 'I do not know that person yet: name them with a mention, their platform id or their email address.',
      );
    }
    const label = who.label ?? email ?? who.platformUserId!;
    const needsConfirmation = seesChildren(role) && !isOperator(actor);
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      const place = { platform: who.platform!, workspace: who.workspace! };
      const identity = email
        ? pendingByEmail(this.cipher, email)
        : { platformUserId: who.platformUserId!, emailHash: null };
      await tx.pendingGrant.deleteMany({ where: { ...place, ...identity, role } });
      const id = randomUUID();
      const grant = await tx.pendingGrant.create({
        data: {
          id,
          ...place,
          platformUserId: email ? null : who.platformUserId!,
          email: email ? this.cipher.seal('PendingGrant', 'email', id, email) : null,
          emailHash: email ? this.cipher.exactHash(email) : null,
          role,
          agencyName: agencyName ?? null,
          grantedById: actor.id,
          grantedBy: this.cipher.seal('PendingGrant', 'grantedBy', id, actor.displayName),
          needsConfirmation,
          createdAt: at,
        },
      });
      // The email is sealed in the grant: the audit trail names it by the grant's id only.
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'pending-grant',
        recordId: grant.id,
        detail: `${needsConfirmation ? 'proposed' : 'granted'} role ${role} for ${who.platform} ${email ? 'email address' : `user ${who.platformUserId}`}, not met yet`,
        at,
      });
      if (!needsConfirmation) {
        await this.tellCoordinator(tx, actor, {
          person: `${label} (not met yet)`,
          from: 'none',
          to: role,
          agency: agencyName ?? null,
          at,
        });
      }
    });
    return {
      name: label,
      role,
      held: [],
      proposed: needsConfirmation,
      pending: true,
      already: false,
      ...(who.mention && { mention: who.mention }),
    };
  }

  /**
   * Removes one role. An admin may remove their own roles (removing access needs no second
   * person), but the last admin keeps the admin role. A person keeps at least one role.
   */
  async revoke(actor: Actor, who: Who, role: string): Promise<RevokeResult> {
    authorise(actor, 'manage-users');
    if (!isRole(role))
      throw new NotPossibleError(`There is no role "${role}". The roles are ${roles.join(', ')}.`);
    const user = await this.findUser(who);
    if (!user) {
      const email = who.email?.trim().toLowerCase() || null;
      const { count } =
        who.platform && who.workspace && (who.platformUserId || email)
          ? await this.db.pendingGrant.deleteMany({
              where: {
                platform: who.platform,
                workspace: who.workspace,
                role,
                ...(email ? pendingByEmail(this.cipher, email) : { platformUserId: who.platformUserId }),
              },
            })
          : { count: 0 };
      if (count === 0) throw new NotPossibleError('I do not know that person, and no role waits for them.');
      return { name: who.label ?? email ?? who.platformUserId ?? '', role, outcome: 'removed', held: [] };
    }
    const held = await rolesOf(this.db, user.id, user.role);
    if (!held.includes(role)) return { name: user.displayName, role, outcome: 'not-held', held };
    if (role === 'admin' && (await this.adminCount()) <= 1) {
      return { name: user.displayName, role, outcome: 'last-admin', held };
    }
    const at = this.clock.now();
    const outcome = await this.db.$transaction(async (tx) => {
      const done = await removeRole(tx, user, role);
      if (done !== 'removed') return done;
      this.people?.forgetUser(user.id);
      const fresh = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
      const now = await rolesOf(tx, user.id, fresh.role);
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'user',
        recordId: user.id,
        detail: `role ${role} removed (holds ${now.join(', ')})`,
        at,
      });
      await this.tellCoordinator(tx, actor, {
        person: user.displayName,
        from: held.join(', '),
        to: now.join(', '),
        agency: null,
        at,
      });
      return done;
    });
    const fresh = await this.db.user.findUniqueOrThrow({ where: { id: user.id } });
    const now = await rolesOf(this.db, user.id, fresh.role);
    return { name: user.displayName, role, outcome, held: now };
  }

  /** How many people hold the admin role. */
  private async adminCount(): Promise<number> {
    const ids = new Set([
      ...(await this.db.user.findMany({ where: { role: 'admin' }, select: { id: true } })).map((u) => u.id),
      ...(await this.db.userRole.findMany({ where: { role: 'admin' }, select: { userId: true } })).map(
        (r) => r.userId,
      ),
    ]);
    return ids.size;
  }

  /**
   * Who holds the admin role where the asker is (the same platform and workspace), the asker
   * excepted: the people a refusal tells them to ask. At most three, by name (sorted once opened:
   * names are sealed).
   */
  async adminNames(actor: Actor): Promise<string[]> {
    const extra = await this.db.userRole.findMany({ where: { role: 'admin' }, select: { userId: true } });
    const admins = await this.db.user.findMany({
      where: {
        platform: actor.platform,
        workspace: actor.workspace,
        id: { not: actor.id },
        OR: [{ role: 'admin' }, { id: { in: extra.map((r) => r.userId) } }],
      },
      select: { platform: true, workspace: true, platformUserId: true, displayName: true },
    });
    const names = admins.map((admin) => openDisplayName(this.cipher, admin));
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, 3);
  }

  /**
   * A MET group member confirms an admin's proposal of a role that sees children's details, for a
   * user or for someone not met yet (`who`). Nobody confirms their own proposal, nor a role for
   * themselves.
   */
  async confirmRole(
    actor: Actor,
    userId: string,
    who?: Who,
  ): Promise<{ name: string; role: Role; proposedBy: string; pending?: boolean }> {
    // Authorised by role rather than by action: the refusal should name what is being done.
    if (!actor.roles.includes('met-member'))
      throw new NotPossibleError('Only a MET group member can confirm a role.');
    if (!userId && who) return this.confirmPending(actor, who);
    const proposal = await this.db.roleProposal.findUnique({ where: { userId } });
    const row = await this.db.user.findUnique({ where: { id: userId } });
    const user = row && withDisplayName(this.cipher, row);
    if (!proposal || !user || !isRole(proposal.role))
      throw new NotPossibleError('There is no role waiting to be confirmed for that person.');
    if (user.id === actor.id || proposal.proposedById === actor.id)
      throw new NotPossibleError('You cannot confirm a role for yourself, nor one you proposed.');
    this.refuseExpired(proposal.createdAt, this.clock.now());
    const role = proposal.role;
    const proposedBy = this.cipher.open('RoleProposal', 'proposedBy', proposal.userId, proposal.proposedBy);
    const held = await rolesOf(this.db, user.id, user.role);
    await this.db.$transaction(async (tx) => {
      // Only one confirmation wins: the one whose delete still finds the proposal as it was read.
      // Another confirmation at the same instant, or a new proposal meanwhile, finds nothing.
      const claimed = await tx.roleProposal.deleteMany({
        where: {
          id: proposal.id,
          role: proposal.role,
          proposedById: proposal.proposedById,
          createdAt: proposal.createdAt,
        },
      });
      if (claimed.count !== 1)
        throw new NotPossibleError('That proposal has just been confirmed or changed: look again.');
      await this.changeRole(tx, actor, user, role, proposal.agencyName ?? undefined, {
        detail: `role ${role} added (held ${held.join(', ')}), proposed by user ${proposal.proposedById}`,
        at: this.clock.now(),
        by: `${proposedBy}, confirmed by ${actor.displayName}`,
      });
    });
    return { name: user.displayName, role, proposedBy };
  }

  /** A proposal waits ROLE_PROPOSAL_DAYS for its confirmation, then must be made again. */
  private refuseExpired(proposedAt: Date, now: Date): void {
    if (proposedAt.getTime() + this.proposals.proposalDays * DAY > now.getTime()) return;
    throw new NotPossibleError(
      `That proposal has expired (a proposal waits ${this.proposals.proposalDays} days): an admin must propose the role again.`,
    );
  }

  private async confirmPending(
    actor: Actor,
    who: Who,
  ): Promise<{ name: string; role: Role; proposedBy: string; pending: boolean }> {
    const email = who.email?.trim().toLowerCase() || null;
    const grant = await this.db.pendingGrant.findFirst({
      where: {
        platform: who.platform,
        workspace: who.workspace,
        needsConfirmation: true,
        confirmedById: null,
        ...(email ? pendingByEmail(this.cipher, email) : { platformUserId: who.platformUserId }),
      },
    });
    if (!grant || !isRole(grant.role))
      throw new NotPossibleError('There is no role waiting to be confirmed for that person.');
    if (grant.grantedById === actor.id)
      throw new NotPossibleError('You cannot confirm a role for yourself, nor one you proposed.');
    const at = this.clock.now();
    this.refuseExpired(grant.createdAt, at);
    const role = grant.role;
    const grantedBy = this.cipher.open('PendingGrant', 'grantedBy', grant.id, grant.grantedBy);
    await this.db.$transaction(async (tx) => {
      // As for a proposal: only the first of two confirmations at once finds it unconfirmed.
      const claimed = await tx.pendingGrant.updateMany({
        where: { id: grant.id, confirmedById: null },
        data: {
          confirmedById: actor.id,
          confirmedBy: this.cipher.seal('PendingGrant', 'confirmedBy', grant.id, actor.displayName),
        },
      });
      if (claimed.count !== 1)
        throw new NotPossibleError('That proposal has just been confirmed or changed: look again.');
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'pending-grant',
        recordId: grant.id,
        detail: `confirmed role ${role}, proposed by user ${grant.grantedById}, for someone not met yet`,
        at,
      });
      await this.tellCoordinator(tx, actor, {
        person: `${who.label ?? email ?? who.platformUserId} (not met yet)`,
        from: 'none',
        to: role,
        agency: grant.agencyName,
        at,
        by: `${grantedBy}, confirmed by ${actor.displayName}`,
      });
    });
    return {
      name: who.label ?? email ?? who.platformUserId ?? '',
      role,
      proposedBy: grantedBy,
      pending: true,
    };
  }

  /** Adds the role, audits it, and queues the MET coordinator's notice, in the caller's transaction. */
  private async changeRole(
    tx: Tx,
    actor: Actor,
    user: { id: string; role: string; displayName: string },
    role: Role,
    agencyName: string | undefined,
    change: { detail: string; at: Date; by?: string },
  ): Promise<Role[]> {
    const agency = agencyName
      ? await tx.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    const before = await rolesOf(tx, user.id, user.role);
    // A change made directly ends any proposal still waiting for this person.
    await tx.roleProposal.deleteMany({ where: { userId: user.id } });
    await addRole(tx, user, role, change.at);
    if (agency) await tx.user.update({ where: { id: user.id }, data: { agencyId: agency.id } });
    const after = await rolesOf(tx, user.id, role);
    this.people?.forgetUser(user.id);
    await auditAs(tx, this.provider, actor, {
      action: 'update',
      recordType: 'user',
      recordId: user.id,
      detail: change.detail,
      at: change.at,
    });
    await this.tellCoordinator(tx, actor, {
      person: user.displayName,
      from: before.join(', '),
      to: after.join(', '),
      agency: agency?.name ?? null,
      at: change.at,
      by: change.by,
    });
    return after;
  }

  /** Queues the MET coordinator's notice of a role change, where a coordinator is routed. */
  private async tellCoordinator(
    tx: Tx,
    actor: Actor,
    change: { person: string; from: string; to: string; agency: string | null; at: Date; by?: string },
  ): Promise<void> {
    if (!this.notices || !this.coordinatorRouted()) return;
    const notice: RoleChangeNotice = {
      kind: 'role-change',
      id: randomUUID(),
      changedAt: change.at.toISOString(),
      changedBy: change.by ?? actor.displayName,
      surface: actor.surface,
      person: change.person,
      from: change.from,
      to: change.to,
      agency: change.agency,
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
    const who = await auditActorNames(this.db, this.cipher, events);
    return events.map((event) => ({
      title: `${formatLondon(event.at)} · ${who(event)}`,
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
