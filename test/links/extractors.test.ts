import { describe, expect, it } from 'vitest';
import {
  extractEntities,
  extractHandles,
  extractNicknames,
  extractPhones,
  extractPostcodes,
  extractRegistrations,
  extractTimes,
  normaliseNickname,
} from '../../src/links/extractors';
import { indexTerms, partialFragment } from '../../src/links/index-terms';

describe('UK registrations (current format, with ? for unknown characters)', () => {
  it.each<[string, string[]]>([
    ['a silver Corsa HX15 ABC outside', ['HX15 ABC']],
    ['reg hx15abc', ['HX15 ABC']],
    ['silver Corsa HX1? seen twice', ['HX1? ???']],
    ['HX1? ABC', ['HX1? ABC']],
    ['HX15 A??', ['HX15 A??']],
    ['HX15 ABC and again HX15ABC', ['HX15 ABC']],
    ['two cars: AB12 CDE, YY70 XYZ', ['AB12 CDE', 'YY70 XYZ']],
    ['MEET at THIS place', []], // words without digits are not registrations
    ['??12 ABC', []], // the area letters unknown: too vague
    ['IQ12 ABC', []], // DVLA never uses I or Q in the area letters
    ['call 07700 900123', []],
    ['email deano99@example.org', []],
  ])('%s', (text, expected) => {
    expect(extractRegistrations(text)).toEqual(expected);
  });
});

describe('UK phone numbers to E.164', () => {
  it.each<[string, string[]]>([
    ['ring 07700 900123 tonight', ['+447700900123']],
    ['+44 7700 900123', ['+447700900123']],
    ['+44 (0)7700-900-123', ['+447700900123']],
    ['0044 7700 900 123', ['+447700900123']],
    ['landline 0113 496 0000', ['+441134960000']],
    ['07700 900123 or 07700900456', ['+447700900123', '+447700900456']],
    ['12345 678', []],
    ['07700 9001', []], // too short
    ['0800 123', []],
  ])('%s', (text, expected) => {
    expect(extractPhones(text)).toEqual(expected);
  });
});

describe('postcodes', () => {
  it.each<[string, string[]]>([
    ['near LS1 4AB', ['LS1 4AB']],
    ['so171bj', ['SO17 1BJ']],
    ['EC1A 1BB and W1A 0AX', ['EC1A 1BB', 'W1A 0AX']],
    ['HX15 ABC', []],
    ['room 101', []],
  ])('%s', (text, expected) => {
    expect(extractPostcodes(text)).toEqual(expected);
  });
});

describe('@handles with the platform named beside them', () => {
  it.each<[string, { value: string; platform?: string }[]]>([
    ['on snapchat @Deano_99', [{ value: '@deano_99', platform: 'Snapchat' }]],
    ['@big.t. on insta', [{ value: '@big.t', platform: 'Instagram' }]],
    ['messages from @someone', [{ value: '@someone' }]],
    ['email deano@example.org', []],
    ['@a', []],
  ])('%s', (text, expected) => {
    expect(extractHandles(text)).toEqual(expected);
  });
});

describe('times of day', () => {
  it.each<[string, string[]]>([
    ['about 21:00', ['21:00']],
    ['9.30pm on Friday', ['21:30']],
    ['at 9pm and 7 am', ['21:00', '07:00']],
    ['12am', ['00:00']],
    ['aged 14, year 9', []],
    ['25:00', []],
  ])('%s', (text, expected) => {
    expect(extractTimes(text)).toEqual(expected);
  });
});

describe('names and nicknames introduced as such', () => {
  it.each<[string, string[]]>([
    ['a man called Deano', ['deano']],
    ["known as 'Big T'", ['big t']],
    ['goes by Smudgey, nicknamed Smudgie', ['smudgi']],
    ["called Deano's mate", ['deano']],
    ['a man called deano', []], // not written as a name: not guessed
    ['Deano was there', []],
  ])('%s', (text, expected) => {
    expect(extractNicknames(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['Deano', 'deano'],
    ['Deeano', 'deano'],
    ['DEANO', 'deano'],
    ['Zoë', 'zoe'],
    ['Smudgy', 'smudgi'],
  ])('%s normalises to %s', (raw, normal) => {
    expect(normaliseNickname(raw)).toBe(normal);
  });
});

describe('index terms: partial registrations meet whole ones through fragments', () => {
  const meets = (a: string, b: string) => {
    const x = indexTerms('vehicle', a);
    const y = indexTerms('vehicle', b);
    return x.sought.some((t) => y.stored.includes(t)) && y.sought.some((t) => x.stored.includes(t));
  };
  it.each<[string, string, boolean]>([
    ['HX1? ???', 'HX15 ABC', true],
    ['HX15 ABC', 'HX15 ABC', true],
    ['HX1? ABC', 'HX15 ABC', true],
    ['HX1? ABD', 'HX15 ABC', false],
    ['HX15 A??', 'HX15 ABC', true],
    ['HX1? ???', 'HX25 ABC', false],
    ['HX15 ABC', 'HX15 ABD', false], // two whole ones meet only when equal
    ['HX1? ???', 'HX1? ???', true],
    ['HX12 ???', 'HX15 ABC', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(meets(a, b)).toBe(expected);
  });

  it.each<[string, string | null]>([
    ['HX1????', 'HX1|'],
    ['HX1?ABC', 'HX1|ABC'],
    ['HX??ABC', 'HX|ABC'],
    ['HX?????', null],
  ])('%s → %s', (seven, fragment) => {
    expect(partialFragment(seven)).toBe(fragment);
  });
});

describe('every extractor runs in linear time', () => {
  it('takes a hostile 20,000-character text in well under a second', () => {
    const hostile = `${'HX1? 0770 @a.'.repeat(1500)}${'9'.repeat(2000)}${' called '.repeat(500)}`;
    const started = performance.now();
    extractEntities(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
