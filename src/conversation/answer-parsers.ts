import { formatLondon, fromLondon, toLondon } from '../domain/london-time';
import { LONGTEXT_MAX_CHARS } from '../domain/records';
import type { InputType, Option } from './form-definition';

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const no = (reason: string): Parsed => ({ ok: false, reason });

const yes = new Set(['y', 'yes', 'yeah', 'yep', 'true', 'aye']);
const nope = new Set(['n', 'no', 'nope', 'false']);

/** The most one typed answer may hold: longer text is refused before any parsing. */
export const ANSWER_MAX_CHARS = 500;

/** 3,000 characters for a narrative (a `longtext` question), 500 for any other answer. */
export function answerLimit(type: InputType): number {
  return type === 'longtext' ? LONGTEXT_MAX_CHARS : ANSWER_MAX_CHARS;
}

/**
 * Turns what someone typed (or picked) into the value a record holds, or a reason it can't.
 * Every surface's answers come through here, so the cap is checked here, first; the patterns
 * below are linear, so an answer at the cap is parsed in well under a millisecond.
 */
export function parseAnswer(type: InputType, raw: string, options: Option[], now: Date): Parsed {
  const text = raw.trim();
  const limit = answerLimit(type);
  if (text.length > limit) {
    return no(
      `Sorry, that is too long for me to take: please keep this answer to ${limit.toLocaleString('en-GB')} characters or fewer and send it again. Your other answers are kept.`,
    );
  }
  switch (type) {
    case 'text':
    case 'longtext':
      return text ? ok(text) : no('Please type an answer.');
    case 'yesno': {
      const word = text.toLowerCase();
      if (yes.has(word)) return ok(true);
      if (nope.has(word)) return ok(false);
      return no('Please answer yes or no.');
    }
    case 'number': {
      if (!/^\d{1,3}$/.test(text)) return no('Please type a whole number, for example 14.');
      return ok(Number(text));
    }
    case 'choice':
    case 'episode':
      return parseChoice(text, options);
    case 'multichoice':
      return parseMultichoice(text, options);
    case 'date':
      return parseDate(text, now);
    case 'datetime':
      return parseDateTime(text, now);
  }
}

/** Lower case, with punctuation and repeated spaces taken out: "Residential care (children's home)". */
const plain = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/ +/g, ' ')
    .trim();

/** A grading code before an option's words ("1: reliable", "A: known first-hand", "P: yes, …"). */
const coded = /^([0-9A-Za-z]): (.+)$/;

/** The option's code, when it has one: "a" for "A: known first-hand". */
const codeOf = (label: string) => coded.exec(label)?.[1]?.toLowerCase();

/** The words an option may be typed as: its label, and the label without its code ("reliable"). */
function wordsOf(label: string): string[] {
  const words = coded.exec(label)?.[2];
  return words ? [plain(label), plain(words)] : [plain(label)];
}

type Match = { option: Option } | { ambiguous: Option[] } | null;

/** An option by its number, its value, its words, or an unambiguous start of its words. */
function matchOption(text: string, options: Option[]): Match {
  if (/^\d+$/.test(text)) {
    const option = options[Number(text) - 1];
    return option ? { option } : null;
  }
  const typed = plain(text);
  const value = text.trim().toLowerCase();
  const exact = options.find(
    (o) =>
      o.value.toLowerCase() === value ||
      codeOf(o.label) === value ||
      (typed && wordsOf(o.label).includes(typed)),
  );
  if (exact) return { option: exact };
  if (!typed) return null;
  const starts = options.filter((o) => wordsOf(o.label).some((words) => words.startsWith(typed)));
  if (starts.length === 1) return { option: starts[0]! };
  return starts.length > 1 ? { ambiguous: starts } : null;
}

const couldBe = (typed: string, options: Option[]) =>
  `"${typed}" could be ${options.map((o) => o.label).join(' or ')}: please type a little more, or the number.`;

function parseChoice(text: string, options: Option[]): Parsed {
  const match = matchOption(text, options);
  if (match && 'option' in match) return ok(match.option.value);
  if (match) return no(couldBe(text, match.ambiguous));
  return no(`Please choose a number from 1 to ${options.length}, or type the option's words.`);
}

function parseMultichoice(text: string, options: Option[]): Parsed {
  if (/^(none|no|nothing|0)$/i.test(text)) return ok([]);
  // Numbers may be split by spaces ("1 3"); words only by commas ("foster care, school").
  const picks = text.split(/[a-z]/i.test(text) ? /[,;]/ : /[\s,;]+/).map((pick) => pick.trim());
  const values: string[] = [];
  for (const pick of picks.filter(Boolean)) {
    const match = matchOption(pick, options);
    if (match && 'ambiguous' in match) return no(couldBe(pick, match.ambiguous));
    if (!match) return no(`"${pick}" is not on the list. Type the numbers, for example 1, 3, or "none".`);
    if (!values.includes(match.option.value)) values.push(match.option.value);
  }
  return values.length ? ok(values) : no('Type the numbers that apply, for example 1, 3, or "none".');
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Day {
  year: number;
  month: number;
  day: number;
}

function validDay({ year, month, day }: Day): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** "28/11/2026", "28/11/26", "28 Nov 2026", "2026-11-28"; "28/11" means this year. */
function readDay(text: string, today: Day): Day | 'invalid' | undefined {
  const lower = text.toLowerCase();
  if (lower === 'today') return today;
  if (lower === 'yesterday') {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - 1));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(lower);
  if (match) return checked({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
  match = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(lower);
  if (match)
    return checked({ year: fullYear(match[3], today), month: Number(match[2]), day: Number(match[1]) });
  match = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3})[a-z]*\.?(?: (\d{4}))?$/.exec(lower);
  if (match) {
    const month = months.indexOf(match[2]!) + 1;
    if (month === 0) return 'invalid';
    return checked({ year: fullYear(match[3], today), month, day: Number(match[1]) });
  }
  return undefined;
}

function checked(day: Day): Day | 'invalid' {
  return validDay(day) ? day : 'invalid';
}

function fullYear(text: string | undefined, today: Day): number {
  if (!text) return today.year;
  const year = Number(text);
  return text.length === 2 ? 2000 + year : year;
}

function parseDate(text: string, now: Date): Parsed {
  const today = toLondon(now);
  const day = readDay(text, today);
  if (day === undefined) return no('Please type a date like 28/11/2012.');
  if (day === 'invalid') return no('That date does not exist. Please check the day and month.');
  const iso = `${day.year}-${pad(day.month)}-${pad(day.day)}`;
  if (iso > `${today.year}-${pad(today.month)}-${pad(today.day)}`) return no('That date is in the future.');
  return ok(iso);
}

/** "now", "14:30" (today), "today 2pm", "yesterday 21:00", "27/11/2026 18:45", an ISO time. */
function parseDateTime(text: string, now: Date): Parsed {
  // Spaces are collapsed before " at " is dropped: /\s+at\s+/ on a long run of spaces is quadratic.
  const lower = text.toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ').replace(' at ', ' ').trim();
  if (lower === 'now' || lower === 'just now') return ok(now.toISOString());
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:\d{2})$/.test(lower)) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? no('That time does not exist.') : notFuture(date, now);
  }
  const today = toLondon(now);
  const timeMatch = /(?:^| )(\d{1,2})(?:[:.](\d{2}))? ?(am|pm)?$/.exec(lower);
  const hasClock = timeMatch && (timeMatch[2] !== undefined || timeMatch[3] !== undefined);
  const dayText = hasClock ? lower.slice(0, timeMatch.index).trim() : lower;
  const day = dayText ? readDay(dayText, today) : today;
  if (day === undefined || !hasClock) {
    return no('Please give a day and a time, for example: today 14:30, yesterday 21:00, 27/11/2026 18:45.');
  }
  if (day === 'invalid') return no('That date does not exist. Please check the day and month.');
  let hour = Number(timeMatch[1]);
  const minute = Number(timeMatch[2] ?? 0);
  if (timeMatch[3]) {
    if (hour < 1 || hour > 12) return no('With am or pm, the hour is from 1 to 12.');
    hour = (hour % 12) + (timeMatch[3] === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59)
    return no('That time does not exist. Use the 24-hour clock, for example 18:45.');
  return notFuture(fromLondon({ ...day, hour, minute }), now);
}

function notFuture(date: Date, now: Date): Parsed {
  // Five minutes' grace for clocks that differ a little.
  if (date.getTime() > now.getTime() + 5 * 60 * 1000) {
    return no(`That is in the future (it is now ${formatLondon(now)}).`);
  }
  return ok(date.toISOString());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
