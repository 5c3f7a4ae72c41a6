import type { Actor } from '../access/actor';
import type { Alerted } from '../alerts/alert-types';
import type { RecordFacts } from '../domain/alert-rules';
import type { RiskLevel } from '../domain/risk';
import type { MetListChange } from '../met-list/met-list-change';
import type { Tx } from '../store/database';

/**
 * The submissions' ports: what saving a report needs of the alerts and of the MET list. The core
 * joins them to the AlertService and the MetListService; this module imports neither.
 */

/** Raises the alerts a record causes, in the record's own transaction. */
export interface RecordAlerts {
  raiseForRecord(
    tx: Tx,
    record: { id: string; reference: string; initials: string | null },
    facts: RecordFacts,
    now: Date,
  ): Promise<Alerted | null>;
}

/** Puts a child forward to the MET group when a risk check says so, in the check's transaction. */
export interface RiskCheckNominations {
  nominateFromRiskCheck(
    tx: Tx,
    actor: Actor,
    input: { childId: string; level: RiskLevel; reason: string; now: Date },
  ): Promise<MetListChange | null>;
}
