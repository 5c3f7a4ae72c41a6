import { describe, expect, it } from 'vitest';
import { commandForQuestion } from '../../src/chat/plain-questions';

describe('the MET group’s questions in plain words', () => {
  it.each([
    ['Who is due a return interview?', 'due'],
    ['who’s due a return home interview', 'due'],
    ['Which interviews are outstanding?', 'due'],
    ["Who's missing?", 'missing now'],
    ['who is missing at the moment', 'missing now'],
    ['Who has gone missing again and again?', 'repeat'],
    ['Who is on the MET list at high risk?', 'list high'],
    ['who is on the met list', 'list'],
    ['Show me the medium risk children', 'list medium'],
    ["What are this month's figures?", 'figures'],
    ['what were last month’s figures?', 'figures last month'],
    ['@metbot who is missing?', 'missing now'],
    ['Any open alerts?', 'alerts'],
  ])('%s → %s', (question, command) => {
    expect(commandForQuestion(question)).toBe(command);
  });

  it('leaves commands and answers alone: “missing” still opens the form', () => {
    for (const typed of ['missing', 'due', 'list high', 'Jayden went missing from school', 'yes'])
      expect(commandForQuestion(typed)).toBeUndefined();
  });
});
