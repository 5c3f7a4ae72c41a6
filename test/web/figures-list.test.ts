import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { FiguresService, tidy } from '../../src/figures/figures.service';
import { periodBounds } from '../../src/figures/periods';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';

/*
 * The MET list's figures are counted from indexes for the entries as they stand, with a
 * correction for the entries changed since the period began (FiguresService.listStates and
 * listProfiles). Here any history (entries, their changes before, in and after the period,
 * entries with none) gives the same figures as a recount entry by entry from the definition:
 * a child's place at a moment is the last change before it when the history records a change
 * since, otherwise the entry as it stands (from its nomination).
 */
const clock = fixedClock('2026-11-28T10:00:00Z');
const periods = ['2026-10', '2026-11', '2026-Q4'];

// Instants around October 2026 (London: 2026-09-30T23:00Z to 2026-11-01T00:00Z) and the clock,
// each edge exactly and either side of it.
const instants = [
  '2026-08-20T12:00:00Z',
  '2026-09-30T22:59:59.999Z',
  '2026-09-30T23:00:00Z',
  '2026-09-30T23:00:00.001Z',
  '2026-10-15T12:00:00Z',
  '2026-10-31T23:59:59.999Z',
  '2026-11-01T00:00:00Z',
  '2026-11-01T00:00:00.001Z',
  '2026-11-10T12:00:00Z',
  '2026-11-28T09:59:59.999Z',
  '2026-11-28T10:00:00Z',
].map((iso) => new Date(iso));

const statuses = ['proposed', 'nominated', 'active', 'removed', 'declined'];
const levels = ['high', 'medium', 'low', null];
const onList = new Set(['nominated', 'active']);
const ageBands = ['Under 10', '10 to 12', '13 to 15', '16 to 17', '18 or over', 'Not known'];

const entryArbitrary = fc.record({
  status: fc.constantFrom(...statuses),
  level: fc.constantFrom(...levels),
  nominatedAt: fc.nat(instants.length - 1),
  // Distinct instants, so that the order of the history is its order in time.
  changes: fc.uniqueArray(
    fc.record({
      at: fc.nat(instants.length - 1),
      toStatus: fc.constantFrom(...statuses),
      toLevel: fc.constantFrom(...levels),
    }),
    { maxLength: 4, selector: (change) => change.at },
  ),
  ageBand: fc.constantFrom(0, 2, 4, null),
  gender: fc.constantFrom('female', 'male', null),
  ethnicGroup: fc.constantFrom('white', 'mixed', null),
  accommodation: fc.constantFrom('family', 'foster', null),
});
type Entry = typeof entryArbitrary extends fc.Arbitrary<infer T> ? T : never;

type State = { on: boolean; level: string };

function stateAt(entry: Entry, moment: Date): State {
  const changes = entry.changes.map((change) => ({ ...change, at: instants[change.at]! }));
  let status: string | null;
  let level: string | null;
  if (changes.some((change) => change.at >= moment)) {
    const before = changes
      .filter((change) => change.at < moment)
      .sort((a, b) => +a.at - +b.at)
      .at(-1);
    [status, level] = before ? [before.toStatus, before.toLevel] : [null, null];
  } else if (instants[entry.nominatedAt]! < moment) [status, level] = [entry.status, entry.level];
  else [status, level] = [null, null];
  return { on: status !== null && onList.has(status), level: level ?? 'not set' };
}

/** The list's figures worked out one entry at a time. */
function recount(entries: Entry[], start: Date, asOf: Date) {
  const level = { high: [0, 0], medium: [0, 0], low: [0, 0], 'not set': [0, 0] } as Record<string, number[]>;
  const rank: Record<string, number> = { low: 1, medium: 2, high: 3 };
  const sums = {
    joined: 0,
    left: 0,
    raised: 0,
    lowered: 0,
    highAtStart: 0,
    highToLow: 0,
    cohort: 0,
    moved: 0,
  };
  const profiles = {
    age: new Map<string, number>(),
    gender: new Map(),
    ethnicity: new Map(),
    accommodation: new Map(),
  };
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const entry of entries) {
    const before = stateAt(entry, start);
    const after = stateAt(entry, asOf);
    if (before.on) level[before.level]![0]! += 1;
    if (after.on) level[after.level]![1]! += 1;
    if (!before.on && after.on) sums.joined += 1;
    if (before.on && !after.on) sums.left += 1;
    const [from, to] = [rank[before.level] ?? 0, rank[after.level] ?? 0];
    if (before.on && after.on && from && to && to > from) sums.raised += 1;
    if (before.on && after.on && from && to && to < from) sums.lowered += 1;
    const startHigh = before.on && before.level === 'high';
    if (startHigh) sums.highAtStart += 1;
    if (startHigh && after.on && after.level === 'low') sums.highToLow += 1;
    const inPeriod = entry.changes
      .map((change) => ({ ...change, at: instants[change.at]! }))
      .filter((change) => change.at >= start && change.at < asOf && onList.has(change.toStatus));
    const highs = inPeriod.filter((change) => change.toLevel === 'high').map((change) => +change.at);
    const lows = inPeriod.filter((change) => change.toLevel === 'low').map((change) => +change.at);
    if (startHigh || highs.length || (after.on && after.level === 'high')) {
      sums.cohort += 1;
      if (
        (startHigh && lows.length) ||
        (highs.length && lows.length && Math.max(...lows) > Math.min(...highs))
      ) {
        sums.moved += 1;
      }
    }
    if (after.on) {
      add(profiles.age, ageBands[entry.ageBand ?? 5]!);
      add(profiles.gender, tidy(entry.gender));
      add(profiles.ethnicity, tidy(entry.ethnicGroup));
      add(profiles.accommodation, tidy(entry.accommodation));
    }
  }
  return { level, sums, profiles };
}

describe.each(providers)('the MET list figures against a recount of its history (%s)', (provider) => {
  let database: TestDatabase;
  let figures: FiguresService;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    figures = new FiguresService(database.read, clock);
  });
  afterAll(() => database.destroy());

  it('counts every period as the recount does, whatever the history', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { maxLength: 8 }), async (entries) => {
        const db = database.db;
        await db.metLevelChange.deleteMany();
        await db.metListEntry.deleteMany();
        await db.person.deleteMany();
        for (const entry of entries) {
          const child = await db.person.create({
            data: {
              kind: 'child',
              initials: 'ZZ',
              nameEnc: 'invented',
              ageBand: entry.ageBand,
              gender: entry.gender,
              ethnicGroup: entry.ethnicGroup,
              accommodation: entry.accommodation,
            },
          });
          const row = await db.metListEntry.create({
            data: {
              childId: child.id,
              status: entry.status,
              level: entry.level,
              nominatedById: 'invented',
              nominatedAt: instants[entry.nominatedAt]!,
            },
          });
          await db.metLevelChange.createMany({
            data: entry.changes.map((change) => ({
              id: randomUUID(),
              entryId: row.id,
              toStatus: change.toStatus,
              toLevel: change.toLevel,
              reason: 'invented',
              changedById: 'invented',
              changedAt: instants[change.at]!,
            })),
          });
        }
        for (const period of periods) {
          const counted = await figures.count(period);
          const { start } = periodBounds(period);
          const expected = recount(entries, start, new Date(counted.asOf));
          const shownLevels = Object.fromEntries(Object.keys(expected.level).map((level) => [level, [0, 0]]));
          for (const row of counted.list.levels) shownLevels[row.level] = [row.start, row.end];
          expect(shownLevels).toEqual(expected.level);
          const { list } = counted;
          const highToLow = counted.sectionK.find((figure) => figure.id === 'high-to-low')!;
          expect({
            joined: list.joined,
            left: list.left,
            raised: list.raised,
            lowered: list.lowered,
            highAtStart: list.highAtStart,
            highToLow: list.highToLow,
            cohort: highToLow.of,
            moved: highToLow.value,
          }).toEqual(expected.sums);
          for (const key of ['age', 'gender', 'ethnicity', 'accommodation'] as const) {
            const shown = counted.profiles[key].filter((row) => row.count !== 0);
            expect(new Map(shown.map((row) => [row.label, row.count]))).toEqual(expected.profiles[key]);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
