import { describe, expect, it } from 'vitest';
import { rulesRaisedBy } from '../../src/domain/alert-rules';
import { namesMatch, notIndependent } from '../../src/domain/independence';
import { isRepeatMissing, timesMissing } from '../../src/domain/missing-history';
import { afterIntelligence, afterInterview } from '../../src/submissions/next-steps';

describe('missing history', () => {
  it('takes the larger of the episodes on record and the reporter’s count, never their sum', () => {
    // The reporter's three earlier times may include the one on record.
    expect(timesMissing({ onRecord: 2, reportedBefore: 3 })).toBe(4);
    expect(timesMissing({ onRecord: 5, reportedBefore: 1 })).toBe(5);
    // "Don't know" leaves only what is on record.
    expect(timesMissing({ onRecord: 1, reportedBefore: undefined })).toBe(1);
    expect(timesMissing({ onRecord: 1, reportedBefore: 0 })).toBe(1);
  });

  it('is repeat missing at the threshold (3 in 90 days by default)', () => {
    expect(isRepeatMissing(3, 3)).toBe(true);
    expect(isRepeatMissing(2, 3)).toBe(false);
  });

  it('raises the repeat-missing alert from the first report', () => {
    const facts = { type: 'missing', immediateDanger: false, child: { ageYears: 15 } };
    expect(rulesRaisedBy({ ...facts, repeat: { times: 4, threshold: 3 } })).toEqual(['repeat-missing']);
    expect(rulesRaisedBy({ ...facts, repeat: { times: 2, threshold: 3 } })).toEqual([]);
  });
});

describe('independence of the return interviewer', () => {
  // MET Strategy: "a worker independent of the care arrangements … not the foster carer or residential worker".
  it('matches the carer’s name in any order, case or punctuation', () => {
    expect(namesMatch('Example, Mo', 'mo example')).toBe(true);
    expect(namesMatch('Mo Example', 'Sam Example')).toBe(false);
    expect(namesMatch('', 'Mo Example')).toBe(false);
  });

  it('refuses the carer by name or by an email address made of their name', () => {
    expect(notIndependent({ name: 'Mo Example' }, 'Mo Example')).toMatch(/independent/);
    expect(notIndependent({ email: 'mo.example@home.example' }, 'Mo Example')).toMatch(/independent/);
    expect(notIndependent({ name: 'Sam Testworker' }, 'Mo Example')).toBeNull();
    expect(notIndependent({ name: 'Mo Example' }, undefined)).toBeNull();
  });
});

describe('next steps offered', () => {
  it('offers a CSE or CCE check after intelligence that describes exploitation', () => {
    expect(afterIntelligence({ whatHappened: 'Seen with an older boyfriend who buys her gifts' })).toEqual([
      'cse-check',
    ]);
    expect(afterIntelligence({ whatHappened: 'He carries packages to Example Town for older boys' })).toEqual(
      ['cce-check'],
    );
    expect(afterIntelligence({ whatHappened: 'Truanting on Fridays' })).toEqual([]);
  });

  it('offers to send an interview that discloses places, people or phones as intelligence', () => {
    expect(afterInterview({ outcome: 'completed', harm: 'None', childViews: 'Wants to stay' })).toEqual([]);
    expect(afterInterview({ outcome: 'completed', childViews: 'He rang 07700 900123 for a lift' })).toEqual([
      'as-intelligence',
    ]);
    expect(afterInterview({ outcome: 'completed', whereTheyWere: 'A flat', harm: 'Held drugs' })).toEqual([
      'cce-check',
      'as-intelligence',
    ]);
    expect(afterInterview({ outcome: 'declined', whereTheyWere: 'A flat' })).toEqual([]);
  });
});
