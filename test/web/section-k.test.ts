import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { RefusedError } from '../../src/access/refusal';
import { fixedClock } from '../../src/domain/clock';
import type { SectionKId } from '../../src/domain/section-k';
import { MISSING_BAND_DAYS, sectionK, sectionKIds } from '../../src/domain/section-k';
import type { MonthlyFigures } from '../../src/figures/figures.service';
import { parsePeriod, periodBounds, periodLabel, shiftPeriod } from '../../src/figures/periods';
import type { SectionKFigure } from '../../src/figures/section-k-figures';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import { at, seedFixtureMonth } from './fixture-month';

/*
 * Section K of the MET Strategy (the seed 000_f1cc58addeabf4ac.txt, "K. Performance Management"),
 * each line quoted as the strategy writes it. Each figure's definition must be that line.
 */
const quoted: Record<SectionKId, string> = {
  'high-to-low':
    "Proportion of children and young people identified as being at risk of CSE who move from 'high' risk to 'low risk'.",
  'trafficked-safeguarded':
    'Proportion of children and young people thought to have been trafficked who are effectively safeguarded.',
  perpetrators: 'Proportion of suspected perpetrators successfully disrupted, prosecuted and convicted.',
  'independent-interview':
    'Proportion of children and young people who have an independent return interview having gone missing.',
  'staff-trained-proportion':
    'Proportion of frontline staff that have been effectively trained in identifying the signs of CSE and trafficking.',
  'training-impact': 'Impact evaluation of training and awareness-raising activity.',
  'at-risk-of-cse': 'Number of children and young people identified as being at risk or the victim of CSE;',
  'risk-assessments': 'Number of risk assessments completed*;',
  nrm: 'Number of NRM',
  trafficked: 'Number of children and young people identified as trafficked (or thought to be trafficked);',
  'missing-in-90-days':
    'Number of children going missing once in 90 days, twice in 90 days, three times in 90 days',
  'return-interviews': 'Number of independent return interviews offered and completed;',
  disruption: 'Use of disruption techniques e.g. number of Child Abduction Warning Notices issued;',
  'staff-trained': 'Number of frontline staff trained*;',
  awareness: 'Number of awareness-raising activities delivered*;',
  fib1: 'Number of FIB1 forms completed and passed to Police Intelligence Team*.',
  prosecutions: 'Number of prosecutions brought;',
  smuggled: 'Number of children who are smuggled',
  convictions: 'Number of convictions secured.',
};

describe('section K as written', () => {
  it.each(sectionKIds.map((id) => [id, quoted[id]]))('%s quotes "%s"', (id, line) => {
    const figure = sectionK.find((k) => k.id === id)!;
    expect(figure.definition).toBe(line);
    // "Data collected for the outputs marked with * will be triangulated … with a particular agency."
    expect(figure.byAgency).toBe(line.includes('*') || id === 'staff-trained-proportion');
    expect(figure.proportion).toBe(line.startsWith('Proportion'));
  });

  it('has the six primary indicators and the thirteen data requirements, in the strategy’s order', () => {
    expect(sectionK.filter((k) => k.kind === 'indicator')).toHaveLength(6);
    expect(sectionK.filter((k) => k.kind === 'data')).toHaveLength(13);
  });

  it('is written out in docs/figures.md, each line quoted', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/figures.md'), 'utf8');
    for (const figure of sectionK) {
      expect(doc).toContain(`> ${figure.definition.replace(/\*/g, '\\*')}`);
      expect(doc).toContain(figure.counted);
    }
  });

  it('fixes the missing bands at 90 days', () => {
    // "Number of children going missing once in 90 days, twice in 90 days, three times in 90 days"
    expect(MISSING_BAND_DAYS).toBe(90);
  });
});

describe('periods: a quarter and a year as well as a month', () => {
  const now = new Date('2027-01-20T10:00:00Z');
  it.each([
    ['Q4 2026', '2026-Q4'],
    ['2026-q4', '2026-Q4'],
    ['q4', '2026-Q4'], // Q4 2027 has not begun
    ['q1', '2027-Q1'],
    ['this quarter', '2027-Q1'],
    ['last quarter', '2026-Q4'],
    ['2026', '2026'],
    ['last year', '2026'],
    ['october', '2026-10'],
    ['q5', null],
  ])('%j → %s', (input, expected) => {
    expect(parsePeriod(input, now)).toBe(expected);
  });

  it('takes a quarter and a year in UK local time', () => {
    expect(periodBounds('2026-Q4')).toEqual({
      start: new Date('2026-09-30T23:00:00Z'), // 1 October, 00:00 BST
      end: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodBounds('2026')).toEqual({
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    expect(periodLabel('2026-Q4')).toBe('October to December 2026');
    expect(shiftPeriod('2026-Q1', -1)).toBe('2025-Q4');
  });
});

/*
 * The fixture month (test/web/fixture-month.ts), with what section K needs besides, worked out by
 * hand. The clock reads 20 January 2027, so October, December and the fourth quarter are over.
 */
describe.each(providers)('section K figures on the fixture month (%s)', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let member: Actor;
  let schoolMember: Actor;
  let october: MonthlyFigures;
  let december: MonthlyFigures;
  let quarter: MonthlyFigures;
  let year: MonthlyFigures;
  const ref: Record<string, string> = {};
  const k = (f: MonthlyFigures, id: SectionKId): SectionKFigure => f.sectionK.find((x) => x.id === id)!;

  beforeAll(async () => {
    const made = await createTestCore(provider, { clock: fixedClock('2027-01-20T10:00:00Z') });
    core = made.core;
    database = made.database;
    const db = database.db;
    const { children } = await seedFixtureMonth(db);
    const police = await db.agency.findUniqueOrThrow({ where: { name: 'Example Police' } });
    const school = await db.agency.findUniqueOrThrow({ where: { name: 'Example School' } });
    const actorIn = async (id: string, agency: { id: string; name: string }): Promise<Actor> => {
      const user = await db.user.create({
        data: {
          platform: 'console',
          workspace: 'test',
          platformUserId: id,
          displayName: `Tester ${id}`,
          role: 'met-member',
          agencyId: agency.id,
        },
      });
      return {
        id: user.id,
        displayName: user.displayName,
        role: 'met-member',
        roles: ['met-member'],
        agencyId: agency.id,
        agencyName: agency.name,
        platform: 'console',
        workspace: 'test',
        surface: 'console',
      };
    };
    member = await actorIn('met-police', police);
    schoolMember = await actorIn('met-school', school);

    // Testchild Hotel: high in September, lowered to low on 10 December, three months later.
    const hotel = await db.person.create({
      data: { kind: 'child', initials: 'TH', nameEnc: 'plain:Testchild Hotel', yearOfBirth: 2012 },
    });
    const entry = await db.metListEntry.create({
      data: {
        childId: hotel.id,
        status: 'active',
        level: 'low',
        nominatedById: 'fixture',
        nominatedAt: at('2026-09-10T09:00:00Z'),
      },
    });
    const history: [string | null, string | null, string, string, string][] = [
      [null, null, 'nominated', 'high', '2026-09-10T09:00:00Z'],
      ['nominated', 'high', 'active', 'high', '2026-09-20T09:00:00Z'],
      ['active', 'high', 'active', 'low', '2026-12-10T09:00:00Z'],
    ];
    for (const [fromStatus, fromLevel, toStatus, toLevel, when] of history) {
      await db.metLevelChange.create({
        data: {
          entryId: entry.id,
          fromStatus,
          fromLevel,
          toStatus,
          toLevel,
          reason: 'fixture',
          changedById: 'fixture',
          changedAt: at(when),
        },
      });
    }

    // A report about each child, to name them by in chat.
    for (const [key, id] of Object.entries({ ...children, hotel: hotel.id })) {
      ref[key] = `MIS-2026-9${String(Object.keys(ref).length).padStart(5, '0')}`;
      await db.record.create({
        data: {
          reference: ref[key]!,
          type: 'missing',
          schemaVersion: 1,
          childId: id,
          submittedById: 'fixture',
          surface: 'console',
          dataEnc: 'fixture',
          createdAt: at('2026-06-01T09:00:00Z'),
        },
      });
    }

    // Golf went missing again on 22 October (after the NRM's positive decision on 9 October).
    await db.missingEpisode.create({
      data: {
        childId: children.golf,
        missingRecordId: 'fixture-missing-golf-again',
        missingFrom: 'home',
        lastSeenAt: at('2026-10-22T20:00:00Z'),
        reportedAt: at('2026-10-22T20:00:00Z'),
        returnedAt: at('2026-10-23T10:00:00Z'),
        interviewDueAt: at('2026-10-26T10:00:00Z'),
      },
    });
    // R8 (Golf, completed 17 October) names no interviewer: its independence was never checked.
    await db.missingEpisode.update({
      where: { missingRecordId: 'fixture-missing-10' },
      data: { interviewerName: null },
    });

    // Risk checks K1 (police) and K5 (school) were saved as records with the sender's agency.
    for (const [n, agency] of [
      [1, police.id],
      [5, school.id],
    ] as const) {
      await db.record.create({
        data: {
          id: `fixture-check-${n}`,
          reference: `RC-2026-0000${n}`,
          type: 'risk-check',
          schemaVersion: 1,
          submittedById: 'fixture',
          agencyId: agency,
          surface: 'console',
          dataEnc: 'fixture',
          createdAt: at('2026-10-03T10:00:00Z'),
        },
      });
    }

    // Deliveries to the police gateway: [reference, destination, status, delivered]
    const deliveries: [string, string, string, string | null][] = [
      ['INT-2026-0001', 'gateway-email', 'delivered', '2026-10-02T10:01:00Z'], // I1, police
      ['INT-2026-0001', 'gateway-webhook', 'delivered', '2026-10-02T10:02:00Z'], // I1 again: one form
      ['INT-2026-0002', 'gateway-email', 'pending', null], // I2: not yet passed on
      ['INT-2026-0003', 'gateway-email', 'delivered', '2026-11-01T00:10:00Z'], // I3: November
      ['INT-2026-0004', 'met-coordinator', 'delivered', '2026-10-20T10:01:00Z'], // I4: not the police
      ['INT-2026-0005', 'gateway-email', 'delivered', '2026-09-30T23:05:00Z'], // I5: 00:05 BST 1 Oct
      ['MIS-2026-0001', 'gateway-email', 'delivered', '2026-10-03T12:01:00Z'], // not intelligence
    ];
    for (const [reference, destination, status, delivered] of deliveries) {
      const record = await db.record.findUniqueOrThrow({ where: { reference } });
      await db.outboxMessage.create({
        data: {
          destination,
          recordId: record.id,
          idempotencyKey: `${reference}-${destination}`,
          payloadEnc: 'fixture',
          status,
          deliveredAt: delivered ? at(delivered) : null,
        },
      });
    }

    // NRM records, disruption, training and awareness, typed by MET members in a private chat.
    const police1 = chatWith(core, member);
    const school1 = chatWith(core, schoolMember);
    const lines: [ReturnType<typeof chatWith>, string][] = [
      [police1, `nrm ${ref.golf} referred 5/10/2026 by local-authority ref NRM-EXAMPLE-1`],
      [police1, `nrm ${ref.golf} reasonable-grounds positive 9/10/2026`],
      [police1, `nrm ${ref.golf} smuggled yes`],
      [police1, `nrm ${ref.bravo} referred 20/10/2026 by police`],
      [police1, `nrm ${ref.bravo} rg negative 25/10/2026`],
      [police1, `nrm ${ref.echo} referred 28/9/2026 by ngo`],
      [police1, `nrm ${ref.echo} conclusive-grounds positive 15/11/2026`],
      [police1, `disruption ${ref.alpha} cawn 6/10/2026 perpetrator Example Adult One`],
      [police1, `disruption ${ref.alpha} prosecution 20/10/2026 perpetrator example adult ONE`],
      [police1, `disruption ${ref.golf} conviction 15/9/2026 perpetrator Example Adult Two`],
      [police1, `disruption ${ref.golf} order 25/10/2026`],
      [police1, `disruption ${ref.bravo} other 26/10/2026 perpetrator Example Adult Three`],
      [police1, 'trained 10 of 40 5/10/2026'],
      [police1, 'trained 5 12/10/2026'],
      [school1, 'trained 6 of 20 20/10/2026'],
      [school1, 'awareness 30 8/10/2026'],
      [police1, 'awareness 50 9/10/2026'],
      [school1, 'awareness 12 30/9/2026'],
    ];
    for (const [chat, line] of lines) {
      expect(await chat.say(line), line).toContain(
        'It is kept here for the MET figures. It is not sent anywhere.',
      );
    }

    october = await core.figures.count('2026-10');
    december = await core.figures.count('2026-12');
    quarter = await core.figures.count('2026-Q4');
    year = await core.figures.count('2026');
  });
  afterAll(() => database.destroy());

  it('follows a cohort from high to low: a child lowered three months later counts in the quarter', () => {
    // October: at high at its start E1 Alpha, E4 Delta, E6 Foxtrot, Hotel; raised to high in it
    // E2 Bravo. Only Alpha was lowered to low (15 October).
    expect(k(october, 'high-to-low')).toMatchObject({ value: 1, of: 5 });
    // December: high at its start Bravo, Echo (raised 1 November), Foxtrot, Hotel; Hotel lowered 10 December.
    expect(k(december, 'high-to-low')).toMatchObject({ value: 1, of: 4 });
    // The quarter: Alpha, Bravo, Delta, Foxtrot, Hotel, and Echo raised on 1 November; Alpha and Hotel moved.
    expect(k(quarter, 'high-to-low')).toMatchObject({ value: 2, of: 6 });
    expect(k(quarter, 'high-to-low').share).toBeCloseTo(2 / 6);
  });

  it('counts children thought trafficked by the check’s level or a positive NRM decision, and those safeguarded', () => {
    // October: Foxtrot (check K7 at high on 12 October); Golf (reasonable grounds positive on 9
    // October). Foxtrot's K6 at medium alone, Echo's K8 (low) and K9 (no child) are not counted.
    expect(k(october, 'trafficked').value).toBe(2);
    // Golf went missing again on 22 October; Foxtrot has not gone missing since.
    expect(k(october, 'trafficked-safeguarded')).toMatchObject({ value: 1, of: 2 });
    // The quarter adds Echo (conclusive grounds positive on 15 November; last missing 1 November).
    expect(k(quarter, 'trafficked')).toMatchObject({ value: 3 });
    expect(k(quarter, 'trafficked-safeguarded')).toMatchObject({ value: 2, of: 3 });
  });

  it('counts NRM referrals made, by whom, their decisions, and children smuggled', () => {
    // October: Golf (local authority, 5 Oct), Bravo (police, 20 Oct); Echo's was in September.
    expect(k(october, 'nrm').value).toBe(2);
    expect(k(october, 'nrm').parts).toEqual(
      expect.arrayContaining([
        { label: 'Referred by: Local authority', count: 1 },
        { label: 'Referred by: Police', count: 1 },
        { label: 'Reasonable grounds: positive', count: 1 }, // Golf
        { label: 'Reasonable grounds: negative', count: 1 }, // Bravo
        { label: 'Conclusive grounds: positive', count: 0 }, // Echo's came in November
      ]),
    );
    expect(k(october, 'smuggled').value).toBe(1); // Golf
    expect(k(year, 'nrm').value).toBe(3);
  });

  it('counts children, not episodes, with an independent return interview', () => {
    // Returned in October: Alpha (R2, R3), Bravo (R4), Golf (R6, R7, R8 and 23 October).
    // Alpha's interviews were completed by a named interviewer; Bravo declined; Golf's R8 was
    // completed but no interviewer was named, so its independence was never checked.
    expect(k(october, 'independent-interview')).toMatchObject({ value: 1, of: 3 });
    // Episodes are still counted as before: offered 4, completed 3 of 7 returns (Golf's 23 October added).
    expect(k(october, 'return-interviews').parts).toEqual([
      { label: 'Returns from missing', count: 7 },
      { label: 'Offered', count: 4 },
      { label: 'Completed', count: 3 },
    ]);
  });

  it('bands children missing in a fixed 90 days', () => {
    // 90 days to 1 November: Bravo once; Charlie twice; Alpha and Golf three or more times.
    expect(k(october, 'missing-in-90-days').parts).toEqual([
      { label: 'Once', count: 1 },
      { label: 'Twice', count: 1 },
      { label: '3 or more times', count: 2 },
    ]);
  });

  it('counts disruption, perpetrators once each, prosecutions and convictions', () => {
    // October: a CAWN and a prosecution of Example Adult One (typed two ways: one person); an
    // order naming nobody; other disruption of Example Adult Three. The conviction was in September.
    expect(k(october, 'disruption')).toMatchObject({
      value: 3,
      parts: [
        { label: 'Child Abduction Warning Notices', count: 1 },
        { label: 'Other orders', count: 1 },
        { label: 'Other disruption', count: 1 },
      ],
    });
    expect(k(october, 'prosecutions').value).toBe(1);
    expect(k(october, 'convictions').value).toBe(0);
    expect(k(october, 'perpetrators')).toMatchObject({
      value: 0,
      of: 3,
      parts: [
        { label: 'Suspected perpetrators', count: 3 },
        { label: 'Disrupted', count: 3 },
        { label: 'Prosecuted', count: 1 },
        { label: 'Convicted', count: 0 },
      ],
    });
    // The year adds Example Adult Two's conviction in September.
    expect(k(year, 'perpetrators')).toMatchObject({ value: 1, of: 4 });
    expect(k(year, 'convictions').value).toBe(1);
  });

  it('breaks the figures marked * down by agency', () => {
    // Trained in October: police 10 (of 40) and 5 (no staff number given); school 6 of 20.
    expect(k(october, 'staff-trained')).toMatchObject({
      value: 21,
      agencies: [
        { agency: 'Example Police', count: 15, of: 40 },
        { agency: 'Example School', count: 6, of: 20 },
      ],
    });
    // The proportion uses only training recorded with the staff number: 16 of 60.
    expect(k(october, 'staff-trained-proportion')).toMatchObject({ value: 16, of: 60 });
    // Awareness: police 9 October, school 8 October; the school's 23:59 BST 30 September is September.
    expect(k(october, 'awareness')).toMatchObject({
      value: 2,
      agencies: [
        { agency: 'Example Police', count: 1 },
        { agency: 'Example School', count: 1 },
      ],
    });
    // FIB1 forms when passed to the police: I1 (police, by email and webhook: once) and I5
    // (school, delivered 00:05 BST on 1 October). I2 is not delivered, I3 was delivered in
    // November, I4 went to the coordinator only, MIS-2026-0001 is not intelligence.
    expect(k(october, 'fib1')).toMatchObject({
      value: 2,
      agencies: [
        { agency: 'Example Police', count: 1 },
        { agency: 'Example School', count: 1 },
      ],
    });
    // Risk checks K1–K9: K1 police, K5 school, the rest with no record of an agency.
    expect(k(october, 'risk-assessments')).toMatchObject({
      value: 9,
      agencies: [
        { agency: 'No agency recorded', count: 7 },
        { agency: 'Example Police', count: 1 },
        { agency: 'Example School', count: 1 },
      ],
    });
    expect(k(october, 'at-risk-of-cse').value).toBe(2); // Alpha (K1, K4), Bravo (K3)
    expect(k(october, 'training-impact').value).toBeNull();
  });

  it('takes the records in a private chat from MET members only, and checks what is typed', async () => {
    const practitioner = await core.users.ensure(
      { platform: 'console', workspace: 'test', platformUserId: 'prac-k', displayName: 'Tester prac-k' },
      'practitioner',
      'Example Agency',
      'console',
    );
    expect(await chatWith(core, practitioner).say(`nrm ${ref.alpha} referred today by police`)).toContain(
      'MET group members',
    );
    await expect(
      core.sectionK.recordTraining(practitioner, {
        kind: 'training',
        people: 1,
        heldOn: new Date('2026-10-01'),
      }),
    ).rejects.toBeInstanceOf(RefusedError);
    const inChannel = chatWith(core, member, 'channel', false);
    expect(await inChannel.say(`disruption ${ref.alpha} cawn`)).toContain('private');
    const chat = chatWith(core, member);
    expect(await chat.say(`nrm ${ref.alpha} referred today by the-neighbour`)).toContain(
      'Please say who referred',
    );
    expect(await chat.say(`nrm ${ref.alpha} rg positive`)).toContain(
      'no NRM referral recorded for this child yet',
    );
    expect(await chat.say(`disruption ${ref.alpha} warning`)).toContain(
      'cawn (Child Abduction Warning Notice)',
    );
    expect(await chat.say(`disruption ${ref.alpha} cawn 1/1/2030`)).toContain('That date is in the future.');
    expect(await chat.say('disruption NOT-A-REF cawn')).toContain("I can't find a record NOT-A-REF");
    expect(await chat.say('trained 50 of 10')).toContain('at least the number trained');
    expect(await chat.say('trained lots')).toContain('*trained <number>');
    // Each write is audited, the perpetrator is kept encrypted and found by a keyed hash only.
    const rows = await database.db.disruption.findMany();
    expect(rows.every((row) => !row.perpetratorEnc?.includes('Example'))).toBe(true);
    const audited = await database.db.auditEvent.count({
      where: { recordType: { in: ['nrm-referral', 'disruption', 'training-activity'] } },
    });
    expect(audited).toBe(18);
  });
});
