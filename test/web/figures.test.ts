import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { RefusedError } from '../../src/access/refusal';
import { toPlainText } from '../../src/conversation/plain-text';
import { loadPrompts } from '../../src/conversation/prompts';
import { fixedClock } from '../../src/domain/clock';
import { FiguresService, type MonthlyFigures } from '../../src/figures/figures.service';
import { figuresReply } from '../../src/figures/figures-reply';
import { currentMonth, monthBounds, parseMonth } from '../../src/figures/periods';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';
import { seedFixtureMonth } from './fixture-month';
import { makeActor } from './support';

const messages = loadPrompts().messages;
const clock = fixedClock('2026-11-28T10:00:00Z');

/*
 * The fixture month is October 2026. In London, October 2026 runs from 2026-09-30T23:00Z
 * (midnight BST) to 2026-11-01T00:00Z (midnight GMT: the clocks went back on 25 October), so
 * rows a few minutes either side of those instants test the month's edges. The clock reads
 * 2026-11-28, so October is over and its figures are taken at its end. The repeat-missing
 * window is 90 days ending 2026-11-01T00:00Z: from 2026-08-03T00:00Z.
 * Every expected number below is worked out by hand from test/web/fixture-month.ts.
 */
describe.each(providers)('monthly figures (%s)', (provider) => {
  let database: TestDatabase;
  let figures: FiguresService;
  let member: Actor;
  let october: MonthlyFigures;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    figures = new FiguresService(database.read, clock, { threshold: 3, days: 90 });
    member = await makeActor(database.db, 'met-1', 'met-member');
    await seedFixtureMonth(database.db);
    october = await figures.monthly(member, '2026-10');
  });
  afterAll(() => database.destroy());

  it('takes the month in UK local time', () => {
    expect(monthBounds('2026-10')).toEqual({
      start: new Date('2026-09-30T23:00:00Z'), // 1 October, 00:00 BST
      end: new Date('2026-11-01T00:00:00Z'), // 1 November, 00:00 GMT
    });
    expect(october.label).toBe('October 2026');
    expect(october.partial).toBe(false); // the clock is in November
    expect(october.asOf).toBe('2026-11-01T00:00:00.000Z');
  });

  it('counts the children on the list by level, at the start and end of the month', () => {
    expect(october.list.levels).toEqual([
      // start: E1, E4, E6 (E6 has no history: counted as it stands since 15 Sep) | end: E2, E6
      { level: 'high', start: 3, end: 2, change: -1 },
      // start: E2, E5 | end: E5 (its change to high at 2026-11-01T00:00Z is after the month)
      { level: 'medium', start: 2, end: 1, change: -1 },
      // start: none | end: E1 (lowered 15 Oct), E3 (nominated 00:30 BST on 1 October)
      { level: 'low', start: 0, end: 2, change: 2 },
    ]);
    expect(october.list.start).toBe(5); // 3 + 2 + 0
    expect(october.list.end).toBe(5); // 2 + 1 + 2
    expect(october.list.joined).toBe(1); // E3
    expect(october.list.left).toBe(1); // E4, removed 20 Oct
    expect(october.list.raised).toBe(1); // E2 medium → high
    expect(october.list.lowered).toBe(1); // E1 high → low
  });

  it('gives the proportion moving from high to low', () => {
    expect(october.list.highAtStart).toBe(3); // E1, E4, E6
    expect(october.list.highToLow).toBe(1); // E1 (E4 left the list instead; E6 stayed high)
    expect(october.list.highToLowProportion).toBeCloseTo(1 / 3);
  });

  it('counts missing episodes and children by times missing in 90 days', () => {
    // Began in October: Alpha 3 Oct and 20 Oct, Bravo 00:30 BST 1 Oct, Charlie 23:59 GMT 31 Oct.
    // Not: Charlie 23:30 BST 30 Sep, Echo 00:00 GMT 1 Nov.
    expect(october.missing.episodes).toBe(4);
    expect(october.missing.children).toBe(3); // Alpha, Bravo, Charlie
    expect(october.missing.windowDays).toBe(90);
    expect(october.missing.byTimes).toEqual([
      { label: 'Once', times: 1, orMore: false, children: 1 }, // Bravo
      { label: 'Twice', times: 2, orMore: false, children: 1 }, // Charlie (30 Sep, 31 Oct)
      // Alpha (10 Sep, 3 Oct, 20 Oct; 1 Aug is before the window) and Golf (5 Aug, 20 Aug, 5 Sep, 25 Sep).
      // Foxtrot's 2 Aug 23:59Z is a minute before the window: not counted.
      { label: '3 or more times', times: 3, orMore: true, children: 2 },
    ]);
  });

  it('counts return interviews offered, completed and within 72 hours', () => {
    // Returned in October: R2, R3, R4 (00:50 BST 1 Oct), R6, R7, R8.
    // Not: Alpha 12 Sep, Charlie 23:45 BST 30 Sep, Charlie 02:00 GMT 1 Nov.
    expect(october.returnInterviews).toEqual({
      returned: 6,
      offered: 4, // R2, R3, R4, R8 (R8 recorded as completed with no separate offer time)
      offeredWithin72Hours: 3, // R2, R4, R8; R3 was offered a day late
      completed: 3, // R2, R3, R8
      completedWithin72Hours: 2, // R2, R8
      declined: 1, // R4
      outstanding: 1, // R6: nothing recorded yet (R7 is recorded as not offered)
      completedProportion: 0.5, // 3 of 6
    });
  });

  it('counts intelligence reports by agency', () => {
    expect(october.intelligence).toEqual({
      total: 4, // I1–I4; I5 was sent at 23:59 BST on 30 Sep, I6 is a missing report
      byAgency: [
        { agency: 'Example Police', reports: 2 }, // I1, I2
        { agency: 'Example School', reports: 1 }, // I3, 23:30 GMT 31 Oct
        { agency: 'No agency recorded', reports: 1 }, // I4
      ],
    });
  });

  it('counts risk checks at the level that stands, and NRM referrals considered', () => {
    expect(october.riskChecks.total).toBe(9); // K1–K9; K10 was at 23:00 BST on 30 Sep
    expect(october.riskChecks.byCheck).toEqual([
      // K1 high; K2 medium lowered to low by the practitioner; K3 low raised to high; K4 medium
      { check: 'cse', name: 'Exploitation (CSE/CCE)', total: 4, high: 2, medium: 1, low: 1 },
      { check: 'missing', name: 'Missing', total: 1, high: 0, medium: 1, low: 0 }, // K5
      // K6 medium, K7 high, K8 low, K9 medium
      { check: 'trafficking', name: 'Trafficking', total: 4, high: 1, medium: 2, low: 1 },
    ]);
    expect(october.riskChecks.childrenAtRiskOfExploitation).toBe(2); // Alpha (K1, K4), Bravo (K3)
    expect(october.nrm).toEqual({
      referralsConsidered: 3, // K6, K7, K9 had an indicator; K8 had none
      childrenThoughtTrafficked: 1, // Foxtrot (K6, K7); K9 named no child
    });
  });

  it('profiles the children on the list at the end of the month', () => {
    // On the list at the end: Alpha, Bravo, Charlie, Echo, Foxtrot (Delta was removed).
    expect(october.profiles.age).toEqual([
      { label: 'Under 10', count: 1 }, // Echo, born 2017
      { label: '10 to 12', count: 0 },
      { label: '13 to 15', count: 2 }, // Alpha 2011, Bravo 2013
      { label: '16 to 17', count: 1 }, // Charlie 2009
      { label: '18 or over', count: 1 }, // Foxtrot 2008
      { label: 'Not known', count: 0 }, // Delta has no year of birth, but is off the list
    ]);
    expect(october.profiles.gender).toEqual([
      { label: 'Male', count: 3 }, // Bravo, Echo, Foxtrot
      { label: 'Female', count: 2 }, // Alpha, Charlie
    ]);
    expect(october.profiles.ethnicity).toEqual([
      // By broad group (issue 17: the text as typed is sealed, and never grouped on).
      { label: 'Asian', count: 1 }, // Foxtrot, "asian british"
      { label: 'Black', count: 1 }, // Echo, "black british"
      { label: 'Mixed', count: 1 }, // Bravo
      { label: 'White', count: 1 }, // Alpha, "white british"
      { label: 'Not recorded', count: 1 }, // Charlie
    ]);
    expect(october.profiles.accommodation).toEqual([
      { label: 'Family', count: 1 }, // Charlie
      { label: 'Foster', count: 1 }, // Bravo
      { label: 'Residential', count: 1 }, // Alpha
      { label: 'Supported', count: 1 }, // Foxtrot
      { label: 'Not recorded', count: 1 }, // Echo
    ]);
  });

  it('gives a month with nothing in it as zeros, with no proportion', async () => {
    const empty = await figures.monthly(member, '2025-01');
    expect(empty.list.end).toBe(0);
    expect(empty.list.highToLowProportion).toBeNull();
    expect(empty.missing.episodes).toBe(0);
    expect(empty.returnInterviews.returned).toBe(0);
    expect(empty.returnInterviews.completedProportion).toBeNull();
    expect(empty.intelligence.total).toBe(0);
    expect(empty.riskChecks.total).toBe(0);
  });

  it('takes the running month so far', async () => {
    const november = await figures.monthly(member);
    expect(november.month).toBe('2026-11');
    expect(november.partial).toBe(true);
    expect(november.asOf).toBe('2026-11-28T10:00:00.000Z');
    // E5 went to high at 00:00 GMT on 1 November: high is E2, E5, E6.
    expect(november.list.levels.find((row) => row.level === 'high')?.end).toBe(3);
  });

  it('serves a month from memory for as long as it is told, one count for many asks', async () => {
    let wall = 0;
    const cached = new FiguresService(
      database.read,
      clock,
      { threshold: 3, days: 90 },
      { cacheSeconds: 60, cacheClock: () => wall },
    );
    const [first, second] = await Promise.all([
      cached.monthly(member, '2026-10'),
      cached.monthly(member, '2026-10'),
    ]);
    expect(first).toBe(second);
    const late = await database.db.record.create({
      data: {
        reference: 'INT-2026-0099',
        type: 'intelligence',
        schemaVersion: 1,
        submittedById: 'fixture',
        surface: 'console',
        dataEnc: 'fixture',
        createdAt: new Date('2026-10-30T10:00:00Z'),
      },
    });
    try {
      wall = 59_999;
      expect((await cached.monthly(member, '2026-10')).intelligence.total).toBe(4); // still the count made at 0
      wall = 60_000;
      expect((await cached.monthly(member, '2026-10')).intelligence.total).toBe(5); // a minute on: counted again
      expect((await figures.monthly(member, '2026-10')).intelligence.total).toBe(5); // no cache: always afresh
    } finally {
      await database.db.record.delete({ where: { id: late.id } });
    }
  });

  it('refuses practitioners', async () => {
    const practitioner = await makeActor(database.db, 'prac-1', 'practitioner');
    await expect(figures.monthly(practitioner, '2026-10')).rejects.toBeInstanceOf(RefusedError);
    await expect(figuresReply({ figures, clock }, practitioner, '')).rejects.toBeInstanceOf(RefusedError);
  });

  it('answers `figures <month>` in chat with the same numbers', async () => {
    const reply = await figuresReply({ figures, clock }, member, 'october');
    const shown = toPlainText(reply, messages);
    expect(shown).toContain('*Figures for October 2026*');
    expect(shown).toContain('Moved from high to low: 1 of 3 (33%)');
    expect(shown).toContain('3 or more times in 90 days: 2');
    expect(shown).toContain('Completed: 3 (50% of returns)');
    expect(shown).toContain('NRM referral considered: 3');
    const thisMonth = toPlainText(await figuresReply({ figures, clock }, member), messages);
    expect(thisMonth).toContain('*Figures for November 2026 so far*');
    const unclear = await figuresReply({ figures, clock }, member, 'soon');
    expect(toPlainText(unclear, messages)).toMatch(/^Which month\?/);
    const future = await figuresReply({ figures, clock }, member, '2027-01');
    expect(toPlainText(future, messages)).toContain("January 2027 hasn't started yet");
  });
});

describe('months as people type them', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  it.each([
    ['', '2026-11'],
    ['this month', '2026-11'],
    ['last month', '2026-10'],
    ['2026-10', '2026-10'],
    ['2026-3', '2026-03'],
    ['10/2026', '2026-10'],
    ['october', '2026-10'],
    ['Oct 2025', '2025-10'],
    ['december', '2025-12'], // December 2026 has not begun: the latest December that has
    ['November', '2026-11'],
    ['2026-13', null],
    ['soon', null],
    ['ma', null],
  ])('%j → %s', (input, expected) => {
    expect(parseMonth(input, now)).toBe(expected);
  });

  it('names the month in London at midnight on the first', () => {
    expect(currentMonth(new Date('2026-09-30T23:30:00Z'))).toBe('2026-10'); // 00:30 BST on 1 October
    expect(currentMonth(new Date('2026-10-31T23:30:00Z'))).toBe('2026-10'); // 23:30 GMT on 31 October
  });
});
