/**
 * Deterministic extractors for the intelligence picture: each is a pure function over free text
 * that runs in linear time (no nested quantifiers in any pattern), so a hostile message of any
 * length cannot stall a save. Nothing is guessed: a value is found only when it has the shape
 * the rule asks for, and every value found is normalised one way.
 */

/**
 * `place` is a named place as typed in a report's "where" answer: kept for the Places page and
 * the problem profile, and never linked on (two reports naming "the park" are not a link).
 */
export type EntityKind = 'vehicle' | 'phone' | 'handle' | 'postcode' | 'person' | 'place';

export interface Extracted {
  kind: EntityKind;
  /** The normalised value: what is encrypted and indexed. */
  value: string;
  /** A platform named beside a handle ("on Snapchat @x"), when there is one. */
  platform?: string;
}

const AREA = 'A-HJ-PR-Y'; // DVLA: I, Q and Z are never used in the area letters
const RANDOM = 'A-HJ-PR-Z'; // …and I and Q never in the last three

/**
 * UK registrations in the current format (since 2001): two area letters, two age digits, three
 * letters, as "AB12 CDE" or "AB12CDE". A partial one keeps `?` for each unknown character
 * ("HX1?", "HX15 A??", "HX1? ABC"): what the reporter typed, normalised to seven positions.
 */
const registration = new RegExp(
  String.raw`(?<![A-Za-z0-9?])([${AREA}?]{2}[0-9?]{2}) ?([${RANDOM}?]{0,3})(?![A-Za-z0-9?])`,
  'gi',
);

export function extractRegistrations(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(registration)) {
    const value = normaliseRegistration(`${match[1]}${match[2] ?? ''}`);
    if (value) found.push(value);
  }
  return unique(found);
}

/** "hx15abc" → "HX15 ABC"; "HX1?" → "HX1? ???"; null when it is too vague to mean a vehicle. */
export function normaliseRegistration(raw: string): string | null {
  const chars = raw.toUpperCase().replace(/\s+/g, '');
  if (chars.length < 4 || chars.length > 7) return null;
  const seven = chars.padEnd(7, '?');
  if (!/^[A-Z?]{2}[0-9?]{2}[A-Z?]{3}$/.test(seven)) return null;
  const known = seven.replace(/\?/g, '').length;
  // A whole registration, or a partial with at least three known characters and a digit or
  // letter in place: "AB" alone, or "??12", says too little to be worth a link.
  if (known < 3 || seven.slice(0, 2).includes('?')) return null;
  // A word such as "THIS" or "MEET" has no digits: only a registration with a known digit counts.
  if (!/[0-9]/.test(seven.slice(2, 4))) return null;
  return `${seven.slice(0, 4)} ${seven.slice(4)}`;
}

/**
 * UK phone numbers to E.164: 07… mobiles, 01/02/03 landlines and +44 forms, with spaces, dots,
 * dashes or brackets between digits.
 */
const phone = /(?<![\d+])(\+44\s?\(?0?\)?|0044\s?|0)(\d[\d\s().-]{8,14}\d)(?!\d)/g;

export function extractPhones(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(phone)) {
    const value = normalisePhone(`${match[1]}${match[2]}`);
    if (value) found.push(value);
  }
  return unique(found);
}

export function normalisePhone(raw: string): string | null {
  let digits = raw.replace(/[^\d+]/g, '');
  if (digits.startsWith('+44')) digits = digits.slice(3);
  else if (digits.startsWith('0044')) digits = digits.slice(4);
  if (digits.startsWith('0')) digits = digits.slice(1);
  // Ofcom's numbering: UK numbers have ten digits after the 0 (a few older ones nine).
  if (!/^[1237]\d{8,9}$/.test(digits)) return null;
  if (digits.startsWith('7') && digits.length !== 10) return null;
  return `+44${digits}`;
}

/** Royal Mail postcodes: outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code (9AA). */
const postcode = /(?<![A-Za-z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])/gi;

export function extractPostcodes(text: string): string[] {
  return unique([...text.matchAll(postcode)].map((m) => `${m[1]!.toUpperCase()} ${m[2]!.toUpperCase()}`));
}

const platforms: [RegExp, string][] = [
  [/snap(?:chat)?/i, 'Snapchat'],
  [/insta(?:gram)?/i, 'Instagram'],
  [/tik ?tok/i, 'TikTok'],
  [/whats ?app/i, 'WhatsApp'],
  [/telegram/i, 'Telegram'],
  [/twitter|\bx\b/i, 'X'],
  [/facebook|\bfb\b/i, 'Facebook'],
  [/discord/i, 'Discord'],
];

/** @handles (letters, digits, dot, underscore; not an email address), with a platform named within a few words before or after. */
const handle = /(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.]{1,29})/g;

export function extractHandles(text: string): { value: string; platform?: string }[] {
  const seen = new Set<string>();
  const found: { value: string; platform?: string }[] = [];
  for (const match of text.matchAll(handle)) {
    const value = `@${match[1]!.replace(/\.+$/, '').toLowerCase()}`;
    if (seen.has(value)) continue;
    seen.add(value);
    const start = match.index ?? 0;
    const around = text.slice(Math.max(0, start - 30), start + match[0].length + 30);
    const platform = platforms.find(([pattern]) => pattern.test(around))?.[1];
    found.push(platform ? { value, platform } : { value });
  }
  return found;
}

/** Times of day: "21:00", "9.30pm", "9pm", "21.15", normalised to 24-hour "HH:MM". */
const time = /(?<![\d:.])([01]?\d|2[0-3])(?:[:.]([0-5]\d))?\s?(am|pm)?(?![\d:])/gi;

export function extractTimes(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(time)) {
    const [, h, m, meridiem] = match;
    if (!m && !meridiem) continue; // a bare number is not a time
    let hour = Number(h);
    if (meridiem) {
      if (hour < 1 || hour > 12) continue;
      hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
    }
    found.push(`${String(hour).padStart(2, '0')}:${m ?? '00'}`);
  }
  return unique(found);
}

/**
 * Names and nicknames introduced as such: "a man called Deano", "known as 'Big T'", "goes by
 * Smudge". Only a capitalised word (or two) after one of these phrases, or a quoted name after
 * one, counts: the reporter's own words say it is a name.
 */
const introduced =
  /\b(?:called|known as|nicknamed|goes by|calls himself|calls herself|named|aka)\s+['"‘“]?([A-Z][a-z'-]{1,20}(?: [A-Z][a-z'-]{1,20})?)/g;

/** The names introduced as such, as the reporter wrote them: offered back as suggestions. */
export function extractNamesAsWritten(text: string): string[] {
  return unique([...text.matchAll(introduced)].map((m) => m[1]!.replace(/'s$/, '')));
}

/** The platform a piece of text names, if any ("on snap" → Snapchat). */
export function platformOf(text: string): string | undefined {
  return platforms.find(([pattern]) => pattern.test(text))?.[1];
}

export function extractNicknames(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(introduced)) {
    const value = normaliseNickname(match[1]!.replace(/'s$/, ''));
    if (value) found.push(value);
  }
  return unique(found);
}

/**
 * One form per nickname, so spellings of the same spoken name meet: accents and punctuation
 * dropped, lower case, doubled letters single ("Deeano" → "deano"), a final -ie/-ey/-y as -i
 * ("Smudgey", "Smudgie", "Smudgy" → "smudgi").
 */
export function normaliseNickname(raw: string): string | null {
  const letters = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([a-z])\1+/g, '$1')
    .replace(/(?:ie|ey|y)\b/g, 'i');
  return letters.length >= 2 ? letters : null;
}

/** Every entity in a piece of free text, each once. */
export function extractEntities(text: string): Extracted[] {
  const clipped = text.slice(0, 20_000);
  return [
    ...extractRegistrations(clipped).map((value) => ({ kind: 'vehicle' as const, value })),
    ...extractPhones(clipped).map((value) => ({ kind: 'phone' as const, value })),
    ...extractHandles(clipped).map((h) => ({ kind: 'handle' as const, ...h })),
    ...extractPostcodes(clipped).map((value) => ({ kind: 'postcode' as const, value })),
    ...extractNicknames(clipped).map((value) => ({ kind: 'person' as const, value })),
  ];
}

/** A place as typed, tidied: one space between words, at most 120 characters; null when empty. */
export function normalisePlace(raw: string): string | null {
  const tidy = raw.replace(/\s+/g, ' ').trim().slice(0, 120);
  return tidy.length >= 2 ? tidy : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
