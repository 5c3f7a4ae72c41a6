import type { FieldCipher } from '../store/field-crypto';

/** What a look-up hash is of; one child has several. */
export type ChildKeyKind = 'name' | 'first' | 'initial-surname' | 'initials-yob' | 'dob';

/** The identifying facts a report gives about a child, as far as they are known. */
export interface ChildFacts {
  name: string;
  dateOfBirth?: string;
  /** Possible years of birth: one from a date of birth, two from an age in years. */
  yearsOfBirth: number[];
}

/** How a typed name reads: its main part, any nicknames, and whether it is only initials. */
export interface NameParts {
  main: string[];
  nicknames: string[];
  initialsOnly: boolean;
  /** "J.B.": from the letters typed when the name is only initials. */
  initials: string;
}

const nicknamePatterns = [
  /["'‘’“”]([^"'‘’“”]{2,30})["'‘’“”]/g,
  /\(([^)]{2,30})\)/g,
  /\b(?:aka|a\.k\.a\.|known as|nickname|goes by)\s+([\p{L}][\p{L}'-]{1,20}(?:\s[\p{L}][\p{L}'-]{1,20})?)/giu,
];

/**
 * Splits "Jayden 'JJ' Brown", "Jayden Brown (aka JJ)" or "JB" into what can be matched. A name
 * of one to four single letters ("J.B.", "J B"), or two or three capitals ("JB"), is initials.
 */
export function nameParts(raw: string): NameParts {
  const nicknames: string[] = [];
  let rest = raw;
  for (const pattern of nicknamePatterns) {
    rest = rest.replace(pattern, (_whole, nick: string) => {
      const cleaned = nick.replace(/^(?:aka|known as)\s+/i, '').trim();
      if (cleaned) nicknames.push(cleaned);
      return ' ';
    });
  }
  const main = rest
    .split(/[\s,]+/)
    .map((part) => part.replace(/[^\p{L}'-.]/gu, ''))
    .filter((part) => /\p{L}/u.test(part));
  const letters = main.join('').replace(/[^\p{L}]/gu, '');
  const initialsOnly =
    (main.length > 0 && main.every((part) => part.replace(/[^\p{L}]/gu, '').length === 1)) ||
    (main.length === 1 && /^\p{Lu}{2,3}$/u.test(letters));
  const initials = initialsOnly
    ? `${[...letters.toUpperCase()].join('.')}.`
    : `${main.map((part) => part[0]!.toUpperCase()).join('.')}.`;
  return { main: initialsOnly ? [] : main, nicknames, initialsOnly, initials: letters ? initials : '?' };
}

/** Every look-up hash of these facts under the current data key (for storing). */
export function childKeys(cipher: FieldCipher, facts: ChildFacts): { kind: ChildKeyKind; hash: string }[] {
  return keyValues(facts).map(({ kind, value }) => ({ kind, hash: cipher.lookupHash(`${kind}:${value}`) }));
}

/** Every look-up hash of these facts under every data key, current and retired (for finding). */
export function childKeysToFind(
  cipher: FieldCipher,
  facts: ChildFacts,
): { kind: ChildKeyKind; hash: string }[] {
  return keyValues(facts).flatMap(({ kind, value }) =>
    cipher.lookupHashes(`${kind}:${value}`).map((hash) => ({ kind, hash })),
  );
}

function keyValues(facts: ChildFacts): { kind: ChildKeyKind; value: string }[] {
  const parts = nameParts(facts.name);
  const keys: { kind: ChildKeyKind; value: string }[] = [];
  const lower = (value: string) => value.normalize('NFKD').toLowerCase();
  if (parts.main.length >= 2) {
    keys.push({ kind: 'name', value: lower(parts.main.join(' ')) });
    keys.push({ kind: 'initial-surname', value: lower(`${parts.main[0]![0]} ${parts.main.at(-1)}`) });
  }
  const first = parts.main[0];
  if (first && first.replace(/[^\p{L}]/gu, '').length >= 2) keys.push({ kind: 'first', value: lower(first) });
  for (const nick of parts.nicknames) keys.push({ kind: 'first', value: lower(nick) });
  if (parts.initials !== '?') {
    for (const year of facts.yearsOfBirth) {
      keys.push({ kind: 'initials-yob', value: `${parts.initials.toLowerCase()} ${year}` });
    }
  }
  if (facts.dateOfBirth) keys.push({ kind: 'dob', value: facts.dateOfBirth });
  return dedupe(keys);
}

function dedupe<T extends { kind: string; value: string }>(keys: T[]): T[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = `${key.kind}:${key.value}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
