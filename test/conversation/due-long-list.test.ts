import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import type { FieldCipher } from '../../src/store/field-crypto';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * `due` reads both its lists and the assignments waiting for the asker at once (issue 20), unless
 * there are more than a list holds (200): then each is read on its own, and nothing is missed.
 */
describe.each(providers)('`due` with more open interviews than a list holds (%s)', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;
  const clock = fixedClock('2026-11-28T10:00:00Z');

  beforeAll(async () => {
    ({ core, database, cipher } = await createTestCore(provider, { clock }));
  });
  afterAll(() => database.destroy());

  /** An open return interview for a synthetic child, due `hours` from now. */
  async function openInterview(initials: string, hours: number, handle: string | null = null) {
    const childId = randomUUID();
    await database.db.person.create({
      data: {
        id: childId,
        kind: 'child',
        initials,
        nameEnc: cipher.seal('Person', 'nameEnc', childId, `Testchild ${initials}`),
      },
    });
    const at = (h: number) => new Date(clock.now().getTime() + h * 3_600_000);
    return database.db.missingEpisode.create({
      data: {
        childId,
        missingRecordId: randomUUID(),
        missingFrom: 'Example Home',
        lastSeenAt: at(-48),
        reportedAt: at(-48),
        returnedAt: at(-24),
        interviewDueAt: at(hours),
        interviewerHandle: handle,
      },
    });
  }

  it('matches a newcomer assigned the last one due, and lists it as theirs', async () => {
    for (let i = 0; i < 201; i += 1) await openInterview('O.', 1 + i / 100);
    const theirs = await openInterview('L.', 48, 'console:test:late-comer');
    const newcomer = await testActor(core, 'late-comer', 'met-member', 'Testlate Comer');
    const said = await chatWith(core, newcomer, 'late').say('due');
    const [mine, due] = said.split('Return interviews due');
    expect(mine).toContain('Return interviews you are doing');
    expect(mine).toContain('Testchild L.');
    expect(due?.match(/Testchild O\./g)).toHaveLength(200);
    const episode = await database.db.missingEpisode.findUniqueOrThrow({ where: { id: theirs.id } });
    expect(episode.interviewerId).toBe(newcomer.id);
  });

  it('matches a newcomer when the lists are short, in the same read', async () => {
    await database.db.missingEpisode.deleteMany({});
    const theirs = await openInterview('S.', 10, 'console:test:short-comer');
    const newcomer = await testActor(core, 'short-comer', 'met-member', 'Testshort Comer');
    const said = await chatWith(core, newcomer, 'short').say('due');
    expect(said).toContain('Return interviews you are doing');
    expect(said).toContain('Interviewer: Testshort Comer');
    const episode = await database.db.missingEpisode.findUniqueOrThrow({ where: { id: theirs.id } });
    expect(episode.interviewerId).toBe(newcomer.id);
  });
});
