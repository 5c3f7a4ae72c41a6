import type { Actor, Identity } from '../access/actor';
import type { Clock } from '../domain/clock';
import { identityKey, parseIdentityKey, workspaceKey } from '../domain/identity-key';
import type { Role } from '../domain/policy';
import { roles as allRoles, isRole } from '../domain/policy';
import { appendAudit } from '../store/audit';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { readKnownUser } from '../store/known-users';
import { openDisplayName, sealDisplayName, type UserKey, withDisplayName } from '../store/staff-names';
import { type KnownUser, PeopleCache } from './people-cache';

/** Who becomes a practitioner the first time the bot meets them. */
export interface Enrolment {
  /** Everyone, from every workspace (guests excepted). */
  everyone: boolean;
  /** Otherwise only people from these workspaces (`slack:<team id>`, `teams:<tenant id>`). */
  workspaces: ReadonlySet<string>;
}

const nobodyEnrols: Enrolment = { everyone: false, workspaces: new Set() };

/** What a person is called until their platform gives a name: "Teams user", else their id. */
export function placeholderName(identity: Pick<Identity, 'platform' | 'platformUserId'>): string {
  return identity.platform === 'teams' ? 'Teams user' : identity.platformUserId;
}

const givenName = (identity: Identity): string | undefined => identity.displayName?.trim() || undefined;

export interface UserOptions {
  clock: Clock;
  enrolment?: Enrolment;
  /** Identity keys (`platform:workspace:user`) of the people who are admins (METBOT_ADMINS). */
  admins?: ReadonlySet<string>;
  /**
   * Opens and reseals the interviewer's name on episodes assigned while the user was unnamed, and
   * finds and opens the roles granted before someone first spoke (their email is sealed).
   */
  cipher: FieldCipher;
  /** The people resolved in the last few seconds (shared with AdminService, which drops changed roles). */
  cache?: PeopleCache;
}

export class UserService {
  private readonly clock: Clock;
  private readonly enrolment: Enrolment;
  private readonly admins: ReadonlySet<string>;
  private readonly cipher: FieldCipher;
  readonly cache: PeopleCache;

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    options: UserOptions,
  ) {
    this.clock = options.clock;
    this.enrolment = options.enrolment ?? nobodyEnrols;
    this.admins = options.admins ?? new Set();
    this.cipher = options.cipher;
    this.cache = options.cache ?? new PeopleCache();
  }

  /**
   * The known user behind an identity; null if unknown. Someone new is enrolled if the bot is set
   * to, or if an admin granted them a role before they first spoke (a pending grant), even with
   * enrolment off.
   */
  async resolve(identity: Identity, surface: string): Promise<Actor | null> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    const cacheKey = identityKey(key);
    const name = givenName(identity);
    // A placeholder or a bare handle gives way to the first real name the platform gives.
    const replaceable = (shown: string) =>
      shown === placeholderName(identity) || (identity.handle !== undefined && shown === identity.handle);
    const cached = this.cache.get(cacheKey);
    // A name to learn goes the long way, once: the placeholder is replaced where it is stored.
    if (cached && !(name && name !== cached.displayName && replaceable(cached.displayName))) {
      return toActor(cached, cached.roles ?? [cached.role as Role], surface);
    }
    const found = await readKnownUser(this.db, this.cipher, key);
    let user: KnownUser | null = found;
    if (!user) {
      const pending = await this.pendingFor(identity);
      const listed = this.admins.has(identityKey(key));
      // The first role granted and ready; a person whose only grant awaits confirmation starts as a practitioner.
      const ready = pending.find((grant) => !grant.needsConfirmation || grant.confirmedById)?.role;
      const granted = ready && isRole(ready) ? ready : pending.length ? 'practitioner' : null;
      const role = listed ? 'admin' : (granted ?? this.enrolAs(identity));
      if (!role) return null;
      const displayName = givenName(identity) ?? placeholderName(identity);
      user = await this.db.$transaction(async (tx) => {
        const created = await tx.user.upsert({
          where: { platform_workspace_platformUserId: key },
          create: { ...key, displayName: sealDisplayName(this.cipher, key, displayName), role },
          update: {},
          include: { agency: true },
        });
        if (pending.length) await this.applyPending(tx, created, pending);
        const row = await tx.user.findUniqueOrThrow({ where: { id: created.id }, include: { agency: true } });
        return withDisplayName(this.cipher, row);
      });
    }
    if (name && name !== user.displayName && replaceable(user.displayName)) {
      await this.learnName(user, user.displayName, name);
      user = { ...user, displayName: name };
    }
    const roles = found
      ? rolesInOrder(found.role, found.moreRoles)
      : await rolesOf(this.db, user.id, user.role);
    this.cache.set(cacheKey, { ...user, roles });
    return toActor(user, roles, surface);
  }

  /** Grants waiting for this person: by their platform id in their workspace, or by their email. */
  private pendingFor(identity: Identity) {
    const email = identity.email?.trim().toLowerCase();
    return this.db.pendingGrant.findMany({
      where: {
        platform: identity.platform,
        workspace: identity.workspace,
        OR: [
          { platformUserId: identity.platformUserId },
          ...(email ? [pendingByEmail(this.cipher, email)] : []),
        ],
      },
      orderBy: { createdAt: 'asc' },
    });
  }

  /**
   * Gives a person met for the first time the roles granted before: confirmed ones at once; one
   * that sees children's details and is not yet confirmed waits as a proposal (`admin confirm`).
   */
  private async applyPending(
    tx: Tx,
    user: { id: string; role: string; displayName: string },
    pending: Awaited<ReturnType<UserService['pendingFor']>>,
  ): Promise<void> {
    const at = this.clock.now();
    for (const grant of pending) {
      if (!isRole(grant.role)) continue;
      const grantedBy = this.cipher.open('PendingGrant', 'grantedBy', grant.id, grant.grantedBy);
      const agency = grant.agencyName
        ? await tx.agency.upsert({
            where: { name: grant.agencyName },
            create: { name: grant.agencyName },
            update: {},
          })
        : null;
      if (agency) await tx.user.update({ where: { id: user.id }, data: { agencyId: agency.id } });
      if (grant.needsConfirmation && !grant.confirmedById) {
        const proposal = {
          role: grant.role,
          agencyName: grant.agencyName,
          proposedById: grant.grantedById,
          proposedBy: this.cipher.seal('RoleProposal', 'proposedBy', user.id, grantedBy),
          createdAt: grant.createdAt,
        };
        await tx.roleProposal.upsert({
          where: { userId: user.id },
          create: { userId: user.id, ...proposal },
          update: proposal,
        });
        continue;
      }
      const current = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
      await addRole(tx, current, grant.role, at);
      await appendAudit(tx, this.provider, {
        actorId: grant.grantedById,
        actor: grant.grantedById,
        surface: 'platform',
        action: 'update',
        recordType: 'user',
        recordId: user.id,
        detail: `role ${grant.role} added when they first spoke, granted by user ${grant.grantedById}${grant.confirmedById ? `, confirmed by user ${grant.confirmedById}` : ''}`,
        at,
      });
    }
    await tx.pendingGrant.deleteMany({ where: { id: { in: pending.map((grant) => grant.id) } } });
  }

  /**
   * The first name a platform gives replaces the placeholder wherever it is stored: the user, and
   * the return interviews they were assigned while unnamed. The audit trail keeps what it said.
   */
  private async learnName(user: UserKey & { id: string }, placeholder: string, name: string): Promise<void> {
    const userId = user.id;
    const cipher = this.cipher;
    await this.db.$transaction(async (tx) => {
      // The name is sealed, so it is compared once opened, and written only if the row still
      // holds what was read: another request may have learned it first.
      const stored = await tx.user.findUnique({ where: { id: userId }, select: { displayName: true } });
      if (!stored || openDisplayName(cipher, { ...user, displayName: stored.displayName }) !== placeholder)
        return;
      const { count } = await tx.user.updateMany({
        where: { id: userId, displayName: stored.displayName },
        data: { displayName: sealDisplayName(cipher, user, name) },
      });
      if (count === 0) return; // Another request learned it first.
      const assigned = await tx.missingEpisode.findMany({
        where: { interviewerId: userId, interviewerName: { not: null } },
        select: { id: true, interviewerName: true },
      });
      for (const episode of assigned) {
        if (
          cipher.open('MissingEpisode', 'interviewerName', episode.id, episode.interviewerName!) !==
          placeholder
        )
          continue;
        await tx.missingEpisode.update({
          where: { id: episode.id },
          data: { interviewerName: cipher.seal('MissingEpisode', 'interviewerName', episode.id, name) },
        });
      }
      await appendAudit(tx, this.provider, {
        actorId: userId,
        actor: userId,
        surface: 'platform',
        action: 'update',
        recordType: 'user',
        recordId: userId,
        detail: 'name given by the platform replaced the placeholder',
        at: this.clock.now(),
      });
    });
  }

  private enrolAs(identity: Identity): Role | null {
    if (identity.guest) return null;
    const { everyone, workspaces } = this.enrolment;
    return everyone || workspaces.has(workspaceKey(identity)) ? 'practitioner' : null;
  }

  /**
   * Makes sure a user exists with this role and agency (the terminal chat, set-up, tests); a
   * person named in METBOT_ADMINS stays an admin, holding the role asked for as well.
   */
  async ensure(identity: Identity, asked: Role, agencyName: string | null, surface: string): Promise<Actor> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    const listed = this.admins.has(identityKey(key));
    const role = listed ? 'admin' : asked;
    const agency = agencyName
      ? await this.db.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    const name = givenName(identity);
    const sealed = (shown: string) => sealDisplayName(this.cipher, key, shown);
    const data = { role, agencyId: agency?.id ?? null, ...(name && { displayName: sealed(name) }) };
    const user = withDisplayName(
      this.cipher,
      await this.db.user.upsert({
        where: { platform_workspace_platformUserId: key },
        create: { ...key, ...data, displayName: sealed(name ?? placeholderName(identity)) },
        update: data,
        include: { agency: true },
      }),
    );
    this.cache.forgetUser(user.id);
    if (listed && asked !== 'admin') {
      await this.db.userRole.upsert({
        where: { userId_role: { userId: user.id, role: asked } },
        create: { userId: user.id, role: asked, createdAt: this.clock.now() },
        update: {},
      });
    }
    return toActor(user, await rolesOf(this.db, user.id, user.role), surface);
  }

  /**
   * Run at every start-up: the people named in METBOT_ADMINS whom the bot already knows hold the
   * admin role again, even if it was removed since, keeping their other roles. Those it has not
   * met become admins when they first speak. Returns how many were changed.
   */
  /**
   * The person behind a signed-in session, their roles read afresh (not from the cache) so that a
   * role changed on another instance counts at once. Null when they are gone or hold no known role.
   */
  async signedIn(userId: string, surface: string): Promise<Actor | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, include: { agency: true } });
    if (!user || !isRole(user.role)) return null;
    return toActor(withDisplayName(this.cipher, user), await rolesOf(this.db, user.id, user.role), surface);
  }

  /** The user with this platform identity, their name opened, or null if the bot has not met them. */
  known(key: UserKey): Promise<KnownUser | null> {
    return readKnownUser(this.db, this.cipher, key);
  }

  /** The metbot id of someone the platform names, if the bot has met them. */
  async idOf(identity: Pick<Identity, 'platform' | 'workspace' | 'platformUserId'>): Promise<string | null> {
    const { platform, workspace, platformUserId } = identity;
    const user = await this.db.user.findUnique({
      where: { platform_workspace_platformUserId: { platform, workspace, platformUserId } },
      select: { id: true },
    });
    return user?.id ?? null;
  }

  async applyAdmins(): Promise<number> {
    let changed = 0;
    for (const key of this.admins) {
      const user = await this.db.user.findUnique({
        where: { platform_workspace_platformUserId: parseIdentityKey(key) },
      });
      if (!user || (await rolesOf(this.db, user.id, user.role)).includes('admin')) continue;
      await this.db.$transaction(async (tx) => {
        await addRole(tx, user, 'admin', this.clock.now());
        await appendAudit(tx, this.provider, {
          actorId: null,
          actor: 'METBOT_ADMINS',
          surface: 'start-up',
          action: 'update',
          recordType: 'user',
          recordId: user.id,
          detail: `role admin added to ${user.role}`,
          at: this.clock.now(),
        });
      });
      this.cache.forgetUser(user.id);
      changed++;
    }
    return changed;
  }
}

/**
 * Pending grants waiting for this email (lower case): found by its keyed hash under any data key,
 * since the email itself is sealed. One written in clear before (no hash yet, until `keys rotate`)
 * is found by its email as long as SEALED_LEGACY accepts values from before.
 */
export function pendingByEmail(cipher: FieldCipher, email: string) {
  const hashed = { emailHash: { in: cipher.exactHashes(email) } };
  return cipher.legacy === 'refuse' ? hashed : { OR: [hashed, { emailHash: null, email }] };
}

/**
 * Every role a person holds: User.role (shown first) and the further roles in UserRole. Unknown
 * role names are ignored.
 */
export async function rolesOf(db: Db | Tx, userId: string, role: string): Promise<Role[]> {
  const more = await db.userRole.findMany({ where: { userId }, select: { role: true } });
  return rolesInOrder(
    role,
    more.map((r) => r.role),
  );
}

/** User.role first, then the others held, most senior last (the order of `roles`). */
function rolesInOrder(role: string, more: string[]): Role[] {
  const held = new Set([role, ...more]);
  return [role, ...allRoles.filter((r) => r !== role)].filter((r): r is Role => isRole(r) && held.has(r));
}

/**
 * Adds a role: it becomes the one shown first (User.role) and the role shown before is kept in
 * UserRole. Nothing changes if they hold it already. Returns false then.
 */
export async function addRole(
  tx: Tx,
  user: { id: string; role: string },
  role: Role,
  at: Date,
): Promise<boolean> {
  if (user.role === role) return false;
  const existing = await tx.userRole.findUnique({ where: { userId_role: { userId: user.id, role } } });
  if (existing) return false;
  await tx.userRole.upsert({
    where: { userId_role: { userId: user.id, role: user.role } },
    create: { userId: user.id, role: user.role, createdAt: at },
    update: {},
  });
  await tx.user.update({ where: { id: user.id }, data: { role } });
  return true;
}

/**
 * Removes one role. Removing the one shown first puts another in its place. Returns false if they
 * do not hold it; throws if it is their only role.
 */
export async function removeRole(
  tx: Tx,
  user: { id: string; role: string },
  role: Role,
): Promise<'removed' | 'not-held' | 'only-role'> {
  if (user.role !== role) {
    const { count } = await tx.userRole.deleteMany({ where: { userId: user.id, role } });
    return count ? 'removed' : 'not-held';
  }
  const others = (await rolesOf(tx, user.id, user.role)).filter((r) => r !== role);
  // The most senior role left is shown first.
  const next = [...allRoles].reverse().find((r) => others.includes(r));
  if (!next) return 'only-role';
  await tx.userRole.deleteMany({ where: { userId: user.id, role: { in: [next, role] } } });
  await tx.user.update({ where: { id: user.id }, data: { role: next } });
  return 'removed';
}

function toActor(user: KnownUser, roles: Role[], surface: string): Actor {
  if (!isRole(user.role)) throw new Error(`User ${user.id} has an unknown role`);
  return {
    id: user.id,
    displayName: user.displayName,
    role: user.role,
    roles,
    agencyId: user.agencyId,
    agencyName: user.agency?.name ?? null,
    platform: user.platform,
    workspace: user.workspace,
    platformUserId: user.platformUserId,
    surface,
  };
}
