/**
 * How many times a child has gone missing in the repeat window (the MET group counts once, twice,
 * three or more times in 90 days; REPEAT_MISSING_DAYS). Two sources: the episodes on record, and
 * how many earlier times the reporter said it had happened ("don't know" leaves that out). The
 * reporter may know of episodes the bot never saw, and the episodes on record may be among those
 * the reporter counted, so the larger of the two is taken, never their sum.
 */
export function timesMissing(input: {
  /** Episodes of this child on record in the window, counting this one. */
  onRecord: number;
  /** Earlier times the reporter gave for the window, not counting this one; undefined if not known. */
  reportedBefore?: number | null;
}): number {
  const reported =
    input.reportedBefore === undefined || input.reportedBefore === null ? 0 : input.reportedBefore + 1;
  return Math.max(input.onRecord, reported);
}

/** "Once", "Twice", "3 times": how the figures and lists say it. */
export function timesInWords(times: number): string {
  if (times === 1) return 'Once';
  if (times === 2) return 'Twice';
  return `${times} times`;
}

export function isRepeatMissing(times: number, threshold: number): boolean {
  return times >= threshold;
}

/** Repeat missing: this many times (REPEAT_MISSING_THRESHOLD) in this many days (REPEAT_MISSING_DAYS). */
export interface RepeatMissingSettings {
  threshold: number;
  days: number;
}
