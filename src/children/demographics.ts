import type { FieldCipher } from '../store/field-crypto';

/**
 * A child's demographic fields as stored (issue 17, docs/field-encryption.md). Together the exact
 * values can pick out a child, so the identifying ones are sealed, bound to the row: initials,
 * year of birth and ethnicity as typed. Beside them only what the figures count is kept in clear,
 * coarse enough not to identify: the age band this year, the broad ethnic group, and the closed
 * lists of gender, accommodation and care.
 */

/**
 * What `Person.ageBand` holds: the index of the figures' age bands (`ageBands` in
 * src/figures/figures.service.ts: under 10, 10 to 12, 13 to 15, 16 to 17, 18 or over) for a child
 * born in `yearOfBirth`, in the year of `now` (by years, as the figures count).
 */
export function ageBandOf(yearOfBirth: number, now: Date): number {
  const age = now.getUTCFullYear() - yearOfBirth;
  if (age < 10) return 0;
  if (age < 13) return 1;
  if (age < 16) return 2;
  if (age < 18) return 3;
  return 4;
}

/** The five broad groups of the census classification of England and Wales. */
export const ETHNIC_GROUPS = ['white', 'mixed', 'asian', 'black', 'other'] as const;
export type EthnicGroup = (typeof ETHNIC_GROUPS)[number];

/**
 * The broad group the words typed name, for the figures: 'mixed' when they say so or name more
 * than one group, 'other' when they name none. The text itself is sealed.
 */
export function ethnicGroupOf(text: string): EthnicGroup {
  const words = text.toLowerCase();
  if (/\b(mixed|dual heritage|multiple)\b/.test(words)) return 'mixed';
  const named = (
    [
      ['white', /\b(white|irish|gypsy|traveller|roma)\b/],
      ['asian', /\b(asian|indian|pakistani|bangladeshi|chinese)\b/],
      ['black', /\b(black|african|caribbean)\b/],
    ] as const
  ).filter(([, pattern]) => pattern.test(words));
  if (named.length > 1) return 'mixed'; // "White and Asian": the census's mixed group
  return named[0]?.[0] ?? 'other';
}

/** What a report tells about a child's demographics, before it is stored. */
export interface Demographics {
  initials?: string;
  yearOfBirth?: number;
  ethnicity?: string;
  gender?: string;
  accommodation?: string;
  inCare?: boolean;
}

/** The Person columns for what is given: identifying values sealed to row `id`, coarse ones beside them. */
export function demographicColumns(cipher: FieldCipher, id: string, facts: Demographics, now: Date) {
  return {
    ...(facts.initials !== undefined && { initials: cipher.seal('Person', 'initials', id, facts.initials) }),
    ...(facts.yearOfBirth !== undefined && {
      yearOfBirthEnc: cipher.seal('Person', 'yearOfBirthEnc', id, String(facts.yearOfBirth)),
      yearOfBirth: null,
      ageBand: ageBandOf(facts.yearOfBirth, now),
    }),
    ...(facts.ethnicity && {
      ethnicity: cipher.seal('Person', 'ethnicity', id, facts.ethnicity),
      ethnicGroup: ethnicGroupOf(facts.ethnicity),
    }),
    ...(facts.gender && { gender: facts.gender }),
    ...(facts.accommodation && { accommodation: facts.accommodation }),
    ...(facts.inCare !== undefined && { inCare: facts.inCare }),
  };
}

/** A child's initials as shown (a reference and initials is what channel messages carry). */
export function openInitials(cipher: FieldCipher, person: { id: string; initials: string }): string {
  return cipher.open('Person', 'initials', person.id, person.initials);
}

/** A child's year of birth: sealed, or (until `keys rotate` has run) the old clear column. */
export function openYearOfBirth(
  cipher: FieldCipher,
  person: { id: string; yearOfBirthEnc: string | null; yearOfBirth: number | null },
): number | null {
  if (person.yearOfBirthEnc)
    return Number(cipher.open('Person', 'yearOfBirthEnc', person.id, person.yearOfBirthEnc));
  return person.yearOfBirth;
}

/** The ethnicity as typed, opened. */
export function openEthnicity(
  cipher: FieldCipher,
  person: { id: string; ethnicity: string | null },
): string | null {
  return cipher.openOptional('Person', 'ethnicity', person.id, person.ethnicity);
}

/** What a person select needs for openYearOfBirth. */
export const yearOfBirthFields = { id: true, yearOfBirthEnc: true, yearOfBirth: true } as const;
