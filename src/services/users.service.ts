import type { Role } from '../domain/policy';
import { isRole } from '../domain/policy';
import type { Db } from '../store/database';
import type { Actor, Identity } from './actor';

export class UserService {
  constructor(
    private readonly db: Db,
    /** The role given to someone the bot has not met, or null to refuse strangers. */
    private readonly enrolAs: Role | null,
    /** Platform user ids that are admins from the start (METBOT_ADMINS). */
    private readonly admins: ReadonlySet<string> = new Set(),
  ) {}

  /** The known user behind an identity, enrolling them if the bot is set to; null if unknown. */
  async resolve(identity: Identity, surface: string): Promise<Actor | null> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    let user = await this.db.user.findUnique({
      where: { platform_workspace_platformUserId: key },
      include: { agency: true },
    });
    const bootstrapAdmin = this.admins.has(identity.platformUserId);
    if (!user) {
      const role = bootstrapAdmin ? 'admin' : this.enrolAs;
      if (!role) return null;
      user = await this.db.user.upsert({
        where: { platform_workspace_platformUserId: key },
        create: { ...key, displayName: identity.displayName, role },
        update: {},
        include: { agency: true },
      });
    }
    return toActor(user, surface);
  }

  /** Makes sure a user exists with this role and agency (the terminal chat, set-up, tests). */
  async ensure(identity: Identity, role: Role, agencyName: string | null, surface: string): Promise<Actor> {
    const key = {
      platform: identity.platform,
      workspace: identity.workspace,
      platformUserId: identity.platformUserId,
    };
    const agency = agencyName
      ? await this.db.agency.upsert({ where: { name: agencyName }, create: { name: agencyName }, update: {} })
      : null;
    const data = { displayName: identity.displayName, role, agencyId: agency?.id ?? null };
    const user = await this.db.user.upsert({
      where: { platform_workspace_platformUserId: key },
      create: { ...key, ...data },
      update: data,
      include: { agency: true },
    });
    return toActor(user, surface);
  }
}

function toActor(
  user: {
    id: string;
    displayName: string;
    role: string;
    agencyId: string | null;
    platform: string;
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
    surface,
  };
}
