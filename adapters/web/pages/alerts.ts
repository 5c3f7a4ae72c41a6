import type { OpenAlert } from '../../../src/alerts/alerts.service';
import { count, html, table } from '../html';
import type { Viewer } from '../session';
import { capital, page, when } from './layout';

/** The alerts nobody has acknowledged, as a duty channel shows them, each with Acknowledge. */
export function alertsPage(viewer: Viewer, open: OpenAlert[]): string {
  const summary =
    open.length === 0
      ? 'No alert is waiting to be acknowledged.'
      : `${count(open.length)} waiting to be acknowledged. The newest come first.`;
  return page({
    title: 'Alerts',
    viewer,
    current: 'alerts',
    body: html`<h1>Alerts</h1>
<p class="lead">${summary}</p>
<p>An alert that has reached nobody yet (no duty channel or mailbox is set up) stays here until someone acknowledges it.</p>
${
  open.length
    ? table(
        'Alerts nobody has acknowledged',
        [
          { head: 'Reference', cell: (a) => a.code },
          { head: 'Alert', cell: (a) => a.view.category },
          { head: 'Child', cell: (a) => a.view.initials ?? 'Not known' },
          { head: 'Level', cell: (a) => capital(a.view.level, 'Not set') },
          { head: 'Raised', cell: (a) => when(a.view.raisedAt) },
          {
            head: 'Reached',
            cell: (a) => (a.reached ? `${a.reached} place${a.reached === 1 ? '' : 's'}` : 'Nobody yet'),
          },
          {
            head: 'Acknowledge',
            cell: (a) =>
              html`<form method="post" action="/dashboard/alerts/${a.view.id}/ack"><button type="submit">Acknowledge<span class="visually-hidden"> ${a.code}</span></button></form>`,
          },
        ],
        open,
      )
    : ''
}`,
  });
}
