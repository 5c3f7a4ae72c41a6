import type { Role } from '../domain/policy';
import type { DeliveryRoutes } from '../outbox/enqueue';
import type { FieldCipher } from '../store/field-crypto';

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

/** Whom a grant names: a user's id, or a platform identity (platform id or email) in a workspace. */
export interface Who {
  userId?: string;
  platform?: string;
  workspace?: string;
  platformUserId?: string;
  email?: string;
  /** How the admin named them (a name, an email), for the answer when the bot has not met them. */
  label?: string;
  /** How to name them again in a command (`admin confirm …`). */
  mention?: string;
}

export interface GrantResult {
  name: string;
  role: Role;
  /** Every role they hold now (for a proposal or one already held: the roles they hold). */
  held: Role[];
  /** Waits for a MET group member's confirmation. */
  proposed: boolean;
  /** The bot has not met them: it takes effect when they first speak. */
  pending: boolean;
  /** How to name them in `admin confirm`, for someone not met yet. */
  mention?: string;
  /** They hold the role already: nothing changed. */
  already: boolean;
}

export interface RevokeResult {
  name: string;
  role: Role;
  outcome: 'removed' | 'not-held' | 'only-role' | 'last-admin';
  /** Every role they hold now. */
  held: Role[];
}
