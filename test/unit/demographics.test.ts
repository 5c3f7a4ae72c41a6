import { describe, expect, it } from 'vitest';
import { ageBandOf, ethnicGroupOf } from '../../src/children/demographics';

describe("a child's coarse demographics (issue 17)", () => {
  it('puts a year of birth in the figures age band for the year asked', () => {
    const in2026 = new Date('2026-06-01T00:00:00Z');
    expect([2017, 2016, 2014, 2013, 2011, 2010, 2009, 2008].map((year) => ageBandOf(year, in2026))).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4,
    ]);
    expect(ageBandOf(2014, new Date('2027-01-01T00:00:00Z'))).toBe(2); // 13 in 2027
  });

  it('gives the broad group the words name, mixed when they name several, and other when none', () => {
    expect(ethnicGroupOf('White British')).toBe('white');
    expect(ethnicGroupOf('Gypsy or Irish Traveller')).toBe('white');
    expect(ethnicGroupOf('Mixed White and Black Caribbean')).toBe('mixed');
    expect(ethnicGroupOf('Black African')).toBe('black');
    expect(ethnicGroupOf('British Pakistani')).toBe('asian');
    expect(ethnicGroupOf('Arab')).toBe('other');
    expect(ethnicGroupOf('white and asian')).toBe('mixed');
  });
});
