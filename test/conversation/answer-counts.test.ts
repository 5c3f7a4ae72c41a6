import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import type { Reply } from '../../src/conversation/reply';
import { fixedClock } from '../../src/domain/clock';
import { createTestCore, type TestCore, testActor } from '../support/core';
import type { TestDatabase } from '../support/databases';

/**
 * How many messages a practitioner sends in chat on a form's required path: the command, an
 * answer to each required question, `skip all` at the first optional one, and `send`. Issue 15
 * asks for a missing notification in at most 10. The answers are looked up by the question
 * asked, so a new required question, or one moved after the optional ones, shows here.
 */
async function requiredPath(
  core: TestCore,
  actor: Actor,
  command: string,
  answers: Record<string, string>,
): Promise<{ said: string[]; reference: string }> {
  const said: string[] = [];
  const say = async (text: string): Promise<Reply[]> => {
    said.push(text);
    return core.chat.handle({ actor, channel: `count-${command}`, private: true, text });
  };
  let replies = await say(command);
  for (let guard = 0; guard < 40; guard += 1) {
    const question = replies.find((reply) => reply.kind === 'question');
    if (question?.kind === 'question') {
      if (question.optional) {
        replies = await say('skip all');
        continue;
      }
      const answer = answers[question.field];
      if (answer === undefined) throw new Error(`no answer for the required ${question.field}`);
      replies = await say(answer);
      continue;
    }
    if (replies.some((reply) => reply.kind === 'summary')) {
      replies = await say('send');
      continue;
    }
    const done = replies.map((reply) => (reply.kind === 'text' ? reply.text : '')).join('\n');
    const reference = /Saved as ([A-Z]{2,3}-\d{4}-\d{6})/.exec(done)?.[1];
    if (!reference) throw new Error(`neither a question nor a reference: ${done}`);
    return { said, reference };
  }
  throw new Error(`no end after ${said.length} messages: ${said.join(' | ')}`);
}

describe('answers on the required path in chat', () => {
  let core: TestCore;
  let database: TestDatabase;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  beforeAll(async () => {
    ({ core, database } = await createTestCore('sqlite', { clock }));
  });
  afterAll(() => database.destroy());

  it('a missing notification takes at most 10, the required questions first', async () => {
    const actor = await testActor(core, 'p-count', 'practitioner');
    const { said, reference } = await requiredPath(core, actor, 'missing', {
      'child.name': 'Testchild Example',
      'child.inCare': 'yes',
      missingFrom: 'residential',
      'lastSeen.at': 'today 07:00',
      'lastSeen.where': 'Example Road bus stop',
      description: 'Tall, green coat',
      policeTold: 'yes',
    });
    expect(reference).toMatch(/^MIS-2026-\d{6}$/);
    expect(said).toEqual([
      'missing',
      'Testchild Example',
      'yes',
      'residential',
      'today 07:00',
      'Example Road bus stop',
      'Tall, green coat',
      'yes',
      'skip all',
      'send',
    ]);
    expect(said.length).toBeLessThanOrEqual(10);
  });

  it('a return takes 8, the required questions first', async () => {
    const actor = await testActor(core, 'p-count', 'practitioner');
    const { said, reference } = await requiredPath(core, actor, 'found', {
      episode: '1',
      returnedAt: 'today 09:30',
      whereFound: "At a friend's house on Example Road",
      foundBy: 'police',
      safeAndWellCheck: 'yes',
    });
    expect(reference).toMatch(/^RET-2026-\d{6}$/);
    expect(said).toEqual([
      'found',
      '1',
      'today 09:30',
      "At a friend's house on Example Road",
      'police',
      'yes',
      'skip all',
      'send',
    ]);
  });

  it('a return interview takes 8 when it is done, the required questions first', async () => {
    const actor = await testActor(core, 'p-count', 'practitioner');
    const { said, reference } = await requiredPath(core, actor, 'interview', {
      episode: '1',
      offeredAt: 'today 09:40',
      offeredHow: 'in person',
      outcome: 'yes',
      completedAt: 'today 09:45',
    });
    expect(reference).toMatch(/^RI-2026-\d{6}$/);
    expect(said).toEqual([
      'interview',
      '1',
      'today 09:40',
      'in person',
      'yes',
      'today 09:45',
      'skip all',
      'send',
    ]);
  });
});

/**
 * The other forms' required paths, counted the same way (issue 15 asks for each form's count in
 * the note): intelligence and the three quick risk checks.
 */
describe('answers on the required path in chat, for intelligence and the risk checks', () => {
  let core: TestCore;
  let database: TestDatabase;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  beforeAll(async () => {
    ({ core, database } = await createTestCore('sqlite', { clock }));
  });
  afterAll(() => database.destroy());

  const answers: Record<string, string> = {
    immediateDanger: 'no',
    'child.name': 'Testchild Example',
    'child.ageYears': '14',
    whatHappened: 'Seen getting into a car with older men after school.',
    where: 'Example Lane',
    whenHappened: 'Friday after school',
    howKnown: '1',
    sourceEvaluation: '1',
    intelligenceAssessment: '1',
    handling: '1',
    childAware: '1',
  };
  /** A risk check's questions are its own: each context or indicator list is answered "don't know". */
  const withChecks = (field: string) =>
    answers[field] ??
    (/^(context|indicators|signs|vulnerabilities)\./.test(field) ? "don't know" : undefined);

  // Intelligence: the command, 10 required answers (the 3x5x2 grading and whether the child knows
  // among them), `skip all` and `send`. A risk check asks nothing it must have: every question may
  // be "don't know", so its required path is the command, `skip all` and `send`.
  it.each([
    ['intel', 'INT', 13],
    ['check cse', 'RC', 3],
    ['check cce', 'RC', 3],
    ['check missing', 'RC', 3],
    ['check trafficking', 'RC', 3],
  ])('%s takes %s… in %i', async (command, prefix, count) => {
    const actor = await testActor(core, 'p-count-more', 'practitioner');
    const book = new Proxy(answers, { get: (_, field: string) => withChecks(field) });
    const { said, reference } = await requiredPath(core, actor, command, book);
    expect(reference.startsWith(`${prefix}-`)).toBe(true);
    expect(said).toHaveLength(count);
  });
});
