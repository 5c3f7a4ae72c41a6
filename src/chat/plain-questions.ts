/**
 * The MET group's questions as people ask them ("who is due a return interview?", "who's missing?"),
 * turned into the words of the command that answers them, which the command table
 * (src/chat/commands.ts) then reads like any typed command. Only a question counts: a message that
 * starts with a question word or ends with "?". So "missing" on its own still opens the missing form.
 */
const questionStart = /^(who|whos|who's|what|which|how many|show me|any|are there|is there)\b/;

const level = (text: string) => /\b(high|medium|low)\b/.exec(text)?.[1];

const meanings: { when: (text: string) => boolean; command: (text: string) => string }[] = [
  {
    when: (t) => /\b(return|interviews?)\b/.test(t) && /\b(due|waiting|outstanding|owed)\b/.test(t),
    command: () => 'due',
  },
  {
    when: (t) => /\b(again|repeat(edly)?|often|times)\b/.test(t) && /\bmissing\b/.test(t),
    command: () => 'repeat',
  },
  { when: (t) => /\bmissing\b/.test(t), command: () => 'missing now' },
  { when: (t) => /\bmet( list)?\b/.test(t), command: (t) => ['list', level(t)].filter(Boolean).join(' ') },
  { when: (t) => /\b(high|medium|low) risk\b/.test(t), command: (t) => `list ${level(t)}` },
  {
    when: (t) => /\b(figures|numbers|stats|statistics)\b/.test(t),
    command: (t) => (/\blast month\b/.test(t) ? 'figures last month' : 'figures'),
  },
  { when: (t) => /\balerts?\b/.test(t), command: () => 'alerts' },
];

/** The command a plain question means, or undefined when the words are not such a question. */
export function commandForQuestion(typed: string): string | undefined {
  const text = typed
    .trim()
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/^@?metbot[,:]?\s+/, '');
  if (!questionStart.test(text) && !text.endsWith('?')) return undefined;
  return meanings.find((meaning) => meaning.when(text))?.command(text);
}
