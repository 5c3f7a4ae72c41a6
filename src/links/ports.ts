import type { Actor } from '../access/actor';
import type { NewAlert } from '../domain/alert-view';
import type { Tx } from '../store/database';

/**
 * The links' ports: what they need of the alerts, and what a saved report gives them. The core
 * joins them to the AlertService and the SubmissionService; neither module imports the other.
 */

/** What the links need of the alerts (the core gives them its AlertService). */
export interface LinkAlerts {
  raise(tx: Tx, alert: NewAlert, now: Date): Promise<string>;
  acknowledge(actor: Actor, alertId: string): Promise<unknown>;
}

/** What a saved report gives the links: the port SubmissionService writes through. */
export interface EntityRecorder {
  recordEntities(tx: Tx, record: SavedRecord): Promise<void>;
}

export interface SavedRecord {
  id: string;
  childId: string | null;
  answers: Record<string, unknown>;
  now: Date;
}
