import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../adapters/teams/share-form';
import { ANSWER_MAX_CHARS, answerLimit, parseAnswer } from '../../src/conversation/answer-parsers';
import { type InputType, inputTypes } from '../../src/conversation/form-definition';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';
import { parseTime } from '../support/timing';

const now = new Date('2026-11-28T14:30:00Z');
const options = Array.from({ length: 12 }, (_, i) => ({ value: `v${i}`, label: `Option ${i}` }));

/** Inputs that made backtracking patterns slow, stretched to a given length. */
const hostile = (length: number): Record<string, string> => ({
  spaces: `a${' '.repeat(length - 2)}b`,
  tabsAndAt: 'a \t'.repeat(length / 3),
  ats: ' at'.repeat(length / 3),
  digits: '1'.repeat(length),
  commas: '1,'.repeat(length / 2),
  colons: '1:'.repeat(length / 2),
  words: 'today '.repeat(length / 6),
  angles: '<'.repeat(length),
});

describe('answers are capped before they are parsed', () => {
  it('500 characters for an answer, 3,000 for a narrative', () => {
    expect(answerLimit('text')).toBe(ANSWER_MAX_CHARS);
    expect(answerLimit('datetime')).toBe(500);
    expect(answerLimit('longtext')).toBe(3000);
    expect(parseAnswer('longtext', 'x'.repeat(3000), [], now)).toEqual({ ok: true, value: 'x'.repeat(3000) });
    const refused = parseAnswer('longtext', 'x'.repeat(3001), [], now);
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('3,000 characters or fewer') });
    expect(parseAnswer('yesno', `yes${' '.repeat(600)}no`, [], now)).toEqual({
      ok: false,
      reason: expect.stringContaining('500 characters or fewer'),
    });
  });

  // Every parser on hostile text at its cap, and 100 KB of it (refused by the cap, unread).
  const timings: Record<string, number> = {};
  afterAll(() => {
    const rows = Object.entries(timings).map(([name, ms]) => `${name}: ${ms.toFixed(2)} ms`);
    console.info(`slowest parse per input type (at the cap / 100 KB):\n  ${rows.join('\n  ')}`);
  });

  it.each(inputTypes)('%s answers within 50 ms at its cap and at 100 KB', (type: InputType) => {
    let atCap = 0;
    let huge = 0;
    for (const [name, text] of Object.entries(hostile(answerLimit(type)))) {
      expect(text.length, name).toBeLessThanOrEqual(answerLimit(type));
      atCap = Math.max(
        atCap,
        parseTime(() => parseAnswer(type, text, options, now)),
      );
    }
    for (const text of Object.values(hostile(100_000))) {
      huge = Math.max(
        huge,
        parseTime(() => parseAnswer(type, text, options, now)),
      );
      expect(parseAnswer(type, text, options, now).ok).toBe(false);
    }
    timings[type] = atCap;
    timings[`${type} (100 KB)`] = huge;
    expect(atCap).toBeLessThan(50);
    expect(huge).toBeLessThan(50);
  });

  it('a Teams message body is read in linear time (256 KB of unclosed tags)', () => {
    const ms = parseTime(() => messageText('<a'.repeat(128 * 1024), 'html'));
    timings['Teams message text (256 KB)'] = ms;
    expect(ms).toBeLessThan(50);
    expect(messageText('<p>Seen <b>near</b> the park</p><br/>x', 'html')).toBe('Seen near the park\n\nx');
  });
});

describe.each(providers)('a too-long answer in the chat on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider));
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('is refused kindly, the question asked again, and nothing already answered is lost', async () => {
    const actor = await testActor(core, 'p-long', 'practitioner');
    const chat = chatWith(core, actor, 'long-dm');
    await chat.say('missing');
    const asked = await chat.say('Testchild Longanswer');
    const again = await chat.say('no '.repeat(40_000));
    expect(again).toContain('Sorry, that is too long for me to take');
    expect(again).toContain('500 characters or fewer');
    expect(again).toContain(asked.split('\n').at(-1));
    await chat.say('no');
    const summary = await chat.script(['skip all', '1', 'today 08:30', 'Example Park', 'Tall', 'yes']);
    expect(summary).toContain('Testchild Longanswer');
    const reference = /MIS-2026-\d{6}/.exec(await chat.say('send'))![0];

    // A MET list reason is a narrative too: 3,000 characters at most.
    const member = await testActor(core, 'm-long', 'met-member');
    const said = (reason: string) =>
      chatWith(core, member, 'm-long-dm').say(`nominate ${reference} high ${reason}`);
    expect(await said('x'.repeat(3001))).toContain('Please keep the reason to 3,000 characters or fewer');
    expect(await said('Seen with older males')).toContain('nominated for the MET list');
  });
});
