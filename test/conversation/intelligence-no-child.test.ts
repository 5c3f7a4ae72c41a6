import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import type { Reply } from '../../src/conversation/reply';
import { fixedClock } from '../../src/domain/clock';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * Issue 16: intelligence about a place, a vehicle or a person of concern with no child named.
 * It is asked early, passes by every question about a child, and is kept, sent and audited as
 * a child's intelligence is, with no child.
 */
const book: Record<string, string> = {
  immediateDanger: 'no',
  whatHappened: 'Girls are taken to the flat after school by older men.',
  where: 'The flat above the chip shop, Example Road',
  whenHappened: 'Most Friday nights since September',
  howKnown: 'I saw or heard it myself',
  placeList: 'The flat above the chip shop, PO1 2AB',
  vehicleList: 'Silver Vauxhall Corsa HX15 ABC',
  personsOfConcernList: 'Deano, about 20, tall with a red cap',
  sourceEvaluation: '2',
  intelligenceAssessment: 'A',
  handling: 'P',
};

const childQuestions = /^(child\.|associates|childAware|sharingBasis)/;

describe.each(providers)('intelligence with no child named, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: Awaited<ReturnType<typeof createTestCore>>['cipher'];
  let actor: Actor;
  const clock = fixedClock('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, {
      clock,
      routes: { intelligence: ['gateway-email'] },
    }));
    actor = await testActor(core, 'p-nochild', 'practitioner');
  });
  afterAll(() => database.destroy());

  /** Fills the intelligence form in chat: each question answered from the book, or skipped. */
  async function report(about: string, channel: string, answers = book) {
    const asked: string[] = [];
    const said: string[] = [];
    const say = async (text: string): Promise<Reply[]> => {
      said.push(text);
      return core.chat.handle({ actor, channel, private: true, text });
    };
    let replies = await say('intel');
    for (let guard = 0; guard < 60; guard += 1) {
      const question = replies.find((reply) => reply.kind === 'question');
      if (question?.kind === 'question') {
        asked.push(question.field);
        const answer = question.field === 'about' ? about : answers[question.field];
        replies = await say(answer ?? 'skip');
        continue;
      }
      const summary = replies.find((reply) => reply.kind === 'summary');
      if (summary?.kind === 'summary') {
        replies = await say('send');
        continue;
      }
      const text = replies.map((reply) => (reply.kind === 'text' ? reply.text : '')).join('\n');
      const reference = /Saved as (INT-\d{4}-\d{6})/.exec(text)?.[1];
      return { asked, said, text, reference };
    }
    throw new Error(`no end: ${said.join(' | ')}`);
  }

  it('asks what it is about second, and then nothing about a child', async () => {
    const { asked, reference } = await report('2', 'place');
    expect(asked.slice(0, 3)).toEqual(['immediateDanger', 'about', 'whatHappened']);
    expect(asked.filter((field) => childQuestions.test(field))).toEqual([]);
    expect(asked).toContain('placeList');
    expect(reference).toMatch(/^INT-2026-\d{6}$/);
  });

  it('keeps the record with no child: no look-up, no child keys, no MET list; audited and queued for the gateway', async () => {
    const children = await database.db.person.count();
    const { reference } = await report('place', 'kept');
    const record = await database.db.record.findUniqueOrThrow({ where: { reference: reference! } });
    expect(record.type).toBe('intelligence');
    expect(record.childId).toBeNull();
    expect(await database.db.person.count()).toBe(children);
    expect(await database.db.childKey.count()).toBe(0);
    expect(await database.db.metListEntry.count()).toBe(0);
    const audit = await database.db.auditEvent.findMany({ where: { recordId: record.id } });
    expect(audit.map((event) => [event.action, event.recordType, event.detail])).toEqual([
      ['create', 'record', reference],
    ]);
    const outbox = await database.db.outboxMessage.findMany({ where: { recordId: record.id } });
    expect(outbox.map((message) => message.destination)).toEqual(['gateway-email']);
    const envelope = cipher.openJson<{ answers: Record<string, unknown> }>(
      'Record',
      'dataEnc',
      record.id,
      record.dataEnc,
    );
    expect(envelope.answers).not.toHaveProperty('child');
    expect(envelope.answers).not.toHaveProperty('childAware');
    expect(envelope.answers).toMatchObject({
      about: 'place',
      placeList: [{ place: 'The flat above the chip shop', postcode: 'PO1 2AB' }],
    });
  });

  it.each([
    ['vehicle', 'vehicleList', { vehicleList: [{ registration: 'HX15 ABC' }] }],
    ['person', 'personsOfConcernList', { personsOfConcernList: [{ name: 'Deano' }] }],
  ])('asks for the %s it is about, even with nothing said of it before', async (about, field, kept) => {
    const { asked, reference } = await report(about, `about-${about}`);
    expect(asked).toContain(field);
    const record = await database.db.record.findUniqueOrThrow({ where: { reference: reference! } });
    const { answers } = cipher.openJson<{ answers: Record<string, unknown> }>(
      'Record',
      'dataEnc',
      record.id,
      record.dataEnc,
    );
    expect(answers).toMatchObject({ about, ...kept });
  });

  it('asks again for the place when it was skipped, saying why', async () => {
    const { placeList: _left, ...without } = book;
    const asked: string[] = [];
    const say = (text: string) => core.chat.handle({ actor, channel: 'skipped', private: true, text });
    let replies = await say('intel');
    let warned = '';
    for (let guard = 0; guard < 40; guard += 1) {
      const question = replies.find((reply) => reply.kind === 'question');
      if (question?.kind === 'question') {
        asked.push(question.field);
        if (question.field === 'placeList' && warned) break;
        replies = await say(question.field === 'about' ? 'place' : (without[question.field] ?? 'skip'));
        continue;
      }
      replies = await say('send');
      warned = replies.map((reply) => (reply.kind === 'text' ? reply.text : '')).join('\n');
    }
    expect(warned).toContain('Please give the place this is about.');
    expect(asked.at(-1)).toBe('placeList');
    await say('cancel');
  });

  it("keeps the child's path as it was when the question is skipped", async () => {
    const { asked, reference } = await report('skip', 'child', {
      ...book,
      'child.name': 'Testchild Example',
      childAware: '4', // not asked
    });
    expect(asked).toContain('child.name');
    expect(asked).toContain('childAware');
    const record = await database.db.record.findUniqueOrThrow({ where: { reference: reference! } });
    expect(record.childId).not.toBeNull();
  });

  it('offers no risk check about a child, and says the reference only', async () => {
    const { text } = await report('place', 'next');
    expect(text).not.toMatch(/check cse|check cce|quick .*check/i);
    expect(text).not.toContain('Example Road');
  });
});

describe.each(providers)('the figures, with intelligence naming no child, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, {
      clock,
      routes: { intelligence: ['gateway-email'] },
    }));
  });
  afterAll(() => database.destroy());

  it('counts it as an FIB1 by agency, written and when passed to the police', async () => {
    const actor = await testActor(core, 'p-figures', 'practitioner');
    const about = {
      immediateDanger: false,
      whatHappened: 'A car waits outside the school.',
      howKnown: 'saw-it',
    };
    const grading = { sourceEvaluation: '2', intelligenceAssessment: 'A', handling: 'P' };
    const noChild = await core.submissions.submitIntelligence(actor, {
      ...about,
      ...grading,
      about: 'vehicle',
      vehicleList: [{ colour: 'Silver', make: 'Vauxhall', registration: 'HX15 ABC' }],
    });
    const child = await core.submissions.submitIntelligence(actor, {
      ...about,
      ...grading,
      child: { name: 'Testchild Figures' },
      childAware: 'not-asked',
    });
    await database.db.outboxMessage.updateMany({
      where: { recordId: { in: [noChild.recordId, child.recordId] } },
      data: { status: 'delivered', deliveredAt: clock.now() },
    });
    const november = await core.figures.count('2026-11');
    expect(november.intelligence).toEqual({
      total: 2,
      byAgency: [{ agency: 'Example Agency', reports: 2 }],
    });
    expect(november.sectionK.find((figure) => figure.id === 'fib1')).toMatchObject({
      value: 2,
      agencies: [{ agency: 'Example Agency', count: 2 }],
    });
  });
});
