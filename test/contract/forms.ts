import type { Actor } from '../../src/access/actor';
import type { Question } from '../../src/conversation/form-definition';
import type { Core } from '../../src/core';
import type { Person, SurfaceDriver } from './drivers';

/** Surfaces mark words up differently (*bold* in Slack, **bold** in Teams, none in the terminal). */
export const plain = (text: string) =>
  text
    .replace(/\*/g, '')
    .replace(/&#39;|’/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export const referenceIn = (text: string) => /Saved as ([A-Z]{2,3}-\d{4}-\d{6})/.exec(plain(text))?.[1];

/** Answers a person might type, by the field they fill; a form's required path needs each one it asks. */
export type AnswerBook = Record<string, string>;

/** What a person might type for a required question the book has no answer for. */
const typical: Record<Question['type'], string> = {
  text: 'Example Street',
  longtext: 'Seen with an older man near the station.',
  choice: '1',
  multichoice: 'none',
  yesno: 'no',
  date: '03/04/2012',
  datetime: 'yesterday 18:00',
  number: '14',
  episode: '1',
};

/** The question the bot asked last in this answer, found by its words in the form. */
export function questionAsked(core: Core, actor: Actor, formId: string, said: string): Question | undefined {
  const text = plain(said);
  let last: { question: Question; at: number } | undefined;
  for (const step of core.catalogue.spec(formId, actor).form.steps) {
    for (const question of step.questions) {
      // An ask may hold a placeholder ("The check suggests {level}."): its longest fixed part is looked for.
      const words = plain(question.ask)
        .split(/\{[^}]+\}/)
        .sort((a, b) => b.length - a.length)[0]!;
      const at = text.lastIndexOf(words);
      if (at >= 0 && (!last || at > last.at)) last = { question, at };
    }
  }
  return last?.question;
}

export const summaryShown = (core: Core, said: string) =>
  plain(said).includes(plain(core.prompts.messages.summaryPrompt).slice(0, 20));

/**
 * Fills in a form on a surface as a person would, reading each question from what the bot said:
 * the book's answer where it has one, `skip` for an optional question it has none for, `send` at
 * the summary. Returns the reference the confirmation gives and everything said on the way.
 */
export async function fillIn(
  driver: SurfaceDriver,
  person: Person,
  actor: Actor,
  core: Core,
  command: string,
  formId: string,
  book: AnswerBook,
): Promise<{ reference: string; transcript: string[] }> {
  const transcript: string[] = [];
  const say = async (text: string) => {
    const answer = await driver.say(person, text);
    transcript.push(`> ${text}`, answer);
    return answer;
  };
  let said = await say(command);
  for (let turn = 0; turn < 60; turn += 1) {
    const reference = referenceIn(said);
    if (reference) return { reference, transcript };
    if (summaryShown(core, said)) {
      said = await say('send');
      continue;
    }
    const question = questionAsked(core, actor, formId, said);
    if (!question) throw new Error(`no question, summary or reference in:\n${transcript.join('\n')}`);
    const answer = book[question.field] ?? (question.optional ? 'skip' : typical[question.type]);
    said = await say(answer);
  }
  throw new Error(`the form did not end:\n${transcript.join('\n')}`);
}
