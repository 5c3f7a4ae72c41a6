import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Surface } from '../../src/alerts/surfaces';
import { timerHandlers } from '../../src/alerts/timer-handlers';
import { type RecordFacts, rulesRaisedBy } from '../../src/domain/alert-rules';
import { fixedClock, HOUR } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

describe('which records raise which alerts', () => {
  const base: RecordFacts = { type: 'intelligence', immediateDanger: false };
  it.each<[string, RecordFacts, string[]]>([
    ['intelligence, no danger', base, []],
    ['immediate danger', { ...base, immediateDanger: true }, ['immediate-danger']],
    [
      'missing, 14, not in care, not on the list',
      { ...base, type: 'missing', child: { ageYears: 14, inCare: false } },
      [],
    ],
    ['missing, under 13', { ...base, type: 'missing', child: { ageYears: 12 } }, ['missing-high-risk']],
    ['missing, in care', { ...base, type: 'missing', child: { inCare: true } }, ['missing-high-risk']],
    [
      'missing, high on the MET list',
      { ...base, type: 'missing', child: { metLevel: 'high' } },
      ['missing-high-risk'],
    ],
    [
      'missing, medium on the MET list',
      { ...base, type: 'missing', child: { metLevel: 'medium', ageYears: 15 } },
      [],
    ],
    [
      'a check found high',
      { ...base, type: 'risk-check', riskCheck: 'cse', riskLevel: 'high' },
      ['risk-check-high'],
    ],
    ['a check found medium', { ...base, type: 'risk-check', riskCheck: 'cse', riskLevel: 'medium' }, []],
    [
      'one trafficking indicator',
      {
        ...base,
        type: 'risk-check',
        riskCheck: 'trafficking',
        riskLevel: 'medium',
        traffickingIndicators: 1,
      },
      ['trafficking-indicator'],
    ],
    [
      'a trafficking check with none',
      { ...base, type: 'risk-check', riskCheck: 'trafficking', riskLevel: 'low', traffickingIndicators: 0 },
      [],
    ],
  ])('%s', (_name, facts, expected) => {
    expect(rulesRaisedBy(facts)).toEqual(expected);
  });
});

describe.each(providers)('alerts and the return-interview workflow on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let scheduler: Scheduler;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const childName = 'Testchild Alertson';

  // Escalation goes only to people who can be reached: here, MET members on Slack.
  const slack: Surface = {
    platform: 'slack',
    postAlert: async (target) => ({ platform: 'slack', key: target.key, messageId: '1' }),
    updateAlert: async () => undefined,
    tell: async () => undefined,
  };

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock, surfaces: new Map([['slack', slack]]) }));
    await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: 'UMET', displayName: 'Mo Example' },
      'met-member',
      'Example Agency',
      'slack',
    );
    scheduler = new Scheduler(
      database.db,
      database.provider,
      clock,
      timerHandlers(core.alerts),
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await database.destroy();
  });

  const alertPosts = async () =>
    (
      await database.db.outboxMessage.findMany({
        where: { destination: 'alert' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((m) => m.idempotencyKey.split(':').slice(1).join(':'));

  it('raises an immediate-danger alert to the duty channel, and escalates it once when nobody acknowledges it', async () => {
    const actor = await testActor(core, 'p-alert', 'practitioner');
    await chatWith(core, actor, 'a1').script([
      'intel',
      'yes',
      '1', // about a child
      childName,
      'skip all',
      'Seen with a knife',
      'Example Street',
      'Now',
      '1',
      '1',
      '1',
      'P',
      '4',
      'send',
    ]);
    const [alert] = await database.db.alert.findMany({ where: { rule: 'immediate-danger' } });
    expect(alert).toMatchObject({ audience: 'duty', escalatedAt: null });
    // Sealed to the alert's row (issue 17): shown opened, stored never in clear.
    expect(alert!.initials).not.toContain('T.A.');
    expect((await core.alerts.view(alert!.id)).initials).toBe('T.A.');
    expect(await alertPosts()).toEqual(['post:duty']);

    clock.advance(14 * 60_000);
    expect(await scheduler.tick()).toBe(0);
    clock.advance(2 * 60_000);
    expect(await scheduler.tick()).toBe(1);
    expect(await database.db.alert.findUnique({ where: { id: alert!.id } })).toMatchObject({
      audience: 'met-coordinator',
      escalatedAt: expect.any(Date),
    });
    expect(await alertPosts()).toEqual(['post:duty', 'post:met-coordinator', 'update:escalated']);
    clock.advance(5 * HOUR);
    expect(await scheduler.tick()).toBe(0);
  });

  it('stops escalating once someone acknowledges, and updates every post', async () => {
    const actor = await testActor(core, 'p-alert', 'practitioner');
    await chatWith(core, actor, 'a2').script([
      'check cse',
      'Testchild Highcheck',
      '14',
      '1,2,3',
      '1',
      '1,2,3',
      '1',
    ]);
    await chatWith(core, actor, 'a2').script(['skip', 'send']);
    const alert = await database.db.alert.findFirstOrThrow({ where: { rule: 'risk-check-high' } });
    const duty = await testActor(core, 'd-alert', 'duty-officer', 'Ada Example');
    await expect(
      core.alerts.acknowledge(await testActor(core, 'p-alert', 'practitioner'), alert.id),
    ).rejects.toThrow(/acknowledging alerts/);
    clock.advance(5 * 60_000);
    const view = await core.alerts.acknowledge(duty, alert.id);
    expect(view.acknowledged).toMatch(/^Acknowledged by Ada Example at \d\d:\d\d$/);
    clock.advance(3 * HOUR);
    expect(await scheduler.tick()).toBe(0);
    const updates = await database.db.outboxMessage.count({
      where: { idempotencyKey: `${alert.id}:update:acknowledged` },
    });
    expect(updates).toBe(1);
    await core.alerts.acknowledge(duty, alert.id); // a second press changes nothing
    // Still the first acknowledger's name (sealed, bound to the alert: issue 17).
    expect((await core.alerts.view(alert.id)).acknowledged).toMatch(/^Acknowledged by Ada Example at /);
  });

  it('lets an admin acknowledge an alert (issue 15: an admin was refused and told to ask an admin)', async () => {
    const actor = await testActor(core, 'p-alert-adm', 'practitioner');
    await chatWith(core, actor, 'a3').script([
      'check cse',
      'Testchild Adminack',
      '14',
      '1,2,3',
      '1',
      '1,2,3',
      '1',
    ]);
    await chatWith(core, actor, 'a3').script(['skip', 'send']);
    const alert = await database.db.alert.findFirstOrThrow({
      where: { rule: 'risk-check-high', acknowledgedAt: null },
    });
    const admin = await testActor(core, 'a-alert', 'admin', 'Ari Admin');
    const view = await core.alerts.acknowledge(admin, alert.id);
    expect(view.acknowledged).toMatch(/^Acknowledged by Ari Admin at \d\d:\d\d$/);
  });

  it('alerts on a missing child in care, and reminds the assigned interviewer at 48 and 72 hours', async () => {
    clock.set('2026-12-01T09:00:00Z');
    const practitioner = await testActor(core, 'p-care', 'practitioner');
    const chat = chatWith(core, practitioner, 'care');
    const saved = await chat.script([
      'missing',
      'Testchild Incare',
      'yes',
      '3',
      'today 07:00',
      'Example Road',
      'Green coat',
      'yes',
      'skip all',
      'send',
    ]);
    const reference = /MIS-2026-\d{6}/.exec(saved)![0];
    expect(await database.db.alert.count({ where: { rule: 'missing-high-risk', reference } })).toBe(1);

    clock.set('2026-12-01T12:00:00Z');
    await chat.script(['found', '1', 'today 11:00', 'Example Station', '1', '1', 'skip all', 'send']);
    const coordinator = await testActor(core, 'm-coord', 'met-member');
    const interviewer = await testActor(core, 'iw-1', 'practitioner', 'Testworker Example');
    const assigned = await chatWith(core, coordinator, 'assign').say(`assign ${reference} @iw-1`);
    expect(assigned).toContain(`Testworker Example will do the return interview for ${reference}`);

    const reminders = () => database.db.alert.count({ where: { rule: 'interview-due-soon', reference } });
    clock.set('2026-12-03T10:59:00Z');
    await scheduler.tick();
    expect(await reminders()).toBe(0);
    clock.set('2026-12-03T11:00:00Z'); // 48 hours after the return
    await scheduler.tick();
    expect(await reminders()).toBe(1);
    const reminder = await database.db.alert.findFirstOrThrow({ where: { rule: 'interview-due-soon' } });
    expect(reminder).toMatchObject({ audience: 'interviewer', subjectUserId: interviewer.id, reference });

    clock.set('2026-12-04T11:00:00Z'); // 72 hours: overdue
    await scheduler.tick();
    expect(await database.db.alert.count({ where: { rule: 'interview-overdue', reference } })).toBe(1);
  });

  it('cancels what is pending when the interview is completed', async () => {
    clock.set('2026-12-05T09:00:00Z');
    const practitioner = await testActor(core, 'p-done', 'practitioner');
    const chat = chatWith(core, practitioner, 'done');
    const saved = await chat.script(missingScript('Testchild Interviewed', 'today 07:00'));
    const record = await database.db.record.findUniqueOrThrow({
      where: { reference: /MIS-2026-\d{6}/.exec(saved)![0] },
    });
    clock.set('2026-12-05T12:00:00Z');
    await chat.script(['found', '1', 'today 11:00', 'At home', '2', '1', 'skip all', 'send']);
    const episode = await database.db.missingEpisode.findUniqueOrThrow({
      where: { missingRecordId: record.id },
    });
    expect(await database.db.timer.count({ where: { subjectId: episode.id, status: 'pending' } })).toBe(2);

    clock.set('2026-12-06T15:00:00Z');
    const done = await chat.script([
      'interview',
      '1',
      'today 10:00',
      '1',
      '1',
      'today 14:00',
      'Testworker Example',
      'skip all',
      'send',
    ]);
    expect(done).toMatch(/Saved as RI-2026-\d{6}/);
    expect(await database.db.timer.count({ where: { subjectId: episode.id, status: 'pending' } })).toBe(0);
    clock.set('2026-12-09T12:00:00Z');
    await scheduler.tick();
    expect(
      await database.db.alert.count({
        where: { rule: { startsWith: 'interview-' }, recordId: episode.missingRecordId },
      }),
    ).toBe(0);
    expect(await database.db.missingEpisode.findUnique({ where: { id: episode.id } })).toMatchObject({
      interviewOutcome: 'completed',
      interviewCompletedAt: new Date('2026-12-06T14:00:00Z'),
    });
  });

  it('never puts a child’s name or date of birth in an alert', async () => {
    const alerts = await database.db.alert.findMany();
    expect(new Set(alerts.map((a) => a.rule))).toEqual(
      new Set([
        'immediate-danger',
        'risk-check-high',
        'missing-high-risk',
        'interview-due-soon',
        'interview-overdue',
      ]),
    );
    for (const alert of alerts) {
      const view = JSON.stringify(await core.alerts.view(alert.id));
      expect(view).not.toMatch(/Testchild|Alertson|Highcheck|Incare|Interviewed|2012-/);
      expect(view).toMatch(/"initials":"T\.[A-Z]\."/);
    }
  });
});
