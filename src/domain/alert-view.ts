import type { AlertRuleId, Audience } from './alert-rules';

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

/** An alert to raise: its rule, and the reference and initials it may show. */
export interface NewAlert {
  rule: AlertRuleId;
  recordId?: string | null;
  reference?: string | null;
  initials?: string | null;
  level?: string | null;
  /** The user an `interviewer` audience means, for interview reminders. */
  subjectUserId?: string | null;
}
