import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../adapters/gateway/render';
import type { Actor } from '../../src/access/actor';
import { NotPossibleError, RefusedError } from '../../src/access/refusal';
import type { RecordEnvelope } from '../../src/domain/record-envelope';
import { recordSchemas } from '../../src/domain/record-schemas';
import { MetListService } from '../../src/met-list/met-list.service';
import { destinations } from '../../src/outbox/transport';
import { RecordWriter } from '../../src/records/record-writer';
import { missingAnswers } from '../gateway/support/fixtures';
import { createWorld, type World } from '../gateway/support/world';
import { providers } from '../support/databases';

const routes = { 'met-list-change': [destinations.metCoordinator] };

describe.each(providers)('the MET list on %s', (provider) => {
  let world: World;
  let metList: MetListService;
  let member: Actor;
  let practitioner: Actor;

  beforeAll(async () => {
    world = await createWorld(provider, routes);
    metList = new MetListService(
      world.database.db,
      provider,
      world.cipher,
      world.clock,
      new RecordWriter(provider, world.cipher, routes),
      90,
    );
    member = await world.actor('met-member-1', 'met-member');
    practitioner = await world.actor('practitioner-1', 'practitioner');
  });
  afterAll(async () => {
    await world.database.destroy();
  });

  async function coordinatorMessages(): Promise<RecordEnvelope[]> {
    const rows = await world.database.db.outboxMessage.findMany({
      where: { destination: destinations.metCoordinator },
    });
    // Queued on the test's fixed clock, so in the order of their references, not of their times.
    return rows
      .map((row) =>
        world.cipher.openJson<RecordEnvelope>('OutboxMessage', 'payloadEnc', row.id, row.payloadEnc),
      )
      .sort((a, b) => a.reference.localeCompare(b.reference));
  }

  it('runs from nomination to removal, keeping the history and telling the coordinator each step', async () => {
    const missing = await world.submissions.submitMissing(practitioner, missingAnswers());
    const child = { reference: missing.reference };

    await expect(
      metList.nominate(practitioner, { child, level: 'medium', reason: 'Goes missing often' }),
    ).rejects.toBeInstanceOf(RefusedError);

    const nominated = await metList.nominate(member, {
      child,
      level: 'medium',
      reason: 'Missing three times this month, seen with older men',
    });
    expect(nominated).toMatchObject({
      status: 'nominated',
      level: 'medium',
      initials: 'S.P.',
      reviewDate: null,
    });
    expect(nominated.reference).toMatch(/^MET-2026-\d{6}$/);
    await expect(metList.nominate(member, { child, level: 'high', reason: 'Again' })).rejects.toThrow(
      /already on the MET list/,
    );

    // Each decision at its own minute: the history is in the order they were made.
    world.clock.advance(60_000);
    const accepted = await metList.accept(member, { child });
    expect(accepted.status).toBe('active');
    // The review is a month on by default (the monthly MET Operational Group).
    expect(accepted.reviewDate?.toISOString()).toBe('2026-12-28T10:01:00.000Z');

    await expect(
      metList.setLevel(member, { child, level: 'medium', reason: 'No change' }),
    ).rejects.toBeInstanceOf(NotPossibleError);
    world.clock.advance(60_000);
    const raised = await metList.setLevel(member, {
      child,
      level: 'high',
      reason: 'Found in a known trap house',
    });
    expect(raised).toMatchObject({ level: 'high', status: 'active' });

    world.clock.advance(60_000);
    const review = await metList.setReview(member, { child, reviewDate: new Date('2027-01-15T00:00:00Z') });
    expect(review.reviewDate?.toISOString()).toBe('2027-01-15T00:00:00.000Z');
    await expect(
      metList.setReview(member, { child, reviewDate: new Date('2026-11-01T00:00:00Z') }),
    ).rejects.toThrow(/after today/);
    world.clock.advance(60_000);
    await metList.setLeadProfessional(member, { child, name: 'Casey Exampleworker' });

    await expect(metList.remove(member, { child, reason: ' ' })).rejects.toThrow(/reason/);
    world.clock.advance(60_000);
    const removed = await metList.remove(member, { child, reason: 'Risk reduced' });
    expect(removed).toMatchObject({ status: 'removed', reviewDate: null });
    await expect(metList.remove(member, { child, reason: 'Again' })).rejects.toThrow(/not on the MET list/);

    const history = await metList.history(member, child);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.fromLevel, h.toLevel, h.reason, h.by])).toEqual([
      [
        null,
        'nominated',
        null,
        'medium',
        'Missing three times this month, seen with older men',
        'Tester met-member-1',
      ],
      ['nominated', 'active', 'medium', 'medium', 'Accepted by the MET group', 'Tester met-member-1'],
      ['active', 'active', 'medium', 'high', 'Found in a known trap house', 'Tester met-member-1'],
      ['active', 'active', 'high', 'high', 'Review set for 15 Jan 2027', 'Tester met-member-1'],
      ['active', 'active', 'high', 'high', 'Lead professional: Casey Exampleworker', 'Tester met-member-1'],
      ['active', 'removed', 'high', 'high', 'Risk reduced', 'Tester met-member-1'],
    ]);
    // Back to the hour the other cases expect.
    world.clock.advance(-5 * 60_000);
    const entry = await world.database.db.metListEntry.findFirstOrThrow({ where: { id: removed.entryId } });
    expect(entry.status).toBe('removed');
    // Sealed in the row, bound to it (issue 17).
    expect(entry.removalReason).not.toContain('Risk');
    expect(world.cipher.open('MetListEntry', 'removalReason', entry.id, entry.removalReason!)).toBe(
      'Risk reduced',
    );
    expect(world.cipher.open('MetListEntry', 'leadProfessional', entry.id, entry.leadProfessional!)).toBe(
      'Casey Exampleworker',
    );

    // Each change is a record of its own, queued for the MET coordinator in its transaction.
    const told = await coordinatorMessages();
    expect(told.map((m) => m.answers.action)).toEqual([
      'nominate',
      'accept',
      'set-level',
      'set-review',
      'set-lead-professional',
      'remove',
    ]);
    for (const message of told) recordSchemas['met-list-change'].parse(message);
    expect(told[2]!.answers).toMatchObject({
      child: { name: 'Sampleson Placeholder', initials: 'S.P.' },
      fromLevel: 'medium',
      toLevel: 'high',
      reason: 'Found in a known trap house',
    });
    const text = renderText(told[2]!, world.core.prompts);
    expect(text).toContain('OFFICIAL-SENSITIVE');
    expect(text).toContain('Level: medium → high');
    expect(text).toContain('Child: Sampleson Placeholder (S.P.)');
    expect(await world.database.db.record.count({ where: { type: 'met-list-change' } })).toBe(6);

    // Back on the list later: a fresh nomination, the history kept.
    await metList.nominate(member, { child, level: 'low', reason: 'Missing again after moving back' });
    expect(await metList.history(member, child)).toHaveLength(7);
  });

  it('does not nominate a child for vulnerabilities alone, nor raise an NRM alert for one weak indicator', async () => {
    // Issue 16: a learning disability alone, or disadvantage alone at 12, gave medium and a nomination.
    for (const [name, vulnerability] of [
      ['Testchild Vulnerable', 'learning-disability'],
      ['Testchild Younger', 'disadvantage'],
    ] as const) {
      const check = await world.submissions.submitRiskCheck(practitioner, 'cse', {
        child: { name, ageYears: 12 },
        indicators: {
          vulnerabilities: [vulnerability],
          moderate: [],
          significant: [],
          'exploitation-seen': [],
        },
      });
      expect(check.risk?.level).toBe('low');
      const { childId } = (await world.database.db.riskCheck.findFirst({
        where: { recordId: check.recordId },
      }))!;
      expect(await world.database.db.metListEntry.findFirst({ where: { childId: childId! } })).toBeNull();
    }
    const truancy = await world.submissions.submitRiskCheck(practitioner, 'trafficking', {
      child: { name: 'Testchild Truant', ageYears: 14 },
      context: { arrival: 'settled' },
      indicators: { community: [], 'resident-in-uk': [], internal: ['truancy'] },
    });
    expect(truancy.risk).toMatchObject({ level: 'low', score: 1 });
    expect(truancy.risk?.nextSteps.join(' ')).toContain('National Referral Mechanism');
    expect(await world.database.db.alert.count({ where: { recordId: truancy.recordId } })).toBe(0);
  });

  it('declines a nomination made from a risk check, and nominates a child by hand', async () => {
    const check = await world.submissions.submitRiskCheck(practitioner, 'cse', {
      child: { name: 'Riskcheck Examplechild', ageYears: 14 },
      indicators: {
        vulnerabilities: [],
        moderate: [],
        significant: [],
        'exploitation-seen': ['disclosed-exploitation'],
      },
    });
    expect(check.risk?.level).toBe('high');
    const declined = await metList.decline(member, {
      child: { reference: check.reference },
      reason: 'Already open to children’s social care under a child protection plan',
    });
    expect(declined.status).toBe('declined');

    const byHand = await metList.nominate(member, {
      child: { name: 'Handnominated Example', ageYears: 15, gender: 'girl', accommodation: 'foster' },
      level: 'low',
      reason: 'School concerns about older boyfriend',
      leadProfessional: 'Jordan Exampleteacher',
    });
    expect(byHand).toMatchObject({ status: 'nominated', level: 'low', initials: 'H.E.' });
  });

  it('exports the current list for the meeting, as XLSX and CSV, highest level first', async () => {
    const other = await world.submissions.submitMissing(
      practitioner,
      missingAnswers({
        child: {
          name: 'Exportchild Sample',
          dateOfBirth: '2011-03-14',
          gender: 'girl',
          ethnicity: 'Mixed',
          inCare: true,
        },
        missingFrom: 'care-foster',
      }),
    );
    await metList.nominate(member, {
      child: { reference: other.reference },
      level: 'high',
      reason: 'CSE concerns',
    });
    await metList.accept(member, { child: { reference: other.reference } });

    await expect(metList.exportXlsx(practitioner)).rejects.toBeInstanceOf(RefusedError);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await metList.exportXlsx(member)) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('MET list')!;
    const rows = sheet.getSheetValues().slice(1) as unknown[][];
    const [header, ...body] = rows.map((row) => row.slice(1));
    expect(header).toEqual([
      'Initials',
      'Name',
      'Status',
      'Level',
      'Gender',
      'Age',
      'Ethnicity',
      'Accommodation',
      'Times missing (last 90 days)',
      'Lead professional',
      'Review date',
      'Nominated',
    ]);
    const byName = new Map(body.map((row) => [row[1], row]));
    expect(body.map((row) => row[1])).toEqual([
      'Exportchild Sample',
      'Handnominated Example',
      'Sampleson Placeholder',
    ]);
    expect(byName.get('Exportchild Sample')).toEqual([
      'E.S.',
      'Exportchild Sample',
      'On the list',
      'high',
      'girl',
      15,
      'Mixed',
      'foster',
      1,
      undefined,
      new Date('2026-12-28T10:00:00.000Z'),
      new Date('2026-11-28T10:00:00.000Z'),
    ]);
    expect(byName.get('Sampleson Placeholder')!.slice(2, 10)).toEqual([
      'Nominated',
      'low',
      'boy',
      15,
      'White British',
      'residential',
      1,
      'Casey Exampleworker',
    ]);
    expect(byName.get('Handnominated Example')!.slice(2, 10)).toEqual([
      'Nominated',
      'low',
      'girl',
      15,
      undefined,
      'foster',
      0,
      'Jordan Exampleteacher',
    ]);

    const csv = await metList.exportCsv(member);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('Initials,Name,Status,Level');
    expect(lines[1]).toBe(
      'E.S.,Exportchild Sample,On the list,high,girl,15,Mixed,foster,1,,2026-12-28,2026-11-28',
    );
  });

  it("proposes from a risk check inside the check's own transaction, once", async () => {
    const missing = await world.submissions.submitMissing(
      practitioner,
      missingAnswers({
        child: { name: 'Checked Examplechild', ageYears: 13, inCare: false },
        missingFrom: 'home',
      }),
    );
    const { childId } = await world.database.db.record.findUniqueOrThrow({ where: { id: missing.recordId } });
    const before = (await coordinatorMessages()).length;
    const nominate = () =>
      world.database.db.$transaction((tx) =>
        metList.nominateFromRiskCheck(tx, practitioner, {
          childId: childId!,
          level: 'medium',
          reason: 'cse risk check',
          now: world.clock.now(),
        }),
      );
    expect(await nominate()).toMatchObject({ status: 'proposed', level: null, initials: 'C.E.' });
    expect(await nominate()).toBeNull();
    expect((await coordinatorMessages()).length).toBe(before + 1);
  });
});
