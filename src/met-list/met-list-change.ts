import type { RiskLevel } from '../domain/risk';
import type { ChildDetails } from '../store/children';

export type MetListStatus = 'proposed' | 'nominated' | 'active' | 'declined' | 'removed';

/** What a change did: its own record (told to the MET coordinator) and the entry as it now is. */
export interface MetListChange {
  reference: string;
  recordId: string;
  entryId: string;
  initials: string;
  status: MetListStatus;
  level: RiskLevel | null;
  reviewDate: Date | null;
  /** The destinations its record was queued for, so the confirmation can say where it went. */
  sentTo: readonly string[];
}

/** A removal reason that says the child has turned 18 (checked against the date of birth). */
export function turned18(reason: string): boolean {
  return /\b(turned|turning|now|reached|is)\s+18\b|\b18th birthday\b|\badult(hood)?\b/i.test(reason);
}

/**
 * The child a change is about, named by the reference of any record about them (a risk check,
 * a missing report, an earlier MET list change).
 */
export interface ChildByReference {
  reference: string;
}

/** A child as the dashboard knows them, by their MET list entry (its Accept and Decline buttons). */
export interface ChildByEntry {
  entryId: string;
}

export interface NominateInput {
  /** A record about the child, or the child's details for a nomination by hand. */
  child: ChildByReference | ChildDetails;
  level: RiskLevel;
  reason: string;
  leadProfessional?: string;
}

export interface MetListHistoryItem {
  at: Date;
  by: string;
  fromStatus: string | null;
  toStatus: string;
  fromLevel: string | null;
  toLevel: string | null;
  reason: string;
}
