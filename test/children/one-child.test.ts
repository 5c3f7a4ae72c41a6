import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { nameParts } from '../../src/children/child-keys';
import type { MissingAnswersT } from '../../src/domain/records';
import type { RiskCheckAnswers } from '../../src/domain/risk-answers';
import { RetentionService } from '../../src/records/retention.service';
import type { FieldCipher } from '../../src/store/field-crypto';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import type { TestDatabase } from '../support/databases';
import { providers } from '../support/databases';

/** A CSE check in chat with no signs, agreeing with the suggested level. */
const checkScript = (name: string, age: string) => [
  'check cse',
  name,
  age,
  'none',
  'none',
  'none',
  'none',
  '1',
  'send',
];

function missing(name: string, child: Partial<MissingAnswersT['child']> = {}): MissingAnswersT {
  return {
    child: { name, inCare: false, ...child },
    missingFrom: 'home',
    lastSeen: { at: '2026-11-27T18:45:00.000Z', where: 'Example Park' },
    description: 'Blue hoodie, grey joggers.',
    policeTold: true,
  };
}

const significant: RiskCheckAnswers['indicators'] = {
  vulnerabilities: [],
  moderate: [],
  significant: [],
  'exploitation-seen': ['disclosed-exploitation'],
};

describe('names as the look-up hashes read them', () => {
  it('splits nicknames from the name and knows initials', () => {
    expect(nameParts("Testkid 'Tee' Examplename")).toMatchObject({
      main: ['Testkid', 'Examplename'],
      nicknames: ['Tee'],
      initialsOnly: false,
      initials: 'T.E.',
    });
    expect(nameParts('Testkid Examplename (aka Tee)').nicknames).toEqual(['Tee']);
    expect(nameParts('IT')).toMatchObject({ initialsOnly: true, initials: 'I.T.' });
    expect(nameParts('i. t.')).toMatchObject({ initialsOnly: true, initials: 'I.T.' });
    expect(nameParts('Tee')).toMatchObject({ initialsOnly: false, main: ['Tee'] });
  });
});

describe.each(providers)('one child, one record, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;
  let practitioner: Actor;
  let colleague: Actor;
  let duty: Actor;
  let member: Actor;

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider));
    practitioner = await testActor(core, 'practitioner-1', 'practitioner');
    colleague = await testActor(core, 'practitioner-2', 'practitioner');
    duty = await testActor(core, 'duty-1', 'duty-officer');
    member = await testActor(core, 'member-1', 'met-member');
  });
  afterAll(async () => {
    await database.destroy();
  });

  const childOf = async (reference: string) =>
    (await database.db.record.findUniqueOrThrow({ where: { reference } })).childId!;

  it('asks a duty officer whether a nickname risk check is the known child, and joins it on yes', async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing("Testkid 'Tee' Examplename", { dateOfBirth: '2012-03-14' }),
    );
    const chat = chatWith(core, duty);
    const saved = await chat.script(checkScript('Tee', '14'));
    expect(saved).toMatch(/Saved as RC-2026-\d{6}/);
    expect(saved).toContain(
      `Is this the same child as Testkid 'Tee' Examplename (T.E.), born 14 Mar 2012 (${known.reference})?`,
    );
    expect(saved).toContain('the same first name or nickname');
    const check = saved.match(/RC-2026-\d{6}/)![0];
    expect(await childOf(check)).not.toBe(await childOf(known.reference));

    expect(await chat.say('maybe')).toContain('Please reply *yes*, *no* or *not sure*.');
    expect(await chat.say('yes')).toContain(`your report is now on the same record as ${known.reference}`);
    expect(await childOf(check)).toBe(await childOf(known.reference));
    const riskCheck = await database.db.riskCheck.findUniqueOrThrow({
      where: { recordId: (await database.db.record.findUniqueOrThrow({ where: { reference: check } })).id },
    });
    expect(riskCheck.childId).toBe(await childOf(known.reference));
    // The question is answered: the next words are a command again.
    expect(await chat.say('help')).toContain('Hello, I am metbot');
  });

  it("asks a practitioner about an initials check only by their own report's reference and initials", async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing('Initial Testchild', { ageYears: 14 }),
    );
    const chat = chatWith(core, practitioner);
    const saved = await chat.script(checkScript('IT', '14'));
    expect(saved).toContain(`Is this the same child as I.T. in your report ${known.reference}?`);
    expect(saved).toContain('the same initials and age at the same agency');
    expect(saved).not.toContain('Initial Testchild');
    await chat.say('yes');
    const check = saved.match(/RC-2026-\d{6}/)![0];
    expect(await childOf(check)).toBe(await childOf(known.reference));
  });

  it('never joins children who share initials silently: a second report is queued instead', async () => {
    const first = await core.submissions.submitMissing(
      practitioner,
      missing('Alex Testchild', { ageYears: 14 }),
    );
    const second = await core.submissions.submitMissing(
      practitioner,
      missing('Amy Testchild', { ageYears: 14 }),
    );
    const a = await core.submissions.submitRiskCheck(practitioner, 'cse', {
      child: { name: 'AT', ageYears: 14 },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    const b = await core.submissions.submitRiskCheck(practitioner, 'cse', {
      child: { name: 'AT', ageYears: 14 },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    const ids = await Promise.all([first, second, a, b].map((s) => childOf(s.reference)));
    expect(new Set(ids).size).toBe(4);
    const pairs = await database.db.childPair.findMany({
      where: { recordId: { in: [second.recordId, a.recordId, b.recordId] }, status: 'open' },
    });
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    expect(pairs.find((p) => p.recordId === second.recordId)?.reasons).toContain('initial-surname');
  });

  it('joins a risk check by the reference of an earlier report, and by the same full name', async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing('Referenced Testchild', { dateOfBirth: '2011-06-02' }),
    );
    const byReference = await core.submissions.submitRiskCheck(practitioner, 'cse', {
      child: { name: known.reference.toLowerCase() },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    const byName = await core.submissions.submitRiskCheck(duty, 'cse', {
      child: { name: 'referenced  TESTCHILD', ageYears: 15 },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    expect(await childOf(byReference.reference)).toBe(await childOf(known.reference));
    expect(await childOf(byName.reference)).toBe(await childOf(known.reference));
    // A colleague cannot attach a check to a report they may not see: it is a new record.
    const other = await core.submissions.submitRiskCheck(colleague, 'cse', {
      child: { name: known.reference },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    expect(await childOf(other.reference)).not.toBe(await childOf(known.reference));
  });

  it('queues what the reporter may not see; a MET member merges, the MET list follows, and unmerge restores both', async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing("Rover 'Roo' Testchild", { dateOfBirth: '2012-07-09' }),
    );
    // A colleague's check on "Roo": she may not see the known child, so it waits in the queue.
    const chat = chatWith(core, colleague);
    await chat.script(checkScript('Roo', '14').slice(0, -1));
    const saved = await chat.say('send');
    expect(saved).toContain('A MET group member will check whether it is the same child.');
    expect(saved).not.toContain('Is this the same child');
    const check = saved.match(/RC-2026-\d{6}/)![0];
    // A high check on the same new record nominates it for the MET list.
    const high = await core.submissions.submitRiskCheck(duty, 'cse', {
      child: { name: check },
      indicators: significant,
    });
    expect(await childOf(high.reference)).toBe(await childOf(check));

    const metChat = chatWith(core, member);
    expect(await metChat.say(`level ${known.reference} medium Seen again`)).toContain(
      'This child is not on the MET list.',
    );
    const queue = await metChat.say('duplicates');
    expect(queue).toContain(known.reference);
    // The new record now has two reports (the check and the high one): either names it.
    expect(queue).toMatch(new RegExp(`merge RC-2026-\\d{6} ${known.reference}`));
    expect(queue).toContain("Rover 'Roo' Testchild");
    expect(await chatWith(core, member, 'channel', false).say('duplicates')).toContain('private chat');
    expect(await chatWith(core, practitioner).say('duplicates')).toContain('only for MET group members');

    const merged = await metChat.say(`merge ${check} ${known.reference}`);
    expect(merged).toContain('Merged: ');
    const one = await childOf(check);
    expect(await childOf(known.reference)).toBe(one);
    expect(await childOf(high.reference)).toBe(one);
    const episode = await database.db.missingEpisode.findUniqueOrThrow({
      where: { missingRecordId: known.recordId },
    });
    expect(episode.childId).toBe(one);
    // Every reference of the child's records works in the MET list commands. The risk check only
    // proposed the child: the level is set, and the group still decides at its meeting.
    expect(await metChat.say(`level ${known.reference} medium Seen again`)).toMatch(
      /is now proposed for the MET list, for the group to decide, medium risk/,
    );
    expect(await metChat.say(`history ${check}`)).toContain('Seen again');
    expect(await metChat.say('duplicates')).not.toContain(`merge ${check} ${known.reference}`);

    const undo = merged.match(/unmerge ([A-Z]+-2026-\d{6})/)![1]!;
    expect(await metChat.say(`unmerge ${undo}`)).toContain('separate records again');
    const [a, b] = [await childOf(check), await childOf(known.reference)];
    expect(a).not.toBe(b);
    expect(await childOf(high.reference)).toBe(a);
    expect(
      (await database.db.missingEpisode.findUniqueOrThrow({ where: { missingRecordId: known.recordId } }))
        .childId,
    ).toBe(b);
    expect((await database.db.person.findUniqueOrThrow({ where: { id: b } })).mergedIntoId).toBeNull();
    expect((await database.db.person.findUniqueOrThrow({ where: { id: b } })).dateOfBirthEnc).not.toBeNull();
    expect((await database.db.person.findUniqueOrThrow({ where: { id: a } })).dateOfBirthEnc).toBeNull();

    const pair = await database.db.childPair.findFirstOrThrow({ where: { childId: a, knownId: b } });
    expect(pair.status).toBe('unmerged');
    const audit = await database.db.auditEvent.findMany({
      where: { recordType: 'child-pair', recordId: pair.id },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((e) => [e.action, e.detail, e.actorId])).toEqual([
      ['update', 'merge', member.id],
      ['update', 'unmerge', member.id],
    ]);
    const people = await database.db.auditEvent.findMany({
      where: { recordType: 'person', recordId: { in: [a, b] }, detail: { startsWith: 'merged' } },
    });
    expect(people).toHaveLength(2);
  });

  it('keeps two records apart on request, audited, and off the queue', async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing('Kept Testchild', { ageYears: 13 }),
    );
    const other = await core.submissions.submitMissing(colleague, missing('Kept', { ageYears: 13 }));
    const metChat = chatWith(core, member);
    expect(await metChat.say('duplicates')).toContain(`merge ${other.reference} ${known.reference}`);
    expect(await metChat.say(`keep-apart ${other.reference} ${known.reference}`)).toContain(
      'are about different children',
    );
    expect(await metChat.say('duplicates')).not.toContain(other.reference);
    const pair = await database.db.childPair.findFirstOrThrow({ where: { recordId: other.recordId } });
    expect(pair.status).toBe('kept-apart');
    expect(
      await database.db.auditEvent.count({
        where: { recordType: 'child-pair', recordId: pair.id, detail: 'keep apart' },
      }),
    ).toBe(1);
  });

  // Last: it erases every child past retention in this database.
  it('erases a merged child with the record it was merged into, with their look-up hashes and pairs', async () => {
    const known = await core.submissions.submitMissing(
      practitioner,
      missing("Erased 'Ezzy' Testchild", { ageYears: 17 }),
    );
    const check = await core.submissions.submitRiskCheck(duty, 'cse', {
      child: { name: 'Ezzy', ageYears: 17 },
      indicators: { vulnerabilities: [], moderate: [], significant: [], 'exploitation-seen': [] },
    });
    const [a, b] = [await childOf(check.reference), await childOf(known.reference)];
    expect(await chatWith(core, member).say(`merge ${check.reference} ${known.reference}`)).toContain(
      'Merged',
    );
    const retention = new RetentionService(provider, { yearsAfter18: 6, noChildYears: 6 }, cipher);
    await database.db.$transaction((tx) => retention.sweep(tx, new Date('2040-01-01T00:00:00Z')));
    expect(await database.db.person.count({ where: { id: { in: [a, b] } } })).toBe(0);
    expect(await database.db.childKey.count({ where: { childId: { in: [a, b] } } })).toBe(0);
    expect(
      await database.db.childPair.count({
        where: { OR: [{ childId: { in: [a, b] } }, { knownId: { in: [a, b] } }] },
      }),
    ).toBe(0);
    expect(
      await database.db.record.count({ where: { reference: { in: [known.reference, check.reference] } } }),
    ).toBe(0);
  });

  it('keeps no name in clear in the look-up table', async () => {
    const keys = await database.db.childKey.findMany({ take: 200 });
    for (const key of keys) expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
