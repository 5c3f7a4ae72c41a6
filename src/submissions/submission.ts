import type { Alerted } from '../alerts/alert-types';
import type { RecordType } from '../domain/references';
import type { RiskResult } from '../domain/risk';
import type { NextStep } from './next-steps';

export interface Submission {
  recordId: string;
  reference: string;
  type: RecordType;
  /** Values for the form's `done` message. */
  vars: Record<string, string>;
  /** The destinations the record was queued for in its own transaction; empty when it is only kept. */
  sentTo: readonly string[];
  risk?: RiskResult;
  /** Whether the alerts this record raised can reach anyone, for the reporter's confirmation. */
  alerted?: Alerted;
  /** What the reporter is offered next (src/submissions/next-steps.ts). */
  nextSteps?: NextStep[];
  /** A missing report: the times missing in the repeat window, and the earlier reports on record. */
  history?: { times: number; days: number; earlier: string[] };
  /** A risk check put the child forward: the MET group decides at its next meeting. */
  proposedToMetGroup?: boolean;
}
