import { z } from 'zod';
import { type Actor, auditAs } from '../access/actor';
import type { Clock } from '../domain/clock';
import { identityKey } from '../domain/identity-key';
import type { Db, Provider, Tx } from '../store/database';
import type { AssignedBefore } from '../store/due-interviews';
import type { FieldCipher } from '../store/field-crypto';

const Email = z.email();

export function pointRemindersAt(tx: Tx, recordId: string, userId: string | null) {
  return tx.alert.updateMany({
    where: { recordId, rule: { startsWith: 'interview-' }, acknowledgedAt: null },
    data: { subjectUserId: userId },
  });
}

/** Who an assignment made before someone used the bot names (see AssignedBefore). */
export type AssignedAs = AssignedBefore;

/**
 * How assignments made before this person used the bot name them. Their platform id comes with
 * the actor when it was resolved (UserService), else from their user row. A terminal user id that
 * is an email address counts as their email. Null for someone no longer known.
 */
export async function assignedAs(
  db: Db,
  cipher: FieldCipher,
  actor: Actor & { email?: string | null },
): Promise<AssignedAs | null> {
  const user = actor.platformUserId
    ? { platform: actor.platform, workspace: actor.workspace, platformUserId: actor.platformUserId }
    : await db.user.findUnique({ where: { id: actor.id } });
  if (!user) return null;
  const emails = [actor.email, user.platformUserId]
    .filter((e): e is string => !!e && Email.safeParse(e).success)
    .map((e) => e.toLowerCase());
  const handle = identityKey(user);
  return {
    handleHashes: cipher.exactHashes(`handle:${handle}`),
    emailHashes: emails.flatMap((email) => cipher.exactHashes(`email:${email}`)),
    // Assignments written in clear before issue 17 are matched in clear until keys rotate seals them.
    ...(cipher.legacy === 'accept' && { clear: { handle, emails } }),
  };
}

/**
 * An interviewer not met yet, as stored: the email and identity key sealed, bound to the episode,
 * and beside each its keyed exact hash, which is what is matched.
 */
export function sealedAssignee(
  cipher: FieldCipher,
  episodeId: string,
  { email, handle }: { email: string | null; handle: string | null },
) {
  return {
    interviewerEmail: email && cipher.seal('MissingEpisode', 'interviewerEmail', episodeId, email),
    interviewerEmailHash: email && cipher.exactHash(`email:${email}`),
    interviewerHandle: handle && cipher.seal('MissingEpisode', 'interviewerHandle', episodeId, handle),
    interviewerHandleHash: handle && cipher.exactHash(`handle:${handle}`),
  };
}

/** True for an episode assigned to this person before they used the bot and not yet claimed. */
export function isAssignedTo(
  who: AssignedAs,
  episode: {
    interviewerId: string | null;
    interviewerHandle: string | null;
    interviewerEmail: string | null;
    interviewerHandleHash: string | null;
    interviewerEmailHash: string | null;
  },
): boolean {
  if (episode.interviewerId !== null) return false;
  const { handleHashes, emailHashes, clear } = who;
  return (
    (episode.interviewerHandleHash !== null && handleHashes.includes(episode.interviewerHandleHash)) ||
    (episode.interviewerEmailHash !== null && emailHashes.includes(episode.interviewerEmailHash)) ||
    (clear !== undefined &&
      ((episode.interviewerHandleHash === null && episode.interviewerHandle === clear.handle) ||
        (episode.interviewerEmailHash === null &&
          episode.interviewerEmail !== null &&
          clear.emails.includes(episode.interviewerEmail))))
  );
}

type ClaimDeps = { db: Db; provider: Provider; clock: Clock; cipher: FieldCipher };

/**
 * Episodes assigned to this person before they used the bot, by their platform id or email,
 * become theirs. Called whenever they ask for their interviews (the interview form, `due`), so
 * "when they first appear" needs no hook in enrolment. Reminders raised meanwhile are pointed at
 * them too.
 */
export async function claimAssignedInterviews(
  deps: ClaimDeps,
  actor: Actor & { email?: string | null },
): Promise<number> {
  const who = await assignedAs(deps.db, deps.cipher, actor);
  if (!who) return 0;
  const { handleHashes, emailHashes, clear } = who;
  const pending = await deps.db.missingEpisode.findMany({
    where: {
      interviewerId: null,
      OR: [
        { interviewerHandleHash: { in: handleHashes } },
        ...(emailHashes.length ? [{ interviewerEmailHash: { in: emailHashes } }] : []),
        ...(clear
          ? [
              { interviewerHandleHash: null, interviewerHandle: clear.handle },
              ...(clear.emails.length
                ? [{ interviewerEmailHash: null, interviewerEmail: { in: clear.emails } }]
                : []),
            ]
          : []),
      ],
    },
  });
  return (await claimEpisodes(deps, actor, pending)).size;
}

/**
 * Makes these episodes, found assigned to this person before they used the bot, theirs: the
 * interviewer, the reminders, the audit trail. Returns each episode's interviewer name as stored.
 */
export async function claimEpisodes(
  deps: ClaimDeps,
  actor: Actor,
  pending: { id: string; missingRecordId: string }[],
): Promise<Map<string, string>> {
  const { db, provider, clock, cipher } = deps;
  const names = new Map<string, string>();
  if (pending.length === 0) return names;
  const now = clock.now();
  await db.$transaction(async (tx) => {
    for (const episode of pending) {
      const interviewerName = cipher.seal('MissingEpisode', 'interviewerName', episode.id, actor.displayName);
      await tx.missingEpisode.update({
        where: { id: episode.id },
        data: { interviewerId: actor.id, interviewerName },
      });
      await pointRemindersAt(tx, episode.missingRecordId, actor.id);
      await auditAs(tx, provider, actor, {
        action: 'update',
        recordType: 'missing-episode',
        recordId: episode.id,
        detail: 'assigned interviewer matched',
        at: now,
      });
      names.set(episode.id, interviewerName);
    }
  });
  return names;
}

/** Still to do: no interview completed (a decline or "not yet" keeps it open: keep offering). */
export function interviewOpen() {
  return {
    returnedAt: { not: null },
    interviewCompletedAt: null,
    OR: [{ interviewOutcome: null }, { interviewOutcome: { not: 'completed' } }],
  };
}

/** Who an `assign` names: a user of the bot, someone not met yet (by platform id or email), or a name. */
export type Assignee =
  | { userId: string; name: string }
  | { handle: string; name: string }
  | { email: string }
  | { name: string };
