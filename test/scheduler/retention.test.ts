import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { RETENTION_TIMER, RetentionService, retainedUntil } from '../../src/records/retention.service';
import { createSchedulerFeature } from '../../src/scheduler/feature';
import { Scheduler } from '../../src/scheduler/scheduler';
import { verifyAuditChain } from '../../src/store/audit';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, testActor } from '../support/core';
import { providers } from '../support/databases';

describe('retention rule', () => {
  it('keeps records until 1 January after the latest possible 18th birthday plus the years kept', () => {
    expect(retainedUntil(2009, { yearsAfter18: 6, noChildYears: 6 }).toISOString()).toBe(
      '2034-01-01T00:00:00.000Z',
    );
    expect(retainedUntil(2009, { yearsAfter18: 0, noChildYears: 6 }).toISOString()).toBe(
      '2028-01-01T00:00:00.000Z',
    );
  });
});

describe.each(providers)('the daily retention timer on %s', (provider) => {
  it("deletes a child's records once past retention, audited by reference only, and fires daily", async () => {
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const { core, database, cipher } = await createTestCore(provider, { clock });
    try {
      const actor = await testActor(core, 'U-RET', 'practitioner', 'Rita Retention');
      // Born in 2009 (17 in 2026): kept until 2034-01-01. Born in 2012 (14): until 2037-01-01.
      const older = { name: 'Olderchild Example', ageYears: 17 };
      const gone = [
        await core.submissions.submitIntelligence(
          actor,
          intelligenceAnswers({ child: older, immediateDanger: true }),
        ),
        await core.submissions.submitMissing(actor, missingAnswers({ child: { ...older, inCare: false } })),
      ];
      const kept = await core.submissions.submitIntelligence(actor, intelligenceAnswers());
      const noAge = await core.submissions.submitIntelligence(
        actor,
        intelligenceAnswers({ child: { name: 'Noage Example' } }),
      );
      await chatWith(core, actor).say('intelligence'); // a draft, kept for DRAFT_EXPIRY_HOURS
      const olderChild = await database.db.record.findUniqueOrThrow({
        where: { reference: gone[0]!.reference },
      });
      expect(await database.db.alert.count({ where: { reference: gone[0]!.reference } })).toBe(1);
      expect(await database.db.missingEpisode.count({ where: { childId: olderChild.childId! } })).toBe(1);
      expect(await database.db.conversation.count()).toBe(1);
      // The vehicle in the report is in the intelligence picture, as a mention and its index terms.
      const pictured = { recordId: olderChild.id };
      expect(await database.db.linkMention.count({ where: pictured })).toBeGreaterThan(0);
      expect(await database.db.linkTerm.count({ where: pictured })).toBeGreaterThan(0);
      // Section K's records about the child go with the child.
      const member = await testActor(core, 'M-RET', 'met-member', 'Mo Member');
      const about = { reference: gone[0]!.reference };
      await core.sectionK.recordNrmReferral(member, {
        ...about,
        referredAt: clock.now(),
        referredBy: 'police',
      });
      await core.sectionK.recordDisruption(member, { ...about, kind: 'cawn', occurredAt: clock.now() });

      const retention = new RetentionService(database.provider, { yearsAfter18: 6, noChildYears: 6 }, cipher);
      const scheduler = new Scheduler(
        database.db,
        database.provider,
        clock,
        { [RETENTION_TIMER]: retention.handler },
        createLogger('silent'),
      );
      await retention.ensureScheduled(database.db, clock.now());
      await retention.ensureScheduled(database.db, clock.now()); // a second instance starting: no change
      expect(await scheduler.tick()).toBe(1);
      expect(await database.db.record.count()).toBe(4);
      const next = await database.db.timer.findFirstOrThrow({ where: { kind: RETENTION_TIMER } });
      expect(next).toMatchObject({ status: 'pending', dueAt: new Date('2026-11-29T10:00:00Z') });

      clock.set('2033-12-31T23:59:00Z'); // the day before: still kept (the timer fires late, once)
      expect(await scheduler.tick()).toBe(1);
      expect(await scheduler.tick()).toBe(0);
      expect(await database.db.record.count()).toBe(4);
      // The same sweep keeps the figures' age bands to the year (the year of birth is sealed):
      // the kept child, 14 in 2026, is 21 in 2033.
      const keptChild = await database.db.record.findUniqueOrThrow({ where: { reference: kept.reference } });
      expect(await database.db.person.findUniqueOrThrow({ where: { id: keptChild.childId! } })).toMatchObject(
        {
          ageBand: 4,
          yearOfBirth: null,
        },
      );
      expect(
        await database.db.auditEvent.count({
          where: { surface: 'retention', action: 'update', recordId: 'age-bands' },
        }),
      ).toBe(1);
      expect(await database.db.conversation.count()).toBe(0); // the draft expired long ago

      clock.set('2034-01-01T00:00:00Z');
      expect(await scheduler.tick()).toBe(0); // not due until 2034-01-01T23:59
      clock.set('2034-01-02T00:00:00Z');
      expect(await scheduler.tick()).toBe(1);
      const left = (await database.db.record.findMany()).map((r) => r.reference).sort();
      expect(left).toEqual([kept.reference, noAge.reference].sort());
      expect(await database.db.person.findUnique({ where: { id: olderChild.childId! } })).toBeNull();
      expect(await database.db.alert.count({ where: { reference: gone[0]!.reference } })).toBe(0);
      expect(await database.db.missingEpisode.count({ where: { childId: olderChild.childId! } })).toBe(0);
      expect(await database.db.nrmReferral.count()).toBe(0);
      expect(await database.db.disruption.count()).toBe(0);
      expect(await database.db.linkMention.count({ where: pictured })).toBe(0);
      expect(await database.db.linkTerm.count({ where: pictured })).toBe(0);
      expect(await database.db.linkMention.count()).toBeGreaterThan(0); // the kept reports' stay

      const audit = await database.db.auditEvent.findFirstOrThrow({
        where: { surface: 'retention', action: 'delete' },
      });
      expect(audit).toMatchObject({
        action: 'delete',
        recordType: 'person',
        recordId: olderChild.childId,
        actor: 'system',
      });
      expect(audit.detail).toBe(
        `past retention (6 years after 18): ${gone
          .map((s) => s.reference)
          .sort()
          .join(', ')}`,
      );
      expect(audit.detail).not.toContain('Olderchild');
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
    } finally {
      await database.destroy();
    }
  });
});

describe('the timers feature', () => {
  it('sets the first retention run at start-up, from RETENTION_RECORD_YEARS_AFTER_18', async () => {
    const config = loadConfig({ DATABASE_URL: 'file:./unused.db' });
    expect(config.RETENTION_RECORD_YEARS_AFTER_18).toBe(6);
    expect(() => loadConfig({ RETENTION_RECORD_YEARS_AFTER_18: 'six' })).toThrow(
      'RETENTION_RECORD_YEARS_AFTER_18',
    );
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const { core, database, cipher } = await createTestCore('sqlite', { clock });
    try {
      const made = await createSchedulerFeature({
        env: {},
        config: { ...config, RETENTION_RECORD_YEARS_AFTER_18: 2 },
        core,
        database,
        cipher,
        log: createLogger('silent'),
      });
      if (!made.on) throw new Error('the timers are always on');
      await made.feature.start!();
      await made.feature.stop!();
      expect(await database.db.timer.findFirst({ where: { kind: RETENTION_TIMER } })).toMatchObject({
        subjectId: 'daily',
      });
    } finally {
      await database.destroy();
    }
  });
});
