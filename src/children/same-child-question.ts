/** The question put to the reporter who just sent a report: is this the same child as …? */
export interface SameChildQuestion {
  pairId: string;
  /** Who the known child is, in words the reporter may see. */
  known: string;
  reasons: string[];
}
