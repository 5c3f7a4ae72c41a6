import type { RecordType } from './references';

/** The record as it is kept and as the police gateway receives it. */
export interface RecordEnvelope {
  schemaVersion: number;
  id: string;
  reference: string;
  type: RecordType;
  submittedAt: string;
  submittedBy: { name: string; agency: string | null; surface: string };
  answers: Record<string, unknown>;
  /** Worked out by the bot: an interview due time, a risk check's result. */
  derived?: Record<string, unknown>;
}
