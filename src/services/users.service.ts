import type { Clock } from '../domain/clock';
import { identityKey, parseIdentityKey, workspaceKey } from '../domain/identity-key';
import type { Role } from '../domain/policy';
import { isRole } from '../domain/policy';
import { appendAudit } from '../store/audit';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import type { Actor, Identity } from './actor';
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
  /** Opens and reseals the interviewer's name on episodes assigned while the user was unnamed. */
  cipher?: FieldCipher;
  /** The people resolved in the last few seconds (shared with AdminService, which drops changed roles). */
  cache?: PeopleCache;
}

export class UserService {
  private readonly clock: Clock;
  private readonly enrolment: Enrolment;
  private readonly admins: ReadonlySet<string>;
  private readonly cipher: FieldCipher | undefined;
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

  /** The known user behind an identity, enrolling them if the bot is set to; null if unknown. */
  async resolve(identity: Identity, surface: string): Promise<Actor | null> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    const cacheKey = identityKey(key);
    const name = givenName(identity);
    const cached = this.cache.get(cacheKey);
    // A name to learn goes the long way, once: the placeholder is replaced where it is stored.
    if (
      cached &&
      !(name && name !== cached.displayName && cached.displayName === placeholderName(identity))
    ) {
      return toActor(cached, surface);
    }
    let user: KnownUser | null = await this.db.user.findUnique({
      where: { platform_workspace_platformUserId: key },
      include: { agency: true },
    });
    if (!user) {
      const role = this.admins.has(identityKey(key)) ? 'admin' : this.enrolAs(identity);
      if (!role) return null;
      user = await this.db.user.upsert({
        where: { platform_workspace_platformUserId: key },
        create: { ...key, displayName: givenName(identity) ?? placeholderName(identity), role },
        update: {},
        include: { agency: true },
      });
    }
    if (name && name !== user.displayName && user.displayName === placeholderName(identity)) {
      await this.learnName(user.id, user.displayName, name);
      user = { ...user, displayName: name };
    }
    const actor = toActor(user, surface);
    this.cache.set(cacheKey, user);
    return actor;
  }

  /**
   * The first name a platform gives replaces the placeholder wherever it is stored: the user, and
   * the return interviews they were assigned while unnamed. The audit trail keeps what it said.
   */
  private async learnName(userId: string, placeholder: string, name: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: userId, displayName: placeholder },
        data: { displayName: name },
      });
      if (count === 0) return; // Another request learned it first.
      // The name is sealed in each row, so it is compared once opened, not in the query.
      const cipher = this.cipher;
      const assigned = cipher
        ? await tx.missingEpisode.findMany({
            where: { interviewerId: userId, interviewerName: { not: null } },
            select: { id: true, interviewerName: true },
          })
        : [];
      for (const episode of assigned) {
        if (
          cipher!.open('MissingEpisode', 'interviewerName', episode.id, episode.interviewerName!) !==
          placeholder
        )
          continue;
        await tx.missingEpisode.update({
          where: { id: episode.id },
          data: { interviewerName: cipher!.seal('MissingEpisode', 'interviewerName', episode.id, name) },
        });
      }
      await appendAudit(tx, this.provider, {
        actorId: userId,
        actor: name,
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
   * person named in METBOT_ADMINS stays an admin whatever role is asked for.
   */
  async ensure(identity: Identity, asked: Role, agencyName: string | null, surface: string): Promise<Actor> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    const role = this.admins.has(identityKey(key)) ? 'admin' : asked;
    const agency = agencyName
      ? await this.db.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    const name = givenName(identity);
    const data = { role, agencyId: agency?.id ?? null, ...(name && { displayName: name }) };
    const user = await this.db.user.upsert({
      where: { platform_workspace_platformUserId: key },
      create: { ...key, ...data, displayName: name ?? placeholderName(identity) },
      update: data,
      include: { agency: true },
    });
    this.cache.forgetUser(user.id);
    return toActor(user, surface);
  }

  /**
   * Run at every start-up: the people named in METBOT_ADMINS whom the bot already knows become
   * admins again, even if their role was changed since. Those it has not met become admins when
   * they first speak. Returns how many were changed.
   */
  async applyAdmins(): Promise<number> {
    let changed = 0;
    for (const key of this.admins) {
      const user = await this.db.user.findUnique({
        where: { platform_workspace_platformUserId: parseIdentityKey(key) },
      });
      if (!user || user.role === 'admin') continue;
      await this.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { role: 'admin' } });
        await appendAudit(tx, this.provider, {
          actorId: null,
          actor: 'METBOT_ADMINS',
          surface: 'start-up',
          action: 'update',
          recordType: 'user',
          recordId: user.id,
          detail: `role ${user.role} → admin`,
          at: this.clock.now(),
        });
      });
      this.cache.forgetUser(user.id);
      changed++;
    }
    return changed;
  }
}

function toActor(
  user: {
    id: string;
    displayName: string;
    role: string;
    agencyId: string | null;
    platform: string;
    workspace: string;
    agency: { name: string } | null;
  },
  surface: string,
): Actor {
  if (!isRole(user.role)) throw new Error(`User ${user.id} has an unknown role`);
  return {
    id: user.id,
    displayName: user.displayName,
    role: user.role,
    agencyId: user.agencyId,
    agencyName: user.agency?.name ?? null,
    platform: user.platform,
    workspace: user.workspace,
    surface,
  };
}
