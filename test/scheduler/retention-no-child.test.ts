import { describe, expect, it } from 'vitest';
import { ALERT_DESTINATION } from '../../src/alerts/alerts.service';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { noChildRetainedUntil, RETENTION_TIMER, RetentionService } from '../../src/records/retention.service';
import { Scheduler } from '../../src/scheduler/scheduler';
import { verifyAuditChain } from '../../src/store/audit';
import { createTestCore, testActor } from '../support/core';
import { providers } from '../support/databases';

const settings = { yearsAfter18: 6, noChildYears: 6 };

describe('retention of a report naming no child', () => {
  it('is kept until the same moment the set number of years after the report', () => {
    expect(noChildRetainedUntil(new Date('2026-11-28T10:00:00Z'), settings).toISOString()).toBe(
      '2032-11-28T10:00:00.000Z',
    );
    // 29 February has no same day six years on: kept until the day after 28 February.
    expect(noChildRetainedUntil(new Date('2028-02-29T09:00:00Z'), settings).toISOString()).toBe(
      '2034-03-01T09:00:00.000Z',
    );
  });

  it('is set by RETENTION_NO_CHILD_YEARS, 6 unless given, in whole years of at least 1', () => {
    expect(loadConfig({ DATABASE_URL: 'file:./unused.db' }).RETENTION_NO_CHILD_YEARS).toBe(6);
    expect(loadConfig({ RETENTION_NO_CHILD_YEARS: '10' }).RETENTION_NO_CHILD_YEARS).toBe(10);
    expect(() => loadConfig({ RETENTION_NO_CHILD_YEARS: 'six' })).toThrow('RETENTION_NO_CHILD_YEARS');
    expect(() => loadConfig({ RETENTION_NO_CHILD_YEARS: '0' })).toThrow('RETENTION_NO_CHILD_YEARS');
  });
});

describe.each(providers)('the daily retention timer, for reports naming no child, on %s', (provider) => {
  it('deletes one just past the period with what hangs off it, keeps one just inside it, audited', async () => {
    const clock = fixedClock('2026-11-28T10:00:00Z');
    const { core, database, cipher } = await createTestCore(provider, {
      clock,
      routes: { intelligence: ['gateway-email'] },
    });
    try {
      const actor = await testActor(core, 'U-RNC', 'practitioner', 'Rita Retention');
      const grading = {
        immediateDanger: false,
        howKnown: 'saw-it',
        sourceEvaluation: '2',
        intelligenceAssessment: 'A',
        handling: 'P',
      } as const;
      // Made at 10:00: six years on, gone at 10:00.
      const outside = await core.submissions.submitIntelligence(actor, {
        ...grading,
        about: 'vehicle',
        whatHappened: 'A car waits outside the school at home time.',
        vehicleList: [{ colour: 'Silver', make: 'Vauxhall', registration: 'HX15 ABC' }],
      });
      // A child's report about the same car: the two make a link, with its alert.
      const child = await core.submissions.submitIntelligence(actor, {
        ...grading,
        child: { name: 'Sample Child', ageYears: 14 },
        childAware: 'not-asked',
        whatHappened: 'Got into a silver Corsa HX15 ABC after school.',
      });
      clock.set('2026-11-28T10:01:00Z');
      // Made a minute later, about a place: kept a minute longer.
      const inside = await core.submissions.submitIntelligence(actor, {
        ...grading,
        about: 'place',
        whatHappened: 'Older men take girls into the flat.',
        placeList: [{ place: 'The flat above the chip shop', postcode: 'PO1 2AB' }],
      });
      const row = (reference: string) => database.db.record.findUniqueOrThrow({ where: { reference } });
      const [outsideRow, insideRow, childRow] = [
        await row(outside.reference),
        await row(inside.reference),
        await row(child.reference),
      ];
      expect([outsideRow.childId, insideRow.childId]).toEqual([null, null]);
      expect(outsideRow.createdAt.toISOString()).toBe('2026-11-28T10:00:00.000Z');
      const link = await database.db.link.findFirstOrThrow();
      expect(
        (await database.db.linkMember.findMany({ where: { linkId: link.id } })).map((m) => m.recordId).sort(),
      ).toEqual([outsideRow.id, childRow.id].sort());
      expect(await database.db.alert.count({ where: { id: link.id } })).toBe(1);
      const linkDeliveries = {
        destination: ALERT_DESTINATION,
        idempotencyKey: { startsWith: `${link.id}:` },
      };
      expect(await database.db.outboxMessage.count({ where: linkDeliveries })).toBeGreaterThan(0);
      const of = (recordId: string) => ({ where: { recordId } });
      expect(await database.db.outboxMessage.count(of(outsideRow.id))).toBeGreaterThan(0);
      expect(await database.db.linkMention.count(of(outsideRow.id))).toBeGreaterThan(0);
      expect(await database.db.linkTerm.count(of(outsideRow.id))).toBeGreaterThan(0);
      expect(await database.db.linkTerm.count(of(insideRow.id))).toBeGreaterThan(0);

      const retention = new RetentionService(database.provider, settings, cipher);
      const scheduler = new Scheduler(
        database.db,
        database.provider,
        clock,
        { [RETENTION_TIMER]: retention.handler },
        createLogger('silent'),
      );
      await retention.ensureScheduled(database.db, clock.now());
      expect(await scheduler.tick()).toBe(1); // the first sweep: nothing is old enough
      expect(await database.db.record.count()).toBe(3);

      // 30 seconds after the first report's six years, 30 seconds before the second's.
      clock.set('2032-11-28T10:00:30Z');
      expect(await database.db.$transaction((tx) => retention.sweep(tx, clock.now()))).toEqual({
        children: 0,
        records: 1,
        noChildReports: 1,
        drafts: 0,
      });
      const left = (await database.db.record.findMany()).map((r) => r.reference).sort();
      expect(left).toEqual([inside.reference, child.reference].sort());
      for (const table of [
        database.db.outboxMessage,
        database.db.linkMention,
        database.db.linkTerm,
        database.db.linkMember,
      ] as const) {
        expect(await (table as typeof database.db.linkTerm).count(of(outsideRow.id))).toBe(0);
      }
      // The link only that report made goes, with its alert, the alert's deliveries and timers.
      expect(await database.db.link.count()).toBe(0);
      expect(await database.db.linkMember.count()).toBe(0);
      expect(await database.db.alert.count({ where: { id: link.id } })).toBe(0);
      expect(await database.db.outboxMessage.count({ where: linkDeliveries })).toBe(0);
      expect(await database.db.timer.count({ where: { subjectId: link.id } })).toBe(0);
      // The child's report and the kept report stay in the picture.
      expect(await database.db.linkMention.count(of(childRow.id))).toBeGreaterThan(0);
      expect(await database.db.linkTerm.count(of(insideRow.id))).toBeGreaterThan(0);

      const deleted = { surface: 'retention', action: 'delete', recordType: 'record' };
      const audit = await database.db.auditEvent.findMany({ where: deleted });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: 'system',
        actorId: null,
        recordId: outsideRow.id,
        detail: `past retention (6 years after the report, no child named): ${outside.reference}`,
        at: new Date('2032-11-28T10:00:30Z'),
      });
      expect(audit[0]!.detail).not.toMatch(/HX15|Vauxhall/);

      // A minute on, the second report's six years are up too; the child's report stays.
      clock.set('2032-11-28T10:01:00Z');
      expect(await database.db.$transaction((tx) => retention.sweep(tx, clock.now()))).toMatchObject({
        noChildReports: 1,
      });
      expect((await database.db.record.findMany()).map((r) => r.reference)).toEqual([child.reference]);
      expect(await database.db.linkTerm.count(of(insideRow.id))).toBe(0);
      expect(
        (await database.db.auditEvent.findMany({ where: deleted, orderBy: { seq: 'asc' } })).map(
          (e) => e.recordId,
        ),
      ).toEqual([outsideRow.id, insideRow.id]);
      expect((await verifyAuditChain(database.db)).ok).toBe(true);
    } finally {
      await database.destroy();
    }
  });
});
