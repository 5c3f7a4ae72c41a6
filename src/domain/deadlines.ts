import { DAY, HOUR } from './clock';

/** DfE 2014: an independent return interview is offered within 72 hours of the return. */
export const RETURN_INTERVIEW_HOURS = 72;

export function returnInterviewDue(returnedAt: Date): Date {
  return new Date(returnedAt.getTime() + RETURN_INTERVIEW_HOURS * HOUR);
}

/** "31 hours left", "5 hours overdue", "2 days overdue". */
export function timeLeft(due: Date, now: Date): { overdue: boolean; text: string; hours: number } {
  const ms = due.getTime() - now.getTime();
  const overdue = ms < 0;
  const abs = Math.abs(ms);
  const amount =
    abs >= 2 * DAY
      ? `${Math.floor(abs / DAY)} days`
      : `${Math.floor(abs / HOUR)} hour${Math.floor(abs / HOUR) === 1 ? '' : 's'}`;
  return { overdue, hours: Math.round(ms / HOUR), text: overdue ? `${amount} overdue` : `${amount} left` };
}

/** The monthly MET group review: a month after it is set, by default. */
export function nextReviewDate(from: Date, months = 1): Date {
  const next = new Date(from);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
}
