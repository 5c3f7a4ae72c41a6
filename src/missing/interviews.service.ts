import { z } from 'zod';
import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import type { Clock } from '../domain/clock';
import { identityKey } from '../domain/identity-key';
import { notIndependent } from '../domain/independence';
import { maySeeRecord } from '../domain/policy';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { openDisplayName } from '../store/staff-names';
import { type Assignee, pointRemindersAt, sealedAssignee } from './interview-claims';

export type { AssignedAs, Assignee } from './interview-claims';
export {
  assignedAs,
  claimAssignedInterviews,
  claimEpisodes,
  interviewOpen,
  isAssignedTo,
  sealedAssignee,
} from './interview-claims';

const Email = z.email();

/** The return-interview workflow beyond the forms: who will do it, and what they have to do. */
export class InterviewService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * Assigns the interviewer of a returned child's episode: a user of the bot (who then gets the
   * 48- and 72-hour reminders), someone not on the bot yet (matched when they first appear), or a
   * name. They must be independent of the child's placement.
   */
  async assign(actor: Actor, reference: string, who: Assignee): Promise<{ reference: string; name: string }> {
    authorise(actor, 'assign-interviewer');
    const record = await this.db.record.findUnique({ where: { reference: reference.toUpperCase() } });
    const episode =
      record && (await this.db.missingEpisode.findUnique({ where: { missingRecordId: record.id } }));
    if (!record || !episode || !maySeeRecord(actor.roles, actor.id, record.submittedById)) {
      throw new NotPossibleError(`I can't find a missing report ${reference}.`);
    }
    if (episode.interviewCompletedAt || episode.interviewOutcome === 'completed') {
      throw new NotPossibleError(`${record.reference} already has its interview recorded.`);
    }
    const email = 'email' in who ? who.email.toLowerCase() : null;
    const name = 'name' in who ? who.name : email!;
    const clash = notIndependent({ name, email }, this.carerName(episode.id, episode.carerNameEnc));
    if (clash) throw new NotPossibleError(clash);
    const userId = 'userId' in who ? who.userId : null;
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await tx.missingEpisode.update({
        where: { id: episode.id },
        data: {
          interviewerId: userId,
          interviewerName: this.cipher.sealOptional('MissingEpisode', 'interviewerName', episode.id, name),
          ...sealedAssignee(this.cipher, episode.id, { email, handle: 'handle' in who ? who.handle : null }),
        },
      });
      await this.pointRemindersAt(tx, record.id, userId);
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'missing-episode',
        recordId: episode.id,
        detail: 'interviewer assigned',
        at: now,
      });
    });
    return { reference: record.reference, name };
  }

  /**
   * Reads what `assign` was given: a Slack or Teams mention or `@id` of someone known, the same of
   * someone not met yet, an email address, or a plain name.
   */
  async assigneeOf(actor: Pick<Actor, 'platform' | 'workspace'>, said: string): Promise<Assignee> {
    const email = Email.safeParse(said.trim());
    if (email.success) return { email: email.data };
    const known = await this.userByMention(actor, said);
    if (known) return { userId: known.id, name: known.name };
    const id = mentionedId(said);
    if (id) {
      const handle = identityKey({
        platform: actor.platform,
        workspace: actor.workspace,
        platformUserId: id,
      });
      return { handle, name: said.trim() };
    }
    return { name: said.trim() };
  }

  /** The user a chat mention names: `<@U123>` in Slack, `@id` in the terminal. */
  async userByMention(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    mention: string,
  ): Promise<{ id: string; name: string } | null> {
    const id = mentionedId(mention);
    if (!id) return null;
    // Someone in the actor's own workspace: the same id in another workspace is another person.
    const user = await this.db.user.findUnique({
      where: {
        platform_workspace_platformUserId: {
          platform: actor.platform,
          workspace: actor.workspace,
          platformUserId: id,
        },
      },
    });
    return user ? { id: user.id, name: openDisplayName(this.cipher, user) } : null;
  }

  private pointRemindersAt(tx: Tx, recordId: string, userId: string | null): Promise<unknown> {
    return pointRemindersAt(tx, recordId, userId);
  }

  private carerName(episodeId: string, stored: string | null): string | null {
    return this.cipher.openOptional('MissingEpisode', 'carerNameEnc', episodeId, stored);
  }
}

function mentionedId(mention: string): string | undefined {
  const said = mention.trim();
  return /^<@([A-Za-z0-9._:-]+)(?:\|[^>]*)?>$/.exec(said)?.[1] ?? /^@([A-Za-z0-9._:-]+)$/.exec(said)?.[1];
}
