import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import { NotPossibleError, RefusedError, refusalText } from '../../src/access/refusal';
import { recordDetails } from '../../src/alerts/record-details';
import { text } from '../../src/conversation/reply';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import { ALERT_ACK, ALERT_VIEW, alertMessage, detailsModal, loadingModal, noticeModal } from './alert-blocks';
import { userOf } from './interactions';
import type { SlackParts } from './parts';
import { tellEphemeral } from './send';
import { words } from './words';

/**
 * The alert buttons. Acknowledge records who and when (every copy on every platform is then
 * updated through the outbox; the pressed copy is updated at once as well). View details shows the
 * record in a modal, which only the person who pressed sees, if their role allows it. Both are
 * acknowledged to Slack first; a repeated delivery is dropped by the exactlyOnce middleware.
 */
export function registerAlertActions(app: App, parts: SlackParts): void {
  const { core, people, log } = parts;
  const messages = core.prompts.messages;
  const refusal = (error: RefusedError) => refusalText(error, messages);

  app.action<BlockAction<ButtonAction>>(
    { action_id: ALERT_ACK },
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const alertId = action.value ?? '';
      const where = { channel: body.channel?.id ?? body.user.id, user: body.user.id, respond };
      const actor = await people.actor(client, userOf(body));
      if (!actor) return tellEphemeral(client, where, [text(messages.notKnown)], messages, log);
      let view: Awaited<ReturnType<typeof core.alerts.acknowledge>>;
      try {
        view = await core.alerts.acknowledge(actor, alertId);
      } catch (error) {
        if (error instanceof RefusedError) {
          return tellEphemeral(client, where, [text(refusal(error), 'warning')], messages, log);
        }
        if (error instanceof NotPossibleError) {
          return tellEphemeral(client, where, [text(error.message, 'warning')], messages, log);
        }
        throw error;
      }
      if (!body.channel || !body.message) return;
      try {
        await client.chat.update({ channel: body.channel.id, ts: body.message.ts, ...alertMessage(view) });
      } catch (error) {
        // The outbox updates this copy too: only the quick feedback is lost.
        log.warn({ err: error, alertId }, 'Slack: could not update the acknowledged alert at once');
      }
    },
  );

  app.action<BlockAction<ButtonAction>>({ action_id: ALERT_VIEW }, async ({ ack, body, action, client }) => {
    await ack();
    const alertId = action.value ?? '';
    let viewId: string | undefined;
    try {
      // A trigger_id works once and for 3 seconds: the modal opens before anything is looked up.
      viewId = (await client.views.open({ trigger_id: body.trigger_id, view: loadingModal() })).view?.id;
    } catch (error) {
      log.error({ err: error, alertId }, 'Slack: could not open the alert details');
      return;
    }
    if (!viewId) return;
    const actor = await people.actor(client, userOf(body));
    let shown: types.ModalView;
    if (!actor) {
      shown = noticeModal(messages.notKnown);
    } else {
      try {
        const { view, record } = await core.alerts.details(actor, alertId);
        const details = record ? recordDetails(core, actor, record as unknown as RecordEnvelope) : null;
        shown = detailsModal(view, details);
      } catch (error) {
        if (error instanceof RefusedError) shown = noticeModal(refusal(error));
        else if (error instanceof NotPossibleError) shown = noticeModal(error.message);
        else {
          log.error({ err: error, alertId }, 'Slack: could not get the alert details');
          shown = noticeModal(words.detailsFailed);
        }
      }
    }
    try {
      await client.views.update({ view_id: viewId, view: shown });
    } catch (error) {
      log.error({ err: error, alertId }, 'Slack: could not show the alert details');
    }
  });
}
