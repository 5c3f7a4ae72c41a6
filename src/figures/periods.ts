import { fromLondon, toLondon } from '../domain/london-time';

/* Months are calendar months in UK local time, named "YYYY-MM". */

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const monthId = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** The month "now" falls in, in London. */
export function currentMonth(now: Date): string {
  const local = toLondon(now);
  return monthId(local.year, local.month);
}

export function shiftMonth(month: string, by: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + by;
  return monthId(Math.floor(index / 12), (index % 12) + 1);
}

/** Midnight in London on the month's first day, and on the next month's. */
export function monthBounds(month: string): { start: Date; end: Date } {
  if (!isMonth(month)) throw new RangeError(`Not a month: ${month}`);
  const [year, m] = month.split('-').map(Number) as [number, number];
  const [nextYear, nextMonth] = m === 12 ? [year + 1, 1] : [year, m + 1];
  return {
    start: fromLondon({ year, month: m, day: 1, hour: 0, minute: 0 }),
    end: fromLondon({ year: nextYear, month: nextMonth, day: 1, hour: 0, minute: 0 }),
  };
}

/** "October 2026" */
export function monthLabel(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const name = monthNames[m - 1]!;
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${year}`;
}

/** The last `count` months, newest first, ending with the current one. */
export function recentMonths(now: Date, count: number): string[] {
  const current = currentMonth(now);
  return Array.from({ length: count }, (_, i) => shiftMonth(current, -i));
}

/**
 * A month as people type it: "2026-10", "10/2026", "october", "oct 2026", "this month",
 * "last month". A month name alone means its latest occurrence that has begun. Null if unclear.
 */
export function parseMonth(input: string, now: Date): string | null {
  const words = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const current = currentMonth(now);
  if (words === '' || words === 'this month' || words === 'now') return current;
  if (words === 'last month' || words === 'last') return shiftMonth(current, -1);
  let match = /^(\d{4})-(\d{1,2})$/.exec(words);
  if (match) return valid(Number(match[1]), Number(match[2]));
  match = /^(\d{1,2})[/.-](\d{4})$/.exec(words);
  if (match) return valid(Number(match[2]), Number(match[1]));
  match = /^([a-z]+),? ?(\d{4})?$/.exec(words);
  if (!match) return null;
  const index = monthNames.findIndex((name) => match[1]!.length >= 3 && name.startsWith(match[1]!));
  if (index < 0) return null;
  if (match[2]) return valid(Number(match[2]), index + 1);
  const [year] = current.split('-').map(Number) as [number];
  const thisYear = monthId(year, index + 1);
  return thisYear <= current ? thisYear : monthId(year - 1, index + 1);
}

/*
 * Periods: a month ("2026-10"), a calendar quarter ("2026-Q4": October to December) or a calendar
 * year ("2026"), in UK local time. Section K's figures can be asked for any of them.
 */
const quarterPattern = /^(\d{4})-Q([1-4])$/;

export function isPeriod(value: string): boolean {
  return isMonth(value) || quarterPattern.test(value) || /^\d{4}$/.test(value);
}

/** The months a period covers: the first and the one after the last. */
function periodMonths(period: string): { first: string; after: string } {
  if (isMonth(period)) return { first: period, after: shiftMonth(period, 1) };
  const quarter = quarterPattern.exec(period);
  if (quarter) {
    const first = monthId(Number(quarter[1]), (Number(quarter[2]) - 1) * 3 + 1);
    return { first, after: shiftMonth(first, 3) };
  }
  if (/^\d{4}$/.test(period)) return { first: `${period}-01`, after: `${Number(period) + 1}-01` };
  throw new RangeError(`Not a month, quarter or year: ${period}`);
}

/** Midnight in London at the period's start, and at the next period's. */
export function periodBounds(period: string): { start: Date; end: Date } {
  const { first, after } = periodMonths(period);
  return { start: monthBounds(first).start, end: monthBounds(after).start };
}

/** "October 2026", "October to December 2026", "2026 (January to December)" */
export function periodLabel(period: string): string {
  if (isMonth(period)) return monthLabel(period);
  const { first, after } = periodMonths(period);
  if (/^\d{4}$/.test(period)) return `${period} (January to December)`;
  const last = monthLabel(shiftMonth(after, -1));
  return `${monthLabel(first).split(' ')[0]} to ${last}`;
}

/** The period one step before or after, of the same kind. */
export function shiftPeriod(period: string, by: number): string {
  if (isMonth(period)) return shiftMonth(period, by);
  const quarter = quarterPattern.exec(period);
  if (quarter) {
    const index = Number(quarter[1]) * 4 + Number(quarter[2]) - 1 + by;
    return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  }
  return String(Number(period) + by);
}

/** Two years of months, then the last eight quarters and three years, newest first: what the page offers. */
export function recentPeriods(now: Date): string[] {
  const months = recentMonths(now, 24);
  const quarter = quarterOf(months[0]!);
  const quarters = Array.from({ length: 8 }, (_, i) => shiftPeriod(quarter, -i));
  const year = Number(months[0]!.slice(0, 4));
  return [...months, ...quarters, ...[0, 1, 2].map((i) => String(year - i))];
}

/** True when the period has begun at `now`. */
export function periodBegun(period: string, now: Date): boolean {
  return periodBounds(period).start <= now;
}

function quarterOf(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${year}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/**
 * A month, quarter or year as people type it: everything parseMonth takes, and "this quarter",
 * "last quarter", "q4", "Q4 2026", "2026-Q4", "this year", "last year", "2026". A quarter named
 * alone means its latest occurrence that has begun. Null if unclear.
 */
export function parsePeriod(input: string, now: Date): string | null {
  const words = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const current = currentMonth(now);
  const [year] = current.split('-').map(Number) as [number];
  if (words === 'this quarter' || words === 'quarter') return quarterOf(current);
  if (words === 'last quarter') return shiftPeriod(quarterOf(current), -1);
  if (words === 'this year' || words === 'year') return String(year);
  if (words === 'last year') return String(year - 1);
  if (/^\d{4}$/.test(words)) return valid(Number(words), 1) ? words : null;
  let match = /^(\d{4})[- ]?q([1-4])$/.exec(words) ?? /^q([1-4]),? ?(\d{4})$/.exec(words);
  if (match) {
    const [y, q] = /^\d{4}$/.test(match[1]!) ? [match[1]!, match[2]!] : [match[2]!, match[1]!];
    return valid(Number(y), 1) ? `${y}-Q${q}` : null;
  }
  match = /^q([1-4])$/.exec(words);
  if (match) {
    const thisYear = `${year}-Q${match[1]}`;
    return periodBegun(thisYear, now) ? thisYear : `${year - 1}-Q${match[1]}`;
  }
  return parseMonth(input, now);
}

function valid(year: number, month: number): string | null {
  return month >= 1 && month <= 12 && year >= 2000 && year <= 2100 ? monthId(year, month) : null;
}
