import { NotPossibleError } from '../access/refusal';
import { fromLondon, toLondon } from '../domain/london-time';

/** A span of London days: from its first midnight up to (not including) the midnight after. */
export interface Period {
  from: Date;
  to: Date;
  label: string;
}

const midnight = (year: number, month: number, day: number) =>
  fromLondon({ year, month, day, hour: 0, minute: 0 });
const quarterPattern = /^(\d{4})-Q([1-4])$/;

/** "2026-Q4" → 1 October 2026 to 31 December 2026, London time. */
export function quarterPeriod(quarter: string): Period {
  const match = quarterPattern.exec(quarter.trim().toUpperCase());
  if (!match) throw new NotPossibleError('Give a quarter such as 2026-Q4.');
  const year = Number(match[1]);
  const q = Number(match[2]);
  return {
    from: midnight(year, 3 * q - 2, 1),
    to: q === 4 ? midnight(year + 1, 1, 1) : midnight(year, 3 * q + 1, 1),
    label: `${quarter.trim().toUpperCase()} (${quarterMonths[q - 1]} ${year})`,
  };
}

const quarterMonths = ['January to March', 'April to June', 'July to September', 'October to December'];

/** The quarter a moment falls in, London time: "2026-Q4". */
export function quarterOf(at: Date): string {
  const { year, month } = toLondon(at);
  return `${year}-Q${Math.ceil(month / 3)}`;
}

/** This quarter and the seven before it, newest first. */
export function recentQuarters(at: Date): string[] {
  let { year } = toLondon(at);
  let q = Math.ceil(toLondon(at).month / 3);
  const quarters: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    quarters.push(`${year}-Q${q}`);
    q -= 1;
    if (q === 0) {
      q = 4;
      year -= 1;
    }
  }
  return quarters;
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** From one London day to another, both included ("2026-09-01" to "2026-11-30"). */
export function dayPeriod(first: string, last: string): Period {
  const [a, b] = [dayPattern.exec(first), dayPattern.exec(last)];
  if (!a || !b) throw new NotPossibleError('Give the dates as YYYY-MM-DD, such as 2026-09-01.');
  const from = midnight(Number(a[1]), Number(a[2]), Number(a[3]));
  const end = midnight(Number(b[1]), Number(b[2]), Number(b[3]));
  if (Number.isNaN(from.getTime()) || Number.isNaN(end.getTime()) || end < from)
    throw new NotPossibleError('The first date must be on or before the last.');
  // The midnight after the last day: a day later at noon, then back to that day's midnight.
  const after = toLondon(new Date(end.getTime() + 36 * 3600_000));
  return { from, to: midnight(after.year, after.month, after.day), label: `${first} to ${last}` };
}

/** The last `days` London days up to and including today. */
export function lastDays(now: Date, days: number): Period {
  const today = toLondon(now);
  const start = toLondon(new Date(now.getTime() - (days - 1) * 86_400_000));
  const day = (p: { year: number; month: number; day: number }) =>
    `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return dayPeriod(day(start), day(today));
}
