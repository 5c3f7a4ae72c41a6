import type { Db } from './database';
import type { FieldCipher } from './field-crypto';
import { openDisplayName } from './staff-names';

/** A user as the hot path reads them: their row (name opened), their agency's name and every extra role. */
export interface KnownUserRow {
  id: string;
  displayName: string;
  role: string;
  agencyId: string | null;
  platform: string;
  workspace: string;
  platformUserId: string;
  agency: { name: string } | null;
  /** The roles held beside User.role (UserRole), in no order. */
  moreRoles: string[];
}

/**
 * The user with this platform identity, their agency and their roles, in one statement: what
 * resolving a person reads whenever the people cache has lapsed (issue 20: through the model API
 * it was three queries, each compiled anew).
 */
export async function readKnownUser(
  db: Db,
  cipher: FieldCipher,
  key: { platform: string; workspace: string; platformUserId: string },
): Promise<KnownUserRow | null> {
  const rows = await db.$queryRaw<(Omit<KnownUserRow, 'agency' | 'moreRoles'> & Joined)[]>`
    SELECT u."id", u."displayName", u."role", u."agencyId", u."platform", u."workspace",
           u."platformUserId", a."name" AS "agencyName", r."role" AS "moreRole"
    FROM "User" u
    LEFT JOIN "Agency" a ON a."id" = u."agencyId"
    LEFT JOIN "UserRole" r ON r."userId" = u."id"
    WHERE u."platform" = ${key.platform} AND u."workspace" = ${key.workspace}
      AND u."platformUserId" = ${key.platformUserId}`;
  const [first] = rows;
  if (!first) return null;
  const { agencyName, moreRole: _, ...user } = first;
  return {
    ...user,
    displayName: openDisplayName(cipher, user),
    agency: agencyName === null ? null : { name: agencyName },
    moreRoles: rows.flatMap((row) => (row.moreRole === null ? [] : [row.moreRole])),
  };
}

interface Joined {
  agencyName: string | null;
  moreRole: string | null;
}
