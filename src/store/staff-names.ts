import type { Db, Tx } from './database';
import type { FieldCipher } from './field-crypto';

/** A user's platform identity: the key their row is upserted by, and so what their name is bound to. */
export interface UserKey {
  platform: string;
  workspace: string;
  platformUserId: string;
}

/**
 * A staff member's display name is sealed in `User.displayName`, bound to their platform identity
 * (`platform|workspace|platformUserId`) rather than to the id: a user is upserted by that key, so
 * the name is sealed before the row's id is known (as a draft conversation is bound to its key).
 */
export function userBinding(user: UserKey): string {
  return `${user.platform}|${user.workspace}|${user.platformUserId}`;
}

export function sealDisplayName(cipher: FieldCipher, user: UserKey, name: string): string {
  return cipher.seal('User', 'displayName', userBinding(user), name);
}

/** The name as shown; a name stored in clear before it was sealed reads as it is (SEALED_LEGACY). */
export function openDisplayName(cipher: FieldCipher, user: UserKey & { displayName: string }): string {
  return cipher.open('User', 'displayName', userBinding(user), user.displayName);
}

/** The row with its name opened. */
export function withDisplayName<T extends UserKey & { displayName: string }>(
  cipher: FieldCipher,
  user: T,
): T {
  return { ...user, displayName: openDisplayName(cipher, user) };
}

/** The names of these users, opened, by id (one query); an id with no user is left out. */
export async function displayNames(
  db: Db | Tx,
  cipher: FieldCipher,
  ids: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, platform: true, workspace: true, platformUserId: true, displayName: true },
  });
  return new Map(users.map((user) => [user.id, openDisplayName(cipher, user)]));
}

/**
 * Who each audit event names, as the trail shows it to someone entitled to read it: the user's
 * name, opened from their row, for an event by a user; otherwise the event's own label ("system",
 * "admin command line", an API token's name). The events themselves hold ids, not names.
 */
export async function auditActorNames(
  db: Db | Tx,
  cipher: FieldCipher,
  events: readonly { actorId: string | null; actor: string }[],
): Promise<(event: { actorId: string | null; actor: string }) => string> {
  const names = await displayNames(
    db,
    cipher,
    events.flatMap((event) => (event.actorId ? [event.actorId] : [])),
  );
  return (event) => (event.actorId && names.get(event.actorId)) || event.actor;
}
