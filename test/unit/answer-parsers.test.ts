import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/conversation/answer-parsers';

// Saturday 28 November 2026, 14:30 in the UK (GMT, so UTC too).
const now = new Date('2026-11-28T14:30:00Z');
const options = [
  { value: 'home', label: 'Home' },
  { value: 'school', label: 'School' },
  { value: 'other', label: 'Somewhere else' },
];

describe('answers', () => {
  it.each([
    ['now', '2026-11-28T14:30:00.000Z'],
    ['14:30', '2026-11-28T14:30:00.000Z'],
    ['today 2pm', '2026-11-28T14:00:00.000Z'],
    ['yesterday 21:00', '2026-11-27T21:00:00.000Z'],
    ['yesterday at 9.15pm', '2026-11-27T21:15:00.000Z'],
    ['27/11/2026 18:45', '2026-11-27T18:45:00.000Z'],
    ['27/11 18:45', '2026-11-27T18:45:00.000Z'],
    ['27 Nov 2026 10:00', '2026-11-27T10:00:00.000Z'],
    ['01/07/2026 14:30', '2026-07-01T13:30:00.000Z'], // BST: an hour ahead of UTC
    ['2026-11-27T10:00:00Z', '2026-11-27T10:00:00.000Z'],
  ])('reads the time "%s"', (typed, iso) => {
    expect(parseAnswer('datetime', typed, [], now)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ['tomorrow', 'Please give a day and a time'],
    ['29/11/2026 10:00', 'That is in the future'],
    ['31/02/2026 10:00', 'That date does not exist'],
    ['today 25:00', 'That time does not exist'],
    ['today 13pm', 'With am or pm, the hour is from 1 to 12'],
  ])('refuses the time "%s" with a reason', (typed, reason) => {
    const parsed = parseAnswer('datetime', typed, [], now);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });

  it.each([
    ['28/11/2012', '2012-11-28'],
    ['1 Jan 2013', '2013-01-01'],
    ['12/1/12', '2012-01-12'],
    ['2012-02-29', '2012-02-29'],
  ])('reads the date "%s"', (typed, iso) => {
    expect(parseAnswer('date', typed, [], now)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ['2013-02-29', 'does not exist'],
    ['30/11/2026', 'in the future'],
    ['next week', 'Please type a date'],
  ])('refuses the date "%s"', (typed, reason) => {
    const parsed = parseAnswer('date', typed, [], now);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });

  it.each([
    ['2', 'school'],
    ['home', 'home'],
    ['Somewhere else', 'other'],
    ['somewhere', 'other'],
    ['  SCHOOL. ', 'school'],
  ])('reads the choice "%s"', (typed, value) => {
    expect(parseAnswer('choice', typed, options, now)).toEqual({ ok: true, value });
  });

  it('refuses a choice that is not on the list', () => {
    expect(parseAnswer('choice', '7', options, now)).toEqual({
      ok: false,
      reason: "Please choose a number from 1 to 3, or type the option's words.",
    });
  });

  it('reads a graded choice by its words without the code, or by the code (found by the six-people scenario)', () => {
    // The intelligence form's grading questions label each option with its 3x5x2 code.
    const source = [
      { value: '1', label: '1: reliable' },
      { value: '2', label: '2: untested' },
      { value: '3', label: '3: not reliable' },
      { value: 'unknown', label: "I don't know" },
    ];
    expect(parseAnswer('choice', 'reliable', source, now)).toEqual({ ok: true, value: '1' });
    expect(parseAnswer('choice', 'not reliable', source, now)).toEqual({ ok: true, value: '3' });
    expect(parseAnswer('choice', 'unt', source, now)).toEqual({ ok: true, value: '2' });
    const assessment = [
      { value: 'A', label: 'A: known first-hand' },
      { value: 'B', label: 'B: heard from others, and backed up' },
      { value: 'C', label: 'C: heard from others, not backed up' },
    ];
    expect(parseAnswer('choice', 'a', assessment, now)).toEqual({ ok: true, value: 'A' });
    expect(parseAnswer('choice', 'known first-hand', assessment, now)).toEqual({ ok: true, value: 'A' });
    expect(parseAnswer('choice', 'heard from others, and', assessment, now)).toEqual({
      ok: true,
      value: 'B',
    });
  });

  it('reads a choice by its words or an unambiguous start, and asks again when the start fits two', () => {
    const care = [
      { value: 'care-foster', label: 'Foster care' },
      { value: 'care-residential', label: "Residential care (children's home)" },
      { value: 'care-supported', label: 'Supported accommodation' },
      { value: 'school', label: 'School' },
      { value: 'secure', label: 'Secure unit' },
    ];
    expect(parseAnswer('choice', 'Residential care', care, now)).toEqual({
      ok: true,
      value: 'care-residential',
    });
    expect(parseAnswer('choice', "residential care (children's home)", care, now)).toEqual({
      ok: true,
      value: 'care-residential',
    });
    expect(parseAnswer('choice', 'sc', care, now)).toEqual({ ok: true, value: 'school' });
    expect(parseAnswer('choice', 's', care, now)).toEqual({
      ok: false,
      reason:
        '"s" could be Supported accommodation or School or Secure unit: please type a little more, or the number.',
    });
    expect(parseAnswer('multichoice', 'foster care, school', care, now)).toEqual({
      ok: true,
      value: ['care-foster', 'school'],
    });
    expect(parseAnswer('choice', '((', care, now).ok).toBe(false);
  });

  it.each([
    ['1, 3', ['home', 'other']],
    ['3 1 1', ['other', 'home']],
    ['none', []],
  ])('reads the choices "%s"', (typed, values) => {
    expect(parseAnswer('multichoice', typed, options, now)).toEqual({ ok: true, value: values });
  });

  it('names the pick that is not on the list', () => {
    const parsed = parseAnswer('multichoice', '1, 9', options, now);
    expect(!parsed.ok && parsed.reason).toContain('"9" is not on the list');
  });

  it.each([
    ['yes', true],
    ['Y', true],
    ['no', false],
  ])('reads yes or no: "%s"', (typed, value) => {
    expect(parseAnswer('yesno', typed, [], now)).toEqual({ ok: true, value });
  });

  it('asks for yes or no, a number, or any text', () => {
    expect(parseAnswer('yesno', 'maybe', [], now)).toEqual({ ok: false, reason: 'Please answer yes or no.' });
    expect(parseAnswer('number', 'fourteen', [], now).ok).toBe(false);
    expect(parseAnswer('text', '   ', [], now)).toEqual({ ok: false, reason: 'Please type an answer.' });
  });
});
