import type { Role } from '../domain/policy';
import { type AuditEntry, appendAudit, appendAuditMany } from '../store/audit';
import type { Provider, Tx } from '../store/database';

/** Who is asking: a known user, on a surface. */
export interface Actor {
  id: string;
  displayName: string;
  /** The role shown first (User.role). */
  role: Role;
  /** Every role the person holds, `role` first: policy checks use them all. */
  roles: readonly Role[];
  agencyId: string | null;
  agencyName: string | null;
  platform: string;
  /** The Slack team or Teams tenant the user belongs to: with platform, it scopes who they can name. */
  workspace: string;
  /** The platform's id for them, where the actor was resolved from their user row. */
  platformUserId?: string;
  surface: string;
}

/** How a platform names a person: platform, workspace or tenant, and the platform's user id. */
export interface Identity {
  platform: string;
  workspace: string;
  platformUserId: string;
  /**
   * The name the platform gave, if it gave one: Teams' install and conversation-update
   * activities carry none. A person first met without one is stored under a placeholder, which
   * the first name given replaces (UserService.resolve).
   */
  displayName?: string;
  /**
   * A person from another organisation met in a shared place (a Slack Connect channel): known
   * if an admin added them, never enrolled.
   */
  guest?: boolean;
  /**
   * Their handle, where the platform gave it in place of a name (Slack's slash commands): a stored
   * handle counts as a placeholder, which the profile's name replaces.
   */
  handle?: string;
  /** Their email, where the platform gives it: a grant made by email waits for it. */
  email?: string;
}

/**
 * How the audit trail names an actor: their metbot id, never their name (names are sealed in the
 * User row and opened where the trail is shown: auditActorNames in src/store/staff-names.ts). The operator at the
 * server's command line is `admin-cli`.
 */
export function auditLabel(actor: Pick<Actor, 'id'>): string {
  return actor.id;
}

/** Several events by one actor, appended in one statement (appendAuditMany). */
export function auditManyAs(
  tx: Tx,
  provider: Provider,
  actor: Actor,
  entries: Omit<AuditEntry, 'actorId' | 'actor' | 'surface'>[],
): Promise<void> {
  const who = { actorId: actor.id, actor: auditLabel(actor), surface: actor.surface };
  return appendAuditMany(
    tx,
    provider,
    entries.map((entry) => ({ ...who, ...entry })),
  );
}

/** Appends an audit event done by this actor, inside the caller's transaction. */
export function auditAs(
  tx: Tx,
  provider: Provider,
  actor: Actor,
  entry: Omit<AuditEntry, 'actorId' | 'actor' | 'surface'>,
): Promise<void> {
  return appendAudit(tx, provider, {
    actorId: actor.id,
    actor: auditLabel(actor),
    surface: actor.surface,
    ...entry,
  });
}
