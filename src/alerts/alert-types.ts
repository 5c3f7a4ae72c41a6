/** The outbox destination an alert's posts are queued for. */
export const ALERT_DESTINATION = 'alert';

import type { AlertView } from '../domain/alert-view';

/** An alert nobody has acknowledged: `code` is what `ack` takes; `reached`, how many places got it. */
export interface OpenAlert {
  view: AlertView;
  code: string;
  reached: number;
}

/** What a new record's alerts mean for its reporter: someone will be alerted, or nobody can be yet. */
export type Alerted = 'queued' | 'kept-open';
