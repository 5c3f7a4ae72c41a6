import type { Clock } from '../domain/clock';
import { maySeeRecord } from '../domain/policy';
import type { Db, Provider } from '../store/database';
import { type Actor, auditAs } from './actor';
import { authorise, NotPossibleError } from './refusal';

/** The return-interview workflow beyond the forms: who will do it. */
export class InterviewService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
  ) {}

  /**
   * Assigns the interviewer of a returned child's episode: a user of the bot (who then gets the
   * 48- and 72-hour reminders) or a name. They must be independent of the child's placement.
   */
  async assign(
    actor: Actor,
    reference: string,
    interviewer: { userId: string | null; name: string },
  ): Promise<{ reference: string; name: string }> {
    authorise(actor, 'assign-interviewer');
    const record = await this.db.record.findUnique({ where: { reference: reference.toUpperCase() } });
    const episode =
      record && (await this.db.missingEpisode.findUnique({ where: { missingRecordId: record.id } }));
    if (!record || !episode || !maySeeRecord(actor.roles, actor.id, record.submittedById)) {
      throw new NotPossibleError(`I can't find a missing report ${reference}.`);
    }
    if (episode.interviewCompletedAt || episode.interviewOutcome) {
      throw new NotPossibleError(`${record.reference} already has its interview recorded.`);
    }
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await tx.missingEpisode.update({
        where: { id: episode.id },
        data: { interviewerId: interviewer.userId, interviewerName: interviewer.name },
      });
      await tx.alert.updateMany({
        where: { recordId: record.id, rule: { startsWith: 'interview-' }, acknowledgedAt: null },
        data: { subjectUserId: interviewer.userId },
      });
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'missing-episode',
        recordId: episode.id,
        detail: 'interviewer assigned',
        at: now,
      });
    });
    return { reference: record.reference, name: interviewer.name };
  }

  /** The user a chat mention names: `<@U123>` in Slack, `@id` in the terminal. */
  async userByMention(
    actor: Pick<Actor, 'platform' | 'workspace'>,
    mention: string,
  ): Promise<{ id: string; name: string } | null> {
    const id =
      /^<@([A-Za-z0-9._-]+)(?:\|[^>]*)?>$/.exec(mention)?.[1] ?? /^@([A-Za-z0-9._-]+)$/.exec(mention)?.[1];
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
    return user ? { id: user.id, name: user.displayName } : null;
  }
}
