import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { FormEngine } from '../../src/conversation/form-engine';
import { fixedClock } from '../../src/domain/clock';
import { formatEntityAnswer, parseEntityAnswer, suggestEntities } from '../../src/links/entity-answers';
import { questionAsked, summaryShown } from '../contract/forms';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

// Issue 19: "The forms ask for them as structured answers, one or several, with "don't know".
// … The extracted values are offered as suggestions that the reporter confirms. Nothing is
// guessed silently."
describe('structured answers about people, vehicles, phones, online names and places', () => {
  it('reads vehicles: colour, make, model and a registration with ? or * for unknown characters', () => {
    expect(
      parseEntityAnswer('vehicles', 'silver Vauxhall Corsa HX1?\nblack VW Golf hx15abc; Land Rover'),
    ).toEqual({
      ok: true,
      value: [
        { colour: 'silver', make: 'Vauxhall', model: 'Corsa', registration: 'HX1? ???' },
        { colour: 'black', make: 'Volkswagen', model: 'Golf', registration: 'HX15 ABC' },
        { make: 'Land Rover' },
      ],
    });
    expect(parseEntityAnswer('vehicles', 'red van HX1* A**')).toMatchObject({
      value: [{ colour: 'red', model: 'van', registration: 'HX1? A??' }],
    });
    const wrong = parseEntityAnswer('vehicles', 'blue car 12345');
    expect(wrong).toMatchObject({ ok: false });
    expect(!wrong.ok && wrong.reason).toContain('UK registration');
  });

  it('reads phones to E.164 and says why a number is not one', () => {
    expect(parseEntityAnswer('phones', '07700 900123; +44 (0)20 7946 0000\n+33 6 12 34 56 78')).toEqual({
      ok: true,
      value: ['+447700900123', '+442079460000', '+33612345678'],
    });
    const wrong = parseEntityAnswer('phones', '0770 12');
    expect(!wrong.ok && wrong.reason).toContain("isn't a phone number I can read");
  });

  it('reads online names with their platform', () => {
    expect(parseEntityAnswer('online-names', '@Deano_99 on Snapchat\nkiki.x (Instagram)\n@nobody')).toEqual({
      ok: true,
      value: [
        { handle: '@deano_99', platform: 'Snapchat' },
        { handle: '@kiki.x', platform: 'Instagram' },
        { handle: '@nobody' },
      ],
    });
    expect(parseEntityAnswer('online-names', 'he has lots of accounts')).toMatchObject({ ok: false });
  });

  it('reads people: a name or nickname, a rough age, a description', () => {
    expect(
      parseEntityAnswer('people', 'Deano, about 20, tall with a red cap\nunknown older man, 40s, beard'),
    ).toEqual({
      ok: true,
      value: [
        { name: 'Deano', ageApprox: 20, description: 'tall with a red cap' },
        { name: 'unknown older man', ageApprox: 40, description: 'beard' },
      ],
    });
  });

  it('reads places with an optional postcode', () => {
    expect(parseEntityAnswer('places', 'The flat above the chip shop, po12ab\nExample Park')).toEqual({
      ok: true,
      value: [{ place: 'The flat above the chip shop', postcode: 'PO1 2AB' }, { place: 'Example Park' }],
    });
    expect(formatEntityAnswer('places', [{ place: 'Example Park', postcode: 'PO1 2AB' }])).toBe(
      'Example Park, PO1 2AB',
    );
  });

  it('offers values from the reporter’s own words, never from the child’s details', () => {
    const answers = {
      child: { name: 'Testchild Example', address: '1 Example Street, PO9 9ZZ' },
      whatHappened: 'Got into HX1? ABC; a man called Deano rang from 07700 900123.',
      personsOfConcern: 'A man called Deano',
      vehicles: 'HX15 ABC',
      where: 'Example Road',
    };
    expect(suggestEntities('vehicles', 'vehicleList', answers)).toEqual(['HX15 ABC', 'HX1? ABC']);
    expect(suggestEntities('people', 'personsOfConcernList', answers)).toEqual(['Deano']);
    expect(suggestEntities('people', 'associatesList', answers)).toEqual([]);
    expect(suggestEntities('phones', 'phoneList', answers)).toEqual(['+447700900123']);
    expect(suggestEntities('places', 'placeList', answers)).toEqual(['Example Road']);
  });
});

describe.each(providers)('structured answers in the intelligence form on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: Awaited<ReturnType<typeof createTestCore>>['cipher'];
  let reporter: Actor;

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, {
      clock: fixedClock('2026-11-28T12:00:00Z'),
    }));
    reporter = await core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: 'U-SCHOOL', displayName: 'Tester School' },
      'practitioner',
      'Example Academy',
      'slack',
    );
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('offers what it found for the reporter to confirm, asks a wrong answer again, and keeps the confirmed ones', async () => {
    const chat = chatWith(core, reporter, 'dm-structured');
    const book: Record<string, string[]> = {
      immediateDanger: ['no'],
      'child.name': ['Amber Testchild'],
      whatHappened: ['Got into a silver Corsa HX1? ABC near the park.'],
      where: ['Example Road'],
      whenHappened: ['Yesterday'],
      howKnown: ['1'],
      personsOfConcern: ['A man called Deano, about 20'],
      vehicles: ['HX15 ABC'],
      phonesAndOnline: ['Rang 07700 900123, @deano_99 on snapchat'],
      personsOfConcernList: ['yes'],
      vehicleList: ['yes'],
      phoneList: ["don't know"],
      onlineNameList: ['he has lots of accounts', 'yes'],
      placeList: ['Example Road, PO1 2AB'],
      sourceEvaluation: ['1'],
      intelligenceAssessment: ['1'],
      handling: ['1'],
      childAware: ['1'],
    };
    const asked: Record<string, string> = {};
    let said = await chat.say('intelligence');
    let reference: string | undefined;
    for (let turn = 0; turn < 60 && !reference; turn += 1) {
      reference = /Saved as ([A-Z]{2,3}-\d{4}-\d{6})/.exec(said)?.[1];
      if (reference) break;
      if (summaryShown(core, said)) {
        asked.summary = said;
        said = await chat.say('send');
        continue;
      }
      const question = questionAsked(core, reporter, 'intelligence', said)!;
      asked[question.field] = `${asked[question.field] ?? ''}\n${said}`;
      const answer = book[question.field]?.shift() ?? (question.optional ? 'skip' : '1');
      said = await chat.say(answer);
    }
    expect(reference).toBeDefined();
    expect(asked.vehicleList).toContain('From what you wrote: HX15 ABC; HX1? ABC. Type "yes" to keep these');
    expect(asked.personsOfConcernList).toContain('From what you wrote: Deano.');
    expect(asked.onlineNameList).toContain('Please give the name as it appears, like @name on Snapchat.');
    // The associates were not described: their structured question is not asked.
    expect(asked.associatesList).toBeUndefined();
    expect(asked.summary).toContain('HX15 ABC; HX1? ABC');
    expect(asked.summary).toContain('@deano_99 on Snapchat');
    // In a modal nothing is offered, so a bare "yes" is asked again rather than kept as a name.
    const engine = new FormEngine(core.prompts.messages, () => new Date('2026-11-28T12:00:00Z'));
    const modal = await engine.validateAll(core.catalogue.spec('intelligence', reporter), {
      associates: 'Goes about with Kiki',
      associatesList: 'yes',
      vehicles: 'a van',
      vehicleList: 'white Ford Transit, HX15 ABC',
    });
    expect(modal.ok).toBe(false);
    expect(!modal.ok && modal.errors.associatesList).toBe(core.prompts.messages.entities.nothingToUse);
    expect(!modal.ok && modal.errors.vehicleList).toBeUndefined();
    expect(modal.values.vehicleList).toEqual([
      { colour: 'white', make: 'Ford', model: 'Transit', registration: 'HX15 ABC' },
    ]);

    const record = await database.db.record.findUniqueOrThrow({ where: { reference: reference! } });
    const mentions = (await database.db.linkMention.findMany({ where: { recordId: record.id } })).map(
      (m) => ({
        kind: m.kind,
        ...cipher.openJson<{ value: string; field?: string; platform?: string }>(
          'LinkMention',
          'valueEnc',
          m.id,
          m.valueEnc,
        ),
      }),
    );
    expect(mentions).toEqual(
      expect.arrayContaining([
        { kind: 'vehicle', value: 'HX15 ABC', field: 'vehicleList' },
        { kind: 'vehicle', value: 'HX1? ABC', field: 'vehicleList' },
        { kind: 'person', value: 'deano', field: 'personsOfConcernList' },
        { kind: 'handle', value: '@deano_99', platform: 'Snapchat', field: 'onlineNameList' },
        { kind: 'place', value: 'Example Road', field: 'placeList' },
        { kind: 'postcode', value: 'PO1 2AB', field: 'placeList' },
        // Not confirmed in the structured answer, and still found in the free text as before.
        { kind: 'phone', value: '+447700900123', field: 'phonesAndOnline' },
      ]),
    );
  });
});
