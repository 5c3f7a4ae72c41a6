import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { fixedClock } from '../../src/domain/clock';
import { chatWith, missingScript } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/** Issue 15: the return interview belongs to its interviewer, and unknown facts stay unknown. */
describe.each(providers)('the assigned interviewer on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  let reporter: Actor;
  let coordinator: Actor;

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock }));
    reporter = await testActor(core, 'rep', 'practitioner', 'Testreporter Example');
    coordinator = await testActor(core, 'coord', 'met-member', 'Testcoord Example');
  });
  afterAll(() => database.destroy());

  /** A child reported missing and back, the carer named; returns the missing reference. */
  async function returned(name: string, carer: string): Promise<string> {
    const chat = chatWith(core, reporter, `rep-${name}`);
    const saved = await chat.script(missingScript(name, 'today 07:00'));
    const reference = /MIS-2026-\d{6}/.exec(saved)![0];
    const found = await chat.script([
      'found',
      reference,
      'today 09:00',
      'At home',
      '2',
      '1',
      carer,
      'skip all',
      'send',
    ]);
    expect(found).toMatch(/Saved as RET-/);
    return reference;
  }

  it('assigns someone by an @id the bot has not met; they find it theirs when they first speak', async () => {
    const reference = await returned('Testchild Pending', 'Testcarer Pending');
    const said = await chatWith(core, coordinator, 'coord').say(`assign ${reference} @newcomer`);
    expect(said).toContain('not on metbot yet');
    const newcomer = await testActor(core, 'newcomer', 'practitioner', 'Testnew Worker');
    const chat = chatWith(core, newcomer, 'new');
    expect(await chat.say('due')).toContain(reference);
    expect(await chat.say('interview')).toContain(reference);
    await chat.say('cancel');
  });

  it('refuses a practitioner who is neither the reporter nor the interviewer', async () => {
    const stranger = await testActor(core, 'stranger', 'practitioner');
    const chat = chatWith(core, stranger, 'stranger');
    expect(await chat.say('interview')).toContain('No child you can see is waiting');
    expect(await chat.say('due')).toContain('the due list is only for');
  });

  it('checks independence again when the interview is recorded', async () => {
    const reference = await returned('Testchild Carerdone', 'Testcarer Done');
    // Assigned by a plain name that is not the carer, but recorded by the carer's own account.
    const carer = await testActor(core, 'carer-done', 'practitioner', 'Testcarer Done');
    await chatWith(core, coordinator, 'coord').say(`assign ${reference} @carer-done`);
    // The assignment named the carer's account: refused at once.
    expect(
      (await database.db.missingEpisode.findFirst({ where: { interviewerId: carer.id } })) ?? null,
    ).toBeNull();
    // The reporter records it, naming the carer as the one who did it: refused at the end.
    const chat = chatWith(core, reporter, 'rep-done');
    const said = await chat.script([
      'interview',
      reference,
      'today 09:30',
      '1',
      'yes',
      'today 09:45',
      'Testcarer Done',
      'skip all',
      'send',
    ]);
    expect(said).toContain('independent of where the child lives');
    expect(said).not.toContain('Saved as');
    await chat.say('cancel');
  });

  it('accepts "don\'t know" for when the interview was offered, and keeps it unknown', async () => {
    const reference = await returned('Testchild Unknown', 'Testcarer Unknown');
    const chat = chatWith(core, reporter, 'rep-unknown');
    const asked = await chat.script(['interview', reference]);
    expect(asked).toContain('When was the interview offered?');
    expect(asked).toContain("don't know");
    await chat.say("don't know");
    const summary = await chat.script(['1', 'not yet', 'skip all']);
    expect(summary).toContain('Offered at: Not known');
    expect(await chat.say('send')).toMatch(/Saved as RI-/);
    const record = await database.db.record.findUniqueOrThrow({ where: { reference } });
    const episode = await database.db.missingEpisode.findUniqueOrThrow({
      where: { missingRecordId: record.id },
    });
    expect(episode.interviewOfferedAt).toBeNull();
    expect(episode.interviewCompletedAt).toBeNull();
    // Not offered as far as anyone knows, and not done: still on the due list, with a reminder to try again.
    expect(await chatWith(core, coordinator, 'coord').say('due')).toContain(reference);
    expect(
      await database.db.timer.count({ where: { subjectId: episode.id, kind: 'interview-reoffer' } }),
    ).toBe(1);
  });

  it('offers a CSE check after intelligence that describes it, and says the duty team cannot be reached', async () => {
    const said = await chatWith(core, reporter, 'rep-intel').script([
      'intel',
      'yes',
      '1', // about a child
      'Testchild Intel',
      'skip all',
      'Seen with an older boyfriend who buys her gifts',
      'Example Street',
      'Now',
      '1',
      '1',
      '1',
      'P',
      '4',
      'send',
    ]);
    expect(said).toMatch(/Saved as INT-/);
    expect(said).toContain('check cse');
    expect(said).toContain('please phone your duty desk or the MASH now');
  });

  it('takes "don\'t know" for where a missing child was last seen, and says it is not known', async () => {
    const chat = chatWith(core, reporter, 'rep-where');
    await chat.script(['missing', 'Testchild Whereabouts', 'no', 'home', 'today 07:00']);
    const next = await chat.say("don't know");
    expect(next).toContain('What do they look like');
    const summary = await chat.script(['Small, red coat', 'yes', 'skip all']);
    expect(summary).toContain('Last seen where: Not known');
    expect(await chat.say('send')).toMatch(/Saved as MIS-/);
  });
});
