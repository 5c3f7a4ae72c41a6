import type { AlertView } from '../../src/alerts/alerts.service';
import type { AlertPost, Surface, SurfaceTarget } from '../../src/alerts/surfaces';
import { text } from '../../src/conversation/reply';
import type { Logger } from '../../src/logger';
import { alertActivity } from './alert-cards';
import type { Proactive, ProactiveResult } from './proactive';

const why = (result: ProactiveResult) =>
  result.delivered ? 'delivered' : `${result.reason}${result.status ? ` (${result.status})` : ''}`;

/**
 * How the bot speaks first in Teams: alert cards in a stored conversation (a channel, or a
 * person's personal chat), replaced in place when acknowledged or escalated, and text for one
 * person. A failure worth retrying is thrown: the outbox tries again later.
 */
export class TeamsAlertSurface implements Surface {
  readonly platform = 'teams';
  // Teams writes to a person only in a personal chat the bot has stored (they spoke to it first).
  readonly opensDirectChats = false;

  constructor(
    private readonly proactive: Proactive,
    private readonly log: Logger,
  ) {}

  async postAlert(target: SurfaceTarget, view: AlertView): Promise<AlertPost> {
    // Teams has no way to write to a person the bot has no conversation with.
    if (!target.address) throw new Error(`Teams: no conversation is stored for this ${target.kind}`);
    const posted = await this.proactive.post(target.key, alertActivity(view));
    if (!posted.delivered) throw new Error(`Teams: the alert was not posted: ${why(posted)}`);
    // Teams always answers with the new message's id; without one the card cannot be updated later.
    if (!posted.id) this.log.warn({ alertId: view.id }, 'Teams: no id for a posted alert');
    return { platform: this.platform, key: target.key, messageId: posted.id ?? '' };
  }

  async updateAlert(post: AlertPost, view: AlertView): Promise<void> {
    if (!post.messageId) return;
    const result = await this.proactive.update(post.key, post.messageId, alertActivity(view));
    if (result.delivered) return;
    if (result.reason === 'failed') throw new Error(`Teams: the alert was not updated: ${why(result)}`);
    // Removed from that conversation (or it is gone): there is nothing there to update any more.
    this.log.warn({ alertId: view.id, reason: result.reason }, 'Teams: an alert could not be updated');
  }

  /** A personal chat if the bot has one with the person; otherwise nobody can be told in Teams. */
  async tell(target: SurfaceTarget, message: string): Promise<void> {
    if (!target.address) {
      this.log.info({ kind: target.kind }, 'Teams: no personal chat with this person, so they were not told');
      return;
    }
    const result = await this.proactive.send(target.key, [text(message)]);
    if (result.delivered) return;
    if (result.reason === 'failed') throw new Error(`Teams: the message was not delivered: ${why(result)}`);
    this.log.warn({ reason: result.reason }, 'Teams: a person could not be told');
  }
}
