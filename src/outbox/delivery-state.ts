import { formatLondon } from '../domain/london-time';

/** Whether a record has reached the police gateway, in the words `mine` and the API use. */
export function deliveryState(messages: { status: string; deliveredAt: Date | null }[]): string {
  if (messages.length === 0) return 'Kept here; no police gateway is set up to send it to';
  if (messages.some((m) => m.status === 'dead')) return 'Not yet delivered: the team has been told';
  if (messages.every((m) => m.status === 'delivered')) {
    const last = Math.max(...messages.map((m) => m.deliveredAt?.getTime() ?? 0));
    return `Delivered ${formatLondon(new Date(last))}`;
  }
  return 'Waiting to be sent';
}
