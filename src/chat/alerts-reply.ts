import type { ListItem } from '../conversation/reply';
import type { OpenAlert } from '../services/alerts.service';

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
