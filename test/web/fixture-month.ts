import { ageBandOf, ethnicGroupOf } from '../../src/children/demographics';
import type { Db } from '../../src/store/database';

/**
 * October 2026, built row by row so that every figure can be worked out by hand (see
 * figures.test.ts). Times are UTC; October in London begins at 2026-09-30T23:00Z (BST) and
 * ends at 2026-11-01T00:00Z (GMT). Children are invented: "Testchild Alpha" and so on.
 */
export const at = (iso: string) => new Date(iso);
const HOURS_72 = 72 * 60 * 60 * 1000;

export interface FixtureIds {
  children: Record<ChildKey, string>;
}

type ChildKey = 'alpha' | 'bravo' | 'charlie' | 'delta' | 'echo' | 'foxtrot' | 'golf';

const childRows: Record<
  ChildKey,
  {
    initials: string;
    yearOfBirth: number | null;
    gender: string | null;
    ethnicity: string | null;
    accommodation: string | null;
  }
> = {
  alpha: {
    initials: 'TA',
    yearOfBirth: 2011,
    gender: 'female',
    ethnicity: 'white british',
    accommodation: 'residential',
  },
  bravo: { initials: 'TB', yearOfBirth: 2013, gender: 'male', ethnicity: 'mixed', accommodation: 'foster' },
  charlie: { initials: 'TC', yearOfBirth: 2009, gender: 'female', ethnicity: null, accommodation: 'family' },
  delta: {
    initials: 'TD',
    yearOfBirth: null,
    gender: 'female',
    ethnicity: 'white british',
    accommodation: 'family',
  },
  echo: {
    initials: 'TE',
    yearOfBirth: 2017,
    gender: 'male',
    ethnicity: 'black british',
    accommodation: null,
  },
  foxtrot: {
    initials: 'TF',
    yearOfBirth: 2008,
    gender: 'male',
    ethnicity: 'asian british',
    accommodation: 'supported',
  },
  golf: { initials: 'TG', yearOfBirth: 2012, gender: 'male', ethnicity: null, accommodation: 'family' },
};

export const childNames: Record<ChildKey, string> = {
  alpha: 'Testchild Alpha',
  bravo: 'Testchild Bravo',
  charlie: 'Testchild Charlie',
  delta: 'Testchild Delta',
  echo: 'Testchild Echo',
  foxtrot: 'Testchild Foxtrot',
  golf: 'Testchild Golf',
};

export async function seedFixtureMonth(
  db: Db,
  encryptName: (name: string) => string = (name) => `plain:${name}`,
): Promise<FixtureIds> {
  const children = {} as Record<ChildKey, string>;
  for (const [key, row] of Object.entries(childRows) as [ChildKey, (typeof childRows)[ChildKey]][]) {
    const person = await db.person.create({
      data: {
        kind: 'child',
        nameEnc: encryptName(childNames[key]),
        // Written as rows from before issue 17 were (initials, year and ethnicity in clear: they
        // still read until `keys rotate` seals them), with the coarse columns the figures count.
        ...row,
        ageBand: row.yearOfBirth === null ? null : ageBandOf(row.yearOfBirth, at('2026-10-31T00:00:00Z')),
        ethnicGroup: row.ethnicity === null ? null : ethnicGroupOf(row.ethnicity),
        createdAt: at('2026-06-01T00:00:00Z'),
      },
    });
    children[key] = person.id;
  }

  // The MET list. E6 has no history rows: it counts as it stands from its nomination.
  const entries: {
    child: ChildKey;
    status: string;
    level: string | null;
    nominatedAt: string;
    history: [string, string | null, string][]; // [status, level, when]
  }[] = [
    {
      child: 'alpha', // E1: high from August, lowered to low on 15 October
      status: 'active',
      level: 'low',
      nominatedAt: '2026-08-10T09:00:00Z',
      history: [
        ['nominated', 'high', '2026-08-10T09:00:00Z'],
        ['active', 'high', '2026-09-01T09:00:00Z'],
        ['active', 'low', '2026-10-15T09:00:00Z'],
      ],
    },
    {
      child: 'bravo', // E2: medium in September, raised to high on 5 October
      status: 'active',
      level: 'high',
      nominatedAt: '2026-09-20T09:00:00Z',
      history: [
        ['nominated', 'medium', '2026-09-20T09:00:00Z'],
        ['active', 'high', '2026-10-05T09:00:00Z'],
      ],
    },
    {
      child: 'charlie', // E3: nominated at 00:30 BST on 1 October
      status: 'nominated',
      level: 'low',
      nominatedAt: '2026-09-30T23:30:00Z',
      history: [['nominated', 'low', '2026-09-30T23:30:00Z']],
    },
    {
      child: 'delta', // E4: high since July, removed on 20 October
      status: 'removed',
      level: 'high',
      nominatedAt: '2026-07-01T09:00:00Z',
      history: [
        ['active', 'high', '2026-07-01T09:00:00Z'],
        ['removed', 'high', '2026-10-20T09:00:00Z'],
      ],
    },
    {
      child: 'echo', // E5: medium since June; raised to high at 00:00 GMT on 1 November
      status: 'active',
      level: 'high',
      nominatedAt: '2026-06-01T09:00:00Z',
      history: [
        ['active', 'medium', '2026-06-01T09:00:00Z'],
        ['active', 'high', '2026-11-01T00:00:00Z'],
      ],
    },
    {
      child: 'foxtrot', // E6: high since 15 September, no history rows
      status: 'active',
      level: 'high',
      nominatedAt: '2026-09-15T09:00:00Z',
      history: [],
    },
  ];
  for (const entry of entries) {
    const saved = await db.metListEntry.create({
      data: {
        childId: children[entry.child],
        status: entry.status,
        level: entry.level,
        reviewDate: at('2026-12-01T10:00:00Z'),
        nominatedById: 'fixture',
        nominatedAt: at(entry.nominatedAt),
        leadProfessional: 'Example Lead',
      },
    });
    let from: { status: string | null; level: string | null } = { status: null, level: null };
    for (const [status, level, when] of entry.history) {
      await db.metLevelChange.create({
        data: {
          entryId: saved.id,
          fromLevel: from.level,
          toLevel: level,
          fromStatus: from.status,
          toStatus: status,
          reason: 'fixture',
          changedById: 'fixture',
          changedAt: at(when),
        },
      });
      from = { status, level };
    }
  }

  // Missing episodes: [child, last seen, returned, offered, completed, outcome]
  const episodes: [ChildKey, string, string | null, string | null, string | null, string | null][] = [
    ['alpha', '2026-08-01T12:00:00Z', '2026-08-02T12:00:00Z', null, '2026-08-03T12:00:00Z', 'completed'],
    ['alpha', '2026-09-10T12:00:00Z', '2026-09-12T12:00:00Z', null, null, null],
    // R2: offered and completed within 72 hours (due 2026-10-07T10:00Z)
    [
      'alpha',
      '2026-10-03T12:00:00Z',
      '2026-10-04T10:00:00Z',
      '2026-10-05T09:00:00Z',
      '2026-10-06T15:00:00Z',
      'completed',
    ],
    // R3: offered late (due 2026-10-24T08:00Z), completed later
    [
      'alpha',
      '2026-10-20T12:00:00Z',
      '2026-10-21T08:00:00Z',
      '2026-10-25T08:00:00Z',
      '2026-10-28T12:00:00Z',
      'completed',
    ],
    // R4: missing at 00:30 BST and back at 00:50 BST on 1 October; offered in time, declined
    ['bravo', '2026-09-30T23:30:00Z', '2026-09-30T23:50:00Z', '2026-10-02T10:00:00Z', null, 'declined'],
    // Charlie: 23:30 BST on 30 September (September), back 23:45 BST (September)
    ['charlie', '2026-09-30T22:30:00Z', '2026-09-30T22:45:00Z', null, null, null],
    // 23:59 GMT on 31 October (October), back 02:00 GMT 1 November (November)
    ['charlie', '2026-10-31T23:59:00Z', '2026-11-01T02:00:00Z', null, null, null],
    // Echo: 00:00 GMT on 1 November: November, and after the window's end
    ['echo', '2026-11-01T00:00:00Z', null, null, null, null],
    // Foxtrot: a minute before the 90-day window opens
    ['foxtrot', '2026-08-02T23:59:00Z', '2026-08-03T10:00:00Z', null, null, null],
    // Golf: four times in the window, none in October; three returns in October
    // R8: completed within 72 hours (due 2026-10-18T00:00Z) with no separate offer time
    ['golf', '2026-08-05T00:00:00Z', '2026-10-15T00:00:00Z', null, '2026-10-17T00:00:00Z', 'completed'],
    ['golf', '2026-08-20T00:00:00Z', '2026-08-21T00:00:00Z', null, null, null],
    // R7: recorded as not offered
    ['golf', '2026-09-05T00:00:00Z', '2026-10-30T09:00:00Z', null, null, 'not-offered'],
    // R6: returned, nothing recorded yet
    ['golf', '2026-09-25T00:00:00Z', '2026-10-10T12:00:00Z', null, null, null],
  ];
  let n = 0;
  for (const [child, lastSeen, returned, offered, completed, outcome] of episodes) {
    n += 1;
    const returnedAt = returned ? at(returned) : null;
    await db.missingEpisode.create({
      data: {
        childId: children[child],
        missingRecordId: `fixture-missing-${n}`,
        returnRecordId: returned ? `fixture-return-${n}` : null,
        missingFrom: 'home',
        lastSeenAt: at(lastSeen),
        reportedAt: at(lastSeen),
        returnedAt,
        interviewDueAt: returnedAt ? new Date(returnedAt.getTime() + HOURS_72) : null,
        interviewerName: returned ? 'Example Interviewer' : null,
        interviewOfferedAt: offered ? at(offered) : null,
        interviewCompletedAt: completed ? at(completed) : null,
        interviewOutcome: outcome,
      },
    });
  }

  const police = await db.agency.create({ data: { name: 'Example Police' } });
  const school = await db.agency.create({ data: { name: 'Example School' } });
  // Records: [reference, type, agency, when]
  const records: [string, string, string | null, string][] = [
    ['INT-2026-0001', 'intelligence', police.id, '2026-10-02T10:00:00Z'], // I1
    ['INT-2026-0002', 'intelligence', police.id, '2026-10-15T10:00:00Z'], // I2
    ['INT-2026-0003', 'intelligence', school.id, '2026-10-31T23:30:00Z'], // I3: 23:30 GMT 31 Oct
    ['INT-2026-0004', 'intelligence', null, '2026-10-20T10:00:00Z'], // I4
    ['INT-2026-0005', 'intelligence', school.id, '2026-09-30T22:59:00Z'], // I5: 23:59 BST 30 Sep
    ['MIS-2026-0001', 'missing', police.id, '2026-10-03T12:00:00Z'], // I6: not intelligence
  ];
  for (const [reference, type, agencyId, when] of records) {
    await db.record.create({
      data: {
        reference,
        type,
        schemaVersion: 1,
        submittedById: 'fixture',
        agencyId,
        surface: 'console',
        dataEnc: 'fixture',
        createdAt: at(when),
      },
    });
  }

  // Risk checks: [check, child, level, score, chosen level, when]
  const checks: [string, ChildKey | null, string, number, string | null, string][] = [
    ['cse', 'alpha', 'high', 12, null, '2026-10-03T10:00:00Z'], // K1
    ['cse', 'bravo', 'medium', 6, 'low', '2026-10-05T10:00:00Z'], // K2
    ['cse', 'bravo', 'low', 1, 'high', '2026-10-06T10:00:00Z'], // K3
    ['cse', 'alpha', 'medium', 6, null, '2026-10-20T10:00:00Z'], // K4
    ['missing', 'charlie', 'medium', 3, null, '2026-10-10T10:00:00Z'], // K5
    ['trafficking', 'foxtrot', 'medium', 1, null, '2026-10-11T10:00:00Z'], // K6
    ['trafficking', 'foxtrot', 'high', 3, null, '2026-10-12T10:00:00Z'], // K7
    ['trafficking', 'echo', 'low', 0, null, '2026-10-13T10:00:00Z'], // K8
    ['trafficking', null, 'medium', 2, null, '2026-10-14T10:00:00Z'], // K9
    ['cse', 'charlie', 'high', 20, null, '2026-09-30T22:00:00Z'], // K10: 23:00 BST 30 Sep
  ];
  n = 0;
  for (const [check, child, level, score, chosenLevel, when] of checks) {
    n += 1;
    await db.riskCheck.create({
      data: {
        recordId: `fixture-check-${n}`,
        check,
        childId: child ? children[child] : null,
        level,
        score,
        chosenLevel,
        chosenReason: chosenLevel ? 'fixture' : null,
        submittedById: 'fixture',
        createdAt: at(when),
      },
    });
  }
  return { children };
}
