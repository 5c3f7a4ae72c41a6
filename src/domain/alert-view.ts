import type { Audience } from './alert-rules';

/** What an alert says wherever it is posted: never a child's full details. */
export interface AlertView {
  id: string;
  category: string;
  reference: string | null;
  initials: string | null;
  level: string | null;
  raisedAt: string;
  since: string;
  audience: Audience;
  escalated: boolean;
  acknowledged: string | null;
}
