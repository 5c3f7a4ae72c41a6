import type { types } from '@slack/bolt';
import type { AlertView } from '../../src/alerts/alerts.service';
import { alertFacts, type RecordDetails } from '../../src/alerts/record-details';
import { fill } from '../../src/conversation/prompts';
import { type Block, fieldSections, fitBlocks, header, limits, mrkdwn, plain, safe, section } from './blocks';
import { modalLimits } from './modals';
import { words } from './words';

export const ALERT_ACK = 'alert_ack';
export const ALERT_VIEW = 'alert_view';
export const ALERT_DETAILS_CALLBACK = 'metbot:alert-details';

const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [mrkdwn(text)] });

/**
 * An alert as a channel message: the category, then reference, initials, level and when it was
 * raised, and the buttons. Acknowledged, the Acknowledge button gives way to who and when.
 * Only what AlertView holds is shown, and what people typed (initials, names) is escaped.
 */
export function alertMessage(view: AlertView): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(`${view.escalated ? '🚨 ' : ''}${view.category}`)];
  if (view.escalated) blocks.push(context(`:rotating_light: ${words.escalated}`));
  blocks.push(...fieldSections(alertFacts(view)));
  if (view.acknowledged) blocks.push(context(`:white_check_mark: ${safe(view.acknowledged, 2000)}`));
  const buttons: types.Button[] = [];
  if (!view.acknowledged) {
    buttons.push({
      type: 'button',
      action_id: ALERT_ACK,
      text: plain(words.acknowledge, 75),
      value: view.id,
      style: 'primary',
    });
  }
  buttons.push({ type: 'button', action_id: ALERT_VIEW, text: plain(words.viewDetails, 75), value: view.id });
  blocks.push({ type: 'actions', block_id: `alert:${view.id}`, elements: buttons });
  const about = [view.reference, view.initials].filter(Boolean).join(' · ');
  const text = [view.category, about, view.acknowledged].filter(Boolean).join(': ');
  return { text: safe(text, 3000), blocks };
}

function modal(blocks: Block[]): types.ModalView {
  return {
    type: 'modal',
    callback_id: ALERT_DETAILS_CALLBACK,
    title: plain(words.detailsTitle, modalLimits.title),
    close: plain('Close', modalLimits.button),
    blocks: fitBlocks(blocks, limits.surfaceBlocks),
  };
}

/** Opened at once with the trigger_id (it lasts 3 seconds); the details follow by views.update. */
export function loadingModal(): types.ModalView {
  return modal([section(words.loading)]);
}

/** A refusal or a problem, in the modal. */
export function noticeModal(text: string): types.ModalView {
  return modal([section(text)]);
}

/** The alert and the record behind it: a modal is seen only by the person who opened it. */
export function detailsModal(view: AlertView, details: RecordDetails | null): types.ModalView {
  const blocks: Block[] = [section(`*${view.category}*`), ...fieldSections(alertFacts(view))];
  if (view.acknowledged) blocks.push(context(safe(view.acknowledged, 2000)));
  blocks.push({ type: 'divider' });
  if (!details) return modal([...blocks, section(words.noRecord)]);
  blocks.push(section(`*${details.title}* · ${details.reference}`), ...fieldSections(details.fields));
  const sentBy = fill(words.sentBy, {
    name: details.sentBy,
    agency: details.agency ? ` (${details.agency})` : '',
    at: details.sentAt,
  });
  blocks.push(context(safe(sentBy, 2000)));
  return modal(blocks);
}
