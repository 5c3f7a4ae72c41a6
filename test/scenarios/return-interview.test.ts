import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { timerHandlers } from '../../src/alerts/timer-handlers';
import { fixedClock, HOUR } from '../../src/domain/clock';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { FieldCipher } from '../../src/store/field-crypto';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * The practice, as the MET group would tell it (issue 15, stories 2 to 4): a residential worker
 * reports a boy in care missing for the fourth time in 90 days; he comes back two days later; the
 * MET coordinator assigns an independent Barnardo's worker by email before she uses the bot; she
 * is reminded, offers the interview, he declines, she is reminded to offer again, and she records
 * the interview with his own views. The clock is the bot's own, moved on by hand.
 */
describe.each(providers)('a return interview from report to record, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;
  let scheduler: Scheduler;
  const clock = fixedClock('2026-10-20T18:00:00Z');
  const child = 'Testchild Repeatson';
  const samEmail = 'sam.testworker@barnardos.example';
  let worker: Actor;
  let coordinator: Actor;
  let missingReference = '';
  let earlierReference = '';

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, { clock }));
    scheduler = new Scheduler(
      database.db,
      database.provider,
      clock,
      timerHandlers(core.alerts),
      createLogger('silent'),
    );
    worker = await testActor(core, 'rw-1', 'practitioner', 'Testworker Residential');
    coordinator = await testActor(core, 'met-1', 'met-member', 'Testcoord Example');
  });
  afterAll(() => database.destroy());

  const envelope = async (reference: string) => {
    const record = await database.db.record.findUniqueOrThrow({ where: { reference } });
    return cipher.openJson<RecordEnvelope>('Record', 'dataEnc', record.id, record.dataEnc);
  };

  it('an earlier episode is on record: he went missing in October and came back', async () => {
    const chat = chatWith(core, worker, 'rw-earlier');
    const saved = await chat.script([
      'missing',
      child,
      'yes', // in care
      'Residential care', // the option's words, not its number
      'today 17:00',
      'The children’s home on Example Road',
      'Tall, black puffer jacket',
      'yes',
      'skip all',
      'send',
    ]);
    earlierReference = /MIS-2026-\d{6}/.exec(saved)![0];
    clock.set('2026-10-21T09:00:00Z');
    expect(
      await chat.script(['found', '1', 'today 08:30', 'At the home', '3', '1', 'skip all', 'send']),
    ).toMatch(/Saved as RET-2026-\d{6}/);
  });

  it('the residential worker reports him missing again: the fourth time in 90 days raises the repeat-missing alert', async () => {
    clock.set('2026-11-20T22:00:00Z');
    const chat = chatWith(core, worker, 'rw-now');
    await chat.script([
      'missing',
      child,
      'yes',
      'resid', // an unambiguous start of "Residential care (children's home)"
      'today 21:30',
      'Outside the home on Example Road',
      'Tall, black puffer jacket, white trainers',
      'yes',
      'skip', // the police reference: not given yet
      'Example Road children’s home',
      'skip', // with whom
    ]);
    // The required path is over; the optional history question follows, "don't know" allowed.
    const asked = await chat.say('3');
    expect(asked).toContain('What is their date of birth?');
    const saved = await chat.script(['skip all', 'send']);
    missingReference = /MIS-2026-\d{6}/.exec(saved)![0];
    expect(saved).toContain(
      `this child has now gone missing 4 times in the last 90 days. Earlier reports on record: ${earlierReference}.`,
    );

    // MET Strategy section K: the group counts children missing once, twice, three or more times
    // in 90 days. Three earlier times (one of them on record) and this one make four.
    const alerts = await database.db.alert.findMany({ where: { reference: missingReference } });
    expect(alerts.map((a) => a.rule).sort()).toEqual(['missing-high-risk', 'repeat-missing']);
    const derived = (await envelope(missingReference)).derived;
    expect(derived).toMatchObject({
      timesMissing: { days: 90, times: 4 },
      earlierEpisodes: [earlierReference],
    });

    const repeat = await chatWith(core, coordinator, 'coord').say('repeat');
    expect(repeat).toContain('R.');
    expect(repeat).toContain('Times in 90 days: 4');
  });

  it('he comes back two days later; the carer is named on the return', async () => {
    clock.set('2026-11-22T22:00:00Z');
    const chat = chatWith(core, worker, 'rw-now');
    const found = await chat.script([
      'found',
      '1',
      'today 21:00',
      'Walked back to the home',
      'they came back',
      'not yet',
      'Testcarer Residential', // the carer or placement worker
      'skip all',
      'send',
    ]);
    expect(found).toMatch(/Saved as RET-2026-\d{6}/);
    // DfE 2014: the interview is offered within 72 hours of the return.
    expect(found).toContain('Wed 25 Nov 2026, 21:00');
  });

  it('the coordinator cannot assign the carer, and assigns Barnardo’s worker Sam by email', async () => {
    const chat = chatWith(core, coordinator, 'coord');
    expect(await chat.say(`assign ${missingReference} testcarer.residential@home.example`)).toContain(
      'independent of where the child lives',
    );
    const assigned = await chat.say(`assign ${missingReference} ${samEmail}`);
    expect(assigned).toContain(`${samEmail} will do the return interview for ${missingReference}`);
    expect(assigned).toContain('not on metbot yet');
  });

  let sam: Actor;
  it('Sam first messages the bot the next day: the interview is hers to do, without a wider role', async () => {
    clock.set('2026-11-23T09:00:00Z');
    // On the terminal, Sam's user id is her email address.
    sam = await core.users.ensure(
      { platform: 'console', workspace: 'test', platformUserId: samEmail, displayName: 'Sam Testworker' },
      'practitioner',
      "Barnardo's",
      'console',
    );
    const due = await chatWith(core, sam, 'sam').say('due');
    expect(due).toContain('Return interviews you are doing');
    expect(due).toContain(`R. · ${missingReference}`);
    expect(due).toContain('Name: Testchild Repeatson');
    expect(due).not.toContain('the due list is only for');
  });

  it('48 hours after the return, Sam is reminded', async () => {
    clock.set('2026-11-24T20:59:00Z');
    await scheduler.tick();
    expect(
      await database.db.alert.count({ where: { rule: 'interview-due-soon', reference: missingReference } }),
    ).toBe(0);
    clock.set('2026-11-24T21:00:00Z');
    await scheduler.tick();
    const reminder = await database.db.alert.findFirstOrThrow({
      where: { rule: 'interview-due-soon', reference: missingReference },
    });
    expect(reminder).toMatchObject({
      audience: 'interviewer',
      subjectUserId: sam.id,
      reference: missingReference,
    });
  });

  it('she offers it before 72 hours; he declines; it is not overdue, and she is reminded to offer again', async () => {
    clock.set('2026-11-25T12:00:00Z');
    const chat = chatWith(core, sam, 'sam');
    const saved = await chat.script([
      'interview',
      '1',
      'today 11:00',
      'in person',
      'No, the child declined',
      'He was tired and did not want to talk',
      'skip all',
      'send',
    ]);
    expect(saved).toMatch(/Saved as RI-2026-\d{6}/);

    clock.set('2026-11-25T21:00:00Z'); // 72 hours after the return: offered in time
    await scheduler.tick();
    expect(
      await database.db.alert.count({ where: { rule: 'interview-overdue', reference: missingReference } }),
    ).toBe(0);
    expect(await chatWith(core, coordinator, 'coord').say('due')).toContain('declined: offer again');

    // INTERVIEW_REOFFER_DAYS (3): "Barnardo's keeps going back until the young person is seen".
    clock.set('2026-11-28T11:59:00Z');
    await scheduler.tick();
    expect(
      await database.db.alert.count({ where: { rule: 'interview-reoffer', reference: missingReference } }),
    ).toBe(0);
    clock.set('2026-11-28T12:00:00Z');
    await scheduler.tick();
    const again = await database.db.alert.findFirstOrThrow({
      where: { rule: 'interview-reoffer', reference: missingReference },
    });
    expect(again).toMatchObject({ audience: 'interviewer', subjectUserId: sam.id });
  });

  it('she records the interview with his own views, and is offered a CCE check and to send it as intelligence', async () => {
    clock.set('2026-11-29T16:00:00Z');
    const chat = chatWith(core, sam, 'sam');
    await chat.script(['interview', '1', 'today 14:00', 'in person', 'yes', 'today 14:30', 'skip']);
    const done = await chat.script([
      'At a flat on Example Street, got there by train',
      'Older boys he calls the Example Crew',
      'skip', // push factors
      'skip', // pull factors
      'He was told to hold packages for them',
      'He wants to stay at the home and see his sister more',
      'skip all',
      'send',
    ]);
    expect(done).toMatch(/Saved as RI-2026-\d{6}/);
    expect(done).toContain('check cce');
    expect(done).toContain('send them as intelligence');

    const episode = await database.db.missingEpisode.findFirstOrThrow({
      where: { reportedTimesBefore: 3 },
    });
    expect(episode).toMatchObject({
      interviewerId: sam.id,
      interviewOutcome: 'completed',
      interviewCompletedAt: new Date('2026-11-29T14:30:00Z'),
    });
    expect(await database.db.timer.count({ where: { subjectId: episode.id, status: 'pending' } })).toBe(0);
    const interviews = await database.db.record.findMany({
      where: { type: 'return-interview' },
      orderBy: { createdAt: 'desc' },
    });
    expect((await envelope(interviews[0]!.reference)).answers).toMatchObject({
      childViews: 'He wants to stay at the home and see his sister more',
    });
  });

  it('at the end: nothing is due, and the month’s figures count him three or more times', async () => {
    const coord = chatWith(core, coordinator, 'coord');
    const due = await coord.say('due');
    expect(due).not.toContain(missingReference);
    const figures = await coord.say('figures November 2026');
    expect(figures).toContain('3 or more times in 90 days: 1');
    expect(figures).toContain('Offered within 72 hours: 1');
  });

  it('every read of his record by the interviewer is audited', async () => {
    const reads = await database.db.auditEvent.count({ where: { actorId: sam.id, action: 'read' } });
    expect(reads).toBeGreaterThan(0);
    expect(
      await database.db.auditEvent.count({
        where: { actorId: sam.id, detail: 'assigned interviewer matched' },
      }),
    ).toBe(1);
  });

  it('nobody waits for the clock: it moved 48 and 72 hours only by hand', () => {
    expect(clock.now().getTime() - new Date('2026-11-22T21:00:00Z').getTime()).toBeGreaterThan(72 * HOUR);
  });
});
