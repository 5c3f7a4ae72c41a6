import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor, Identity } from '../access/actor';
import { NotPossibleError } from '../access/refusal';
import { type Clock, DAY, systemClock } from '../domain/clock';
import { isRole, type Role, roles } from '../domain/policy';
import { appendAudit } from '../store/audit';
import type { Db, Provider } from '../store/database';
import type { UserService } from './users.service';

/** Tokens read `mbt_` and 43 base64url characters (32 random bytes). */
const PREFIX = 'mbt_';
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/;

export const ApiTokenSettingsSchema = z.object({
  /** Days a new token works for; a token made before tokens expired counts from when it was made. */
  API_TOKEN_DAYS: z.coerce
    .number({ error: 'a whole number of days' })
    .int('a whole number of days')
    .min(1, 'at least 1')
    .max(366, 'at most 366')
    .default(90),
});

/** The role a token gets unless the admin names another with --allow-role: it sees only its own records. */
export const DEFAULT_TOKEN_ROLE: Role = 'practitioner';

export interface ApiTokenInfo {
  name: string;
  role: string;
  agency: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  expiresAt: Date;
}

/** Who did it, for the audit trail: the admin command line has no signed-in user. */
export interface AdminActor {
  name: string;
  surface: string;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The user an API token acts as: one per token, named after it. */
export function apiIdentity(name: string): Identity {
  return { platform: 'api', workspace: 'token', platformUserId: name, displayName: `${name} (API)` };
}

/**
 * Bearer tokens for partner systems and scripts. A token is shown once, when it is made; only its
 * SHA-256 hash is kept (a token is 256 random bits, so a plain hash is enough: no salt or slow hash
 * is needed against guessing). Each token acts as its own user, with the token's role and agency.
 */
export class ApiTokenService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly users: UserService,
    private readonly clock: Clock = systemClock,
    private readonly tokenDays = 90,
  ) {}

  private expiryOf(token: { createdAt: Date; expiresAt: Date | null }): Date {
    return token.expiresAt ?? new Date(token.createdAt.getTime() + this.tokenDays * DAY);
  }

  /**
   * `allowRole` must name the role when it is not practitioner: a token that can read every record
   * by its sequential reference is a deliberate choice, written into the command that makes it.
   */
  async create(
    by: AdminActor,
    input: { name: string; role: string; agency: string; allowRole?: string },
  ): Promise<{ token: string; actor: Actor; expiresAt: Date }> {
    const name = input.name.trim();
    const agency = input.agency.trim();
    if (!namePattern.test(name)) {
      throw new NotPossibleError('A token name is 2 to 63 letters, digits, dots, dashes or underscores.');
    }
    if (!isRole(input.role)) throw new NotPossibleError(`The role must be one of ${roles.join(', ')}.`);
    if (input.role !== DEFAULT_TOKEN_ROLE && input.allowRole !== input.role) {
      throw new NotPossibleError(
        `A token is a ${DEFAULT_TOKEN_ROLE} unless you mean otherwise: to make one that is ${input.role}, add --allow-role ${input.role}.`,
      );
    }
    if (!agency) throw new NotPossibleError('Please give the agency the token acts for.');
    const existing = await this.db.apiToken.findUnique({ where: { name } });
    if (existing && !existing.revokedAt) {
      throw new NotPossibleError(`A token named ${name} already exists. Revoke it first to make a new one.`);
    }
    const actor = await this.users.ensure(apiIdentity(name), input.role as Role, agency, 'api');
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const data = {
      role: input.role,
      agencyId: actor.agencyId,
      tokenHash: hashOf(token),
      createdAt: now,
      revokedAt: null,
      expiresAt: new Date(now.getTime() + this.tokenDays * DAY),
    };
    await this.db.$transaction(async (tx) => {
      // A revoked name may be used again: the row is reused, so the name stays unique.
      const saved = existing
        ? await tx.apiToken.update({ where: { id: existing.id }, data })
        : await tx.apiToken.create({ data: { name, ...data } });
      await appendAudit(tx, this.provider, {
        actorId: null,
        actor: by.name,
        surface: by.surface,
        action: 'create',
        recordType: 'api-token',
        recordId: saved.id,
        detail: `${name}: ${input.role}, ${agency}, until ${data.expiresAt.toISOString().slice(0, 10)}`,
        at: now,
      });
    });
    return { token, actor, expiresAt: data.expiresAt };
  }

  async revoke(by: AdminActor, name: string): Promise<void> {
    const token = await this.db.apiToken.findUnique({ where: { name: name.trim() } });
    if (!token || token.revokedAt) throw new NotPossibleError(`There is no token named ${name} in use.`);
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: now } });
      await appendAudit(tx, this.provider, {
        actorId: null,
        actor: by.name,
        surface: by.surface,
        action: 'update',
        recordType: 'api-token',
        recordId: token.id,
        detail: `revoked ${token.name}`,
        at: now,
      });
    });
  }

  async list(): Promise<ApiTokenInfo[]> {
    const tokens = await this.db.apiToken.findMany({ orderBy: { name: 'asc' } });
    const agencies = await this.db.agency.findMany({
      where: { id: { in: tokens.flatMap((t) => (t.agencyId ? [t.agencyId] : [])) } },
    });
    const names = new Map(agencies.map((a) => [a.id, a.name]));
    return tokens.map((t) => ({
      name: t.name,
      role: t.role,
      agency: t.agencyId ? (names.get(t.agencyId) ?? null) : null,
      createdAt: t.createdAt,
      revokedAt: t.revokedAt,
      expiresAt: this.expiryOf(t),
    }));
  }

  /** The user a bearer token acts as, or null for a token that is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Actor | null> {
    if (!token.startsWith(PREFIX)) return null;
    const found = await this.db.apiToken.findUnique({ where: { tokenHash: hashOf(token) } });
    if (!found || found.revokedAt || !isRole(found.role)) return null;
    if (this.expiryOf(found) <= this.clock.now()) return null;
    const identity = apiIdentity(found.name);
    const user = await this.users.known(identity);
    if (!user) {
      const agency = found.agencyId
        ? await this.db.agency.findUnique({ where: { id: found.agencyId } })
        : null;
      return this.users.ensure(identity, found.role, agency?.name ?? null, 'api');
    }
    return {
      id: user.id,
      displayName: user.displayName,
      role: found.role,
      roles: [found.role],
      agencyId: user.agencyId,
      agencyName: user.agency?.name ?? null,
      platform: 'api',
      workspace: identity.workspace,
      surface: 'api',
    };
  }
}
