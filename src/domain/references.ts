/** Readable references: INT-2026-000123. The prefix says what it is; the year when it was made. */
export const referencePrefixes = {
  intelligence: 'INT',
  missing: 'MIS',
  return: 'RET',
  'risk-check': 'RC',
  'return-interview': 'RI',
  'met-list-change': 'MET',
} as const;
export type RecordType = keyof typeof referencePrefixes;

export function formatReference(type: RecordType, year: number, sequence: number): string {
  return `${referencePrefixes[type]}-${year}-${String(sequence).padStart(6, '0')}`;
}

export const referencePattern = /^(INT|MIS|RET|RC|RI|MET)-\d{4}-\d{6}$/;

export function initialsOf(name: string): string {
  const letters = name
    .split(/[\s-]+/)
    .filter((part) => /^\p{L}/u.test(part))
    .map((part) => part[0]!.toUpperCase());
  return letters.length ? `${letters.join('.')}.` : '?';
}
