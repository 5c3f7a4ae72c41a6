import type { TurnContext } from 'botbuilder';
import type { Actor } from '../../src/access/actor';
import { NotPossibleError, RefusedError, refusalText } from '../../src/access/refusal';
import { recordDetails } from '../../src/alerts/record-details';
import type { Core } from '../../src/core';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import type { Logger } from '../../src/logger';
import type { ChatAddresses } from './addresses';
import { type AlertSubmit, alertActivity, detailsCard } from './alert-cards';
import type { Proactive } from './proactive';
import { type Outgoing, say, show, toActivity } from './render';
import { teamsWords } from './words';

/**
 * The buttons on an alert card. Acknowledge records who and when: every copy on every platform is
 * then updated through the outbox, and the pressed card at once as well. View details shows the
 * record only in the person's personal chat with the bot, never in a channel.
 */
export class TeamsAlertActions {
  constructor(
    private readonly deps: { core: Core; addresses: ChatAddresses; proactive: Proactive; log: Logger },
  ) {}

  /** What to say where the button was pressed (often nothing). */
  async handle(
    context: TurnContext,
    actor: Actor,
    submit: AlertSubmit,
    personal: boolean,
  ): Promise<Outgoing[]> {
    const messages = this.deps.core.prompts.messages;
    try {
      if (submit.action === 'ack') return await this.acknowledge(context, actor, submit.alert);
      return await this.details(actor, submit.alert, personal);
    } catch (error) {
      if (error instanceof RefusedError) {
        return [say(refusalText(error, messages))];
      }
      if (error instanceof NotPossibleError) return [say(error.message)];
      throw error;
    }
  }

  private async acknowledge(context: TurnContext, actor: Actor, alertId: string): Promise<Outgoing[]> {
    const view = await this.deps.core.alerts.acknowledge(actor, alertId);
    // An Action.Submit's replyToId is the card it was pressed on.
    const cardId = context.activity.replyToId;
    if (cardId) {
      try {
        await context.updateActivity({ ...alertActivity(view), id: cardId });
        return [];
      } catch (error) {
        // The outbox updates this card too: only the quick feedback is lost.
        this.deps.log.warn({ err: error, alertId }, 'Teams: could not update the acknowledged alert at once');
      }
    }
    return view.acknowledged ? [say(view.acknowledged)] : [];
  }

  private async details(actor: Actor, alertId: string, personal: boolean): Promise<Outgoing[]> {
    const { core, addresses, proactive } = this.deps;
    // Asked before the record is read, so that a read is audited only when it can be shown.
    const chat = personal ? null : await addresses.personalChatOf(actor.id);
    if (!personal && !chat) return [say(teamsWords.openPersonalChat)];
    const { view, record } = await core.alerts.details(actor, alertId);
    const details = record ? recordDetails(core, actor, record as unknown as RecordEnvelope) : null;
    const card = show(detailsCard(view, details));
    if (!chat) return [card];
    const sent = await proactive.post(chat, toActivity(card));
    return [say(sent.delivered ? teamsWords.detailsSent : teamsWords.detailsNotSent)];
  }
}
