import { NotPossibleError } from '../access/refusal';
import type { OpenAlert } from '../alerts/alert-types';
import { fill } from '../conversation/prompts';
import { type ListItem, type Reply, text } from '../conversation/reply';
import type { CommandCall } from './chat-message';
import { listReply } from './list-pages';

/** An open alert as a chat list shows it. */
export function openAlertItem({ view, code, reached }: OpenAlert): ListItem {
  return {
    title: `${code} · ${view.category}`,
    fields: [
      { label: 'Child', value: view.initials ?? 'not known' },
      ...(view.level ? [{ label: 'Level', value: view.level }] : []),
      { label: 'Raised', value: view.since },
      { label: 'Reached', value: reached ? `${reached} place${reached === 1 ? '' : 's'}` : 'nobody yet' },
      { label: 'To acknowledge', value: `ack ${code}` },
    ],
  };
}

/** `alerts`: the alerts nobody has acknowledged yet. */
export async function alertsCommand({ deps, message }: CommandCall): Promise<Reply[]> {
  const open = (await deps.alerts.openAlerts(message.actor)).map(openAlertItem);
  return [listReply(deps.messages, 'alertsTitle', 'alertsEmpty', open)];
}

/** `ack INT-2026-000123`: the code `alerts` shows for an open alert. */
export async function ackCommand({ deps, message, words }: CommandCall): Promise<Reply[]> {
  const { messages } = deps;
  const code = words[1];
  if (!code) return [text(messages.ackUsage)];
  const count = await deps.alerts.acknowledgeByCode(message.actor, code);
  if (count === 0) return [text(fill(messages.ackNone, { code: code.toUpperCase() }), 'warning')];
  return [text(fill(messages.acknowledged, { code: code.toUpperCase() }), 'success')];
}

/** `setup duty here`: this channel gets the duty alerts. */
export async function setupCommand({ deps, message, words }: CommandCall): Promise<Reply[]> {
  const { messages } = deps;
  if (words[1] !== 'duty' || words[2] !== 'here' || !message.place) return [text(messages.setupUsage)];
  try {
    await deps.alerts.setupDuty(message.actor, message.place);
    return [text(messages.dutySet, 'success')];
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}
