import type { Audience } from '../domain/alert-rules';
import type { AlertView } from '../domain/alert-view';
import type { Db, Tx } from '../store/database';

/** One place the bot can speak first: a channel, or one person's direct chat. */
export interface SurfaceTarget {
  platform: string;
  kind: 'channel' | 'user';
  /** A channel or conversation id, or the platform's user id. */
  key: string;
  /** The platform's own address (a Teams conversation reference), as stored. */
  address: string | null;
}

/** Where an alert was posted, to update it in place. */
export interface AlertPost {
  platform: string;
  key: string;
  messageId: string;
}

/**
 * What a place does when the bot speaks first (Slack, Teams, the duty mailbox): post an alert
 * (with Acknowledge and View details buttons where the platform has them), update it in place,
 * and tell one person something.
 */
export interface Surface {
  platform: string;
  /**
   * False when the platform lets the bot write to a person only in a conversation it has stored
   * (Teams: the person must have spoken to the bot first). Such a person is not reachable until then.
   */
  readonly opensDirectChats?: boolean;
  postAlert(target: SurfaceTarget, view: AlertView): Promise<AlertPost>;
  updateAlert(post: AlertPost, view: AlertView): Promise<void>;
  tell(target: SurfaceTarget, text: string): Promise<void>;
}

export type Surfaces = Map<string, Surface>;

/** A user's direct chat on their own platform: a stored personal address, or their user id. */
export async function userTargets(
  db: Db | Tx,
  surfaces: Surfaces,
  where: { role?: string; id?: string },
): Promise<SurfaceTarget[]> {
  // A role may be held as the one shown first (User.role) or as a further role (UserRole).
  const more = where.role
    ? (await db.userRole.findMany({ where: { role: where.role }, select: { userId: true } })).map(
        (r) => r.userId,
      )
    : [];
  const { role, ...rest } = where;
  const users = await db.user.findMany({
    where: {
      ...rest,
      ...(role && { OR: [{ role }, { id: { in: more } }] }),
      platform: { in: [...surfaces.keys()] },
    },
  });
  const personal = await db.chatAddress.findMany({
    where: { userId: { in: users.map((u) => u.id) }, kind: 'personal', removedAt: null },
  });
  return users.flatMap((user) => {
    const address = personal.find((p) => p.userId === user.id && p.platform === user.platform);
    // Someone the platform cannot be written to yet is not a target: an alert must not count them
    // as reached, nor escalate to them.
    if (!address && surfaces.get(user.platform)?.opensDirectChats === false) return [];
    return [
      {
        platform: user.platform,
        kind: 'user' as const,
        key: address?.key ?? user.platformUserId,
        address: address?.address ?? null,
      },
    ];
  });
}

/** Who an audience means, on the surfaces that are on: an audience with none cannot be reached. */
export async function audienceTargets(
  db: Db | Tx,
  surfaces: Surfaces,
  audience: Audience,
  subjectUserId: string | null,
): Promise<SurfaceTarget[]> {
  switch (audience) {
    case 'duty':
    case 'met-coordinator': {
      const places = await db.chatAddress.findMany({
        where: { purpose: audience, removedAt: null, platform: { in: [...surfaces.keys()] } },
        orderBy: { createdAt: 'asc' },
      });
      if (places.length || audience === 'duty') {
        return places.map((c) => ({ platform: c.platform, kind: 'channel', key: c.key, address: c.address }));
      }
      return userTargets(db, surfaces, { role: 'met-member' });
    }
    case 'interviewer':
      return subjectUserId ? userTargets(db, surfaces, { id: subjectUserId }) : [];
    case 'admins':
      return userTargets(db, surfaces, { role: 'admin' });
    default:
      // The lead professional is recorded as a name on the MET list, not as a user: not reachable.
      return [];
  }
}
