import { duplicatesCommand } from '../children/duplicates-chat';
import type { Messages } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import type { RiskCheckId } from '../domain/risk';
import { figuresReply } from '../figures/figures-reply';
import { linksCommand } from '../links/links-chat';
import { dashboardLinkReply } from '../people/dashboard-link-reply';
import { adminCommand } from './admin-chat';
import { ackCommand, alertsCommand, setupCommand } from './alerts-reply';
import type { CommandCall } from './chat-message';
import { assignCommand, dueCommand } from './interviews-chat';
import { listReply } from './list-pages';
import { metListCommand } from './met-list-chat';
import { commandForQuestion } from './plain-questions';
import { sectionKCommand } from './section-k-chat';

/**
 * The one command table. Every surface uses it: the terminal, a Slack DM and `/met`, a Teams
 * personal chat and an @mention. The chat answers from it (src/chat/chat.service.ts), `help` is
 * made from it, Slack's `/met` asks it which words open a form as a modal, and Teams asks it what
 * to type for a form. Plain questions (plain-questions.ts) are turned into its words.
 *
 * Refusals are not here: each service asks the policy (src/domain/policy.ts), and the refusal
 * names the roles that may (src/access/refusal.ts).
 */
export interface Command {
  /** The words that call it (a phrase of two words, such as "missing now", comes before one). */
  readonly words: readonly string[];
  /**
   * The key of the line in prompts/messages.yaml `help.lines` that names it. Several commands may
   * share a line ("*due* and *list*"); help shows each line once, in the order of this table.
   */
  readonly help?: string;
  /** Answered only where nobody else reads it (a DM, a modal, the terminal): names, reasons, audit. */
  readonly privateOnly?: boolean;
  /** The form these words open, if any: `/met` opens it as a Slack modal, Teams offers it as cards. */
  readonly form?: (words: string[]) => string | undefined;
  run(call: CommandCall): Promise<Reply[]>;
}

/** `check <word>`: which risk check it means. */
export const riskCheckCommands: Record<string, RiskCheckId> = {
  cse: 'cse',
  cce: 'cse',
  exploitation: 'cse',
  missing: 'missing',
  trafficking: 'trafficking',
};

/** A command that opens a form. */
const opens = (formId: string): Pick<Command, 'form' | 'run'> => ({
  form: () => formId,
  run: (call) => call.startForm(formId),
});

const say = async (line: string): Promise<Reply[]> => [text(line)];

const table = {
  help: {
    words: ['help', 'hello', 'hi', 'start'],
    run: async ({ deps }) => [text(helpText(deps.messages))],
  },
  intel: { words: ['intel', 'intelligence', 'fib1', 'cpi'], help: 'intel', ...opens('intelligence') },
  missing: { words: ['missing'], help: 'missing', ...opens('missing') },
  found: { words: ['found', 'return', 'returned'], help: 'found', ...opens('return') },
  check: {
    words: ['check'],
    help: 'check',
    form: ([, which = '']) => (riskCheckCommands[which] ? `check-${riskCheckCommands[which]}` : undefined),
    run: (call) => {
      const check = riskCheckCommands[call.words[1] ?? ''];
      if (!check)
        return say('Which check? Type *check cse*, *check cce*, *check missing* or *check trafficking*.');
      return call.startForm(`check-${check}`);
    },
  },
  due: { words: ['due'], help: 'due', run: dueCommand },
  list: {
    words: ['list'],
    help: 'due',
    run: ({ words, showList }) => {
      const level = (['high', 'medium', 'low'] as const).find((known) => known === words[1]);
      return showList({ list: 'met', page: 1, ...(level && { level }) });
    },
  },
  missingNow: {
    words: ['missing now'],
    help: 'due',
    run: (call) => call.showList({ list: 'missing', page: 1 }),
  },
  repeat: { words: ['repeat'], help: 'due', run: (call) => call.showList({ list: 'repeat', page: 1 }) },
  more: {
    // With a list waiting, the chat goes on with it before looking here.
    words: ['more'],
    run: ({ deps }) => say(deps.messages.lists.noMore!),
  },
  figures: {
    words: ['figures'],
    help: 'figures',
    run: async ({ deps, message, words }) => [
      await figuresReply(deps, message.actor, words.slice(1).join(' ')),
    ],
  },
  dashboard: {
    words: ['dashboard'],
    help: 'figures',
    run: async ({ deps, message }) => [
      await dashboardLinkReply({ links: deps.dashboardLinks, publicUrl: deps.publicUrl }, message.actor, {
        private: message.private,
      }),
    ],
  },
  interview: { words: ['interview'], help: 'interview', ...opens('interview') },
  assign: { words: ['assign'], help: 'interview', run: assignCommand },
  alerts: { words: ['alerts'], help: 'alerts', run: alertsCommand },
  ack: { words: ['ack', 'acknowledge'], help: 'alerts', run: ackCommand },
  metList: {
    // Reasons keep the case they were typed in.
    words: ['nominate', 'accept', 'decline', 'level', 'review', 'remove'],
    help: 'metList',
    run: ({ deps, message, typed }) => metListCommand(deps, message.actor, typed),
  },
  history: {
    words: ['history'],
    help: 'metList',
    privateOnly: true,
    run: ({ deps, message, typed }) => metListCommand(deps, message.actor, typed),
  },
  links: {
    words: ['links'],
    help: 'links',
    privateOnly: true,
    run: ({ deps, message, words }) => linksCommand(deps.links, message.actor, words.slice(1)),
  },
  sectionK: {
    // Perpetrators and NRM references keep the case they were typed in.
    words: ['nrm', 'disruption', 'trained', 'awareness'],
    help: 'sectionK',
    privateOnly: true,
    run: ({ deps, message, typed }) => sectionKCommand(deps, message.actor, typed),
  },
  duplicates: {
    words: ['duplicates', 'merge', 'keep-apart', 'unmerge'],
    help: 'duplicates',
    privateOnly: true,
    run: ({ deps, message, words }) =>
      deps.duplicates
        ? duplicatesCommand(deps.duplicates, deps.messages, message.actor, words)
        : say(deps.messages.unknown),
  },
  mine: {
    words: ['mine'],
    help: 'mine',
    run: async ({ deps, message }) => [
      listReply(deps.messages, 'mineTitle', 'mineEmpty', await deps.questions.mySubmissions(message.actor)),
    ],
  },
  admin: {
    words: ['admin'],
    privateOnly: true,
    run: (call) => adminCommand(call, call.words.slice(1), call.typed.slice(2)),
  },
  revoke: {
    words: ['revoke'],
    privateOnly: true,
    run: (call) => adminCommand(call, call.words, call.typed.slice(1)),
  },
  setup: { words: ['setup'], run: setupCommand },
  cancel: {
    // With a form open, the form engine cancels it before the chat looks here.
    words: ['cancel'],
    run: ({ deps }) => say(deps.messages.cancelled),
  },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof table;

/** Every command, by name, in the order help shows them. */
export const commands: Readonly<Record<CommandName, Command>> = table;

const byWords = new Map<string, CommandName>();
for (const [name, command] of Object.entries(commands) as [CommandName, Command][]) {
  for (const words of command.words) {
    const taken = byWords.get(words);
    if (taken) throw new Error(`The command table has "${words}" twice: ${taken} and ${name}`);
    byWords.set(words, name);
  }
}

/** What a message asks for, read through the table. */
export interface Found {
  /** The command the words call; none when nothing in the table matches. */
  name?: CommandName;
  command?: Command;
  /** The form the words open, if any (`intel`, `check cse`, or a form's own id such as `intelligence`). */
  form?: string;
  /** The words, in lower case, without a leading `/met`. */
  words: string[];
  /** The same words in the case they were typed. */
  typed: string[];
}

/**
 * The command a message calls. A plain question ("who's missing?") is read as the command that
 * answers it; no words at all ask for help. `formIds` are the forms prompts/ defines: a form's own
 * id opens it too, so a form added there needs no change here.
 */
export function findCommand(said: string, formIds: readonly string[] = []): Found {
  const typed = (commandForQuestion(said) ?? said)
    .trim()
    .replace(/^\/?met\s+/i, '')
    .split(/\s+/)
    .filter(Boolean);
  const words = typed.map((word) => word.toLowerCase());
  const name = words.length
    ? (byWords.get(words.slice(0, 2).join(' ')) ?? byWords.get(words[0]!))
    : ('help' as const);
  if (name) {
    const command = commands[name];
    const form = command.form?.(words);
    return { name, command, words, typed, ...(form && { form }) };
  }
  const first = words[0] ?? '';
  if (formIds.includes(first) && !first.startsWith('check-')) return { form: first, words, typed };
  return { words, typed };
}

/** What to type to open a form (`intel`, `found`, `check cse`): for telling someone how to start it. */
export function commandForForm(formId: string): string {
  if (formId.startsWith('check-')) return `check ${formId.slice(6)}`;
  const opening = Object.values(commands).find((command) => command.form?.([]) === formId);
  return opening?.words[0] ?? formId;
}

/** The help line keys in the order help shows them. */
export function helpKeys(): string[] {
  return [...new Set(Object.values(commands).flatMap((command) => (command.help ? [command.help] : [])))];
}

/** `help`: the greeting, one line for each of the table's help keys, and the closing line. */
export function helpText(messages: Messages): string {
  const { intro, lines, outro } = messages.help;
  return [intro, ...helpKeys().map((key) => lines[key] ?? ''), outro].join('\n');
}

/**
 * Where prompts/messages.yaml and the table disagree: a command whose help line is missing, or a
 * line no command has. The chat refuses to start with either.
 */
export function helpProblems(messages: Messages): string[] {
  const keys = helpKeys();
  const lines = Object.keys(messages.help.lines);
  return [
    ...keys.filter((key) => !lines.includes(key)).map((key) => `help.lines has no line "${key}"`),
    ...lines.filter((key) => !keys.includes(key)).map((key) => `help.lines.${key} names no command`),
  ];
}
