import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type Command,
  type CommandName,
  commandForForm,
  commands,
  findCommand,
  helpKeys,
  helpProblems,
  helpText,
} from '../../src/chat/commands';
import { commandForQuestion } from '../../src/chat/plain-questions';
import { loadPrompts } from '../../src/conversation/prompts';

const root = resolve(import.meta.dirname, '../..');
const { messages } = loadPrompts(resolve(root, 'prompts'));
const forms = ['intelligence', 'missing', 'return', 'interview', 'check-cse', 'check-missing'];

/** The one command table (src/chat/commands.ts): help, plain questions and forms all read it. */
describe('the command table', () => {
  it('has a help line for each of its help keys, and no line it does not name', () => {
    expect(helpProblems(messages)).toEqual([]);
    const { metList: _line, ...fewer } = messages.help.lines;
    expect(helpProblems({ ...messages, help: { ...messages.help, lines: fewer } })).toEqual([
      'help.lines has no line "metList"',
    ]);
    const more = { ...messages.help.lines, teleport: '• *teleport* – not a command' };
    expect(helpProblems({ ...messages, help: { ...messages.help, lines: more } })).toEqual([
      'help.lines.teleport names no command',
    ]);
  });

  it('makes help: the greeting, each line once in the order of the table, and the closing line', () => {
    const help = helpText(messages).split('\n');
    expect(help[0]).toBe(messages.help.intro);
    expect(help.at(-1)).toBe(messages.help.outro);
    expect(help.slice(1, -1)).toEqual(helpKeys().map((key) => messages.help.lines[key]));
    expect(helpKeys().slice(0, 4)).toEqual(['intel', 'missing', 'found', 'check']);
  });

  it('knows every command help names', () => {
    const named = [...helpText(messages).matchAll(/\*([a-z][a-z -]*[a-z])/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(25);
    for (const words of named) expect(findCommand(words).name, words).toBeDefined();
  });

  it('answers each of its words with its own command', () => {
    for (const [name, command] of Object.entries(commands) as [CommandName, Command][]) {
      for (const words of command.words) expect(findCommand(words, forms).name).toBe(name);
    }
  });

  it.each([
    ['', 'help', undefined],
    ['/met FIB1', 'intel', 'intelligence'],
    ['missing', 'missing', 'missing'],
    ['missing now', 'missingNow', undefined],
    ['Returned', 'found', 'return'],
    ['check cce', 'check', 'check-cse'],
    ['check', 'check', undefined],
    ['level MIS-2026-000001 high Seen again', 'metList', undefined],
    ["who's missing?", 'missingNow', undefined],
  ])('reads "%s" as %s (form %s)', (said, name, form) => {
    const found = findCommand(said, forms);
    expect(found.name).toBe(name);
    expect(found.form).toBe(form);
  });

  it('keeps the words as typed beside the lower-case ones', () => {
    const found = findCommand('/met nominate MIS-2026-000001 High Seen With Older Males', forms);
    expect(found.words.slice(0, 2)).toEqual(['nominate', 'mis-2026-000001']);
    expect(found.typed.slice(3)).toEqual(['Seen', 'With', 'Older', 'Males']);
  });

  it('opens a form by its own id, so a form added in prompts/ needs no change here', () => {
    expect(findCommand('homevisit', [...forms, 'homevisit'])).toMatchObject({ form: 'homevisit' });
    expect(findCommand('homevisit', forms).form).toBeUndefined();
    expect(findCommand('check-cse', forms).form).toBeUndefined();
  });

  it('says what to type to open each form', () => {
    expect(forms.map(commandForForm)).toEqual([
      'intel',
      'missing',
      'found',
      'interview',
      'check cse',
      'check missing',
    ]);
  });

  it('reads the plain questions as its commands', () => {
    for (const question of [
      'Who is due a return interview?',
      "Who's missing?",
      'Who has gone missing again and again?',
      'Who is on the MET list at high risk?',
      "What are this month's figures?",
      'Any open alerts?',
    ]) {
      const command = commandForQuestion(question);
      expect(command, question).toBeDefined();
      const found = findCommand(command!);
      expect(found.name, question).toBeDefined();
      expect(found.name, question).not.toBe('help');
      expect(findCommand(question).name).toBe(found.name);
    }
  });

  it('is what the platforms suggest: every command in the Teams and Slack manifests is in the table', () => {
    const teams = JSON.parse(readFileSync(resolve(root, 'manifest/teams/manifest.json'), 'utf8'));
    for (const list of teams.bots[0].commandLists as { scopes: string[]; commands: { title: string }[] }[]) {
      const shared = !list.scopes.includes('personal');
      for (const { title } of list.commands) {
        const found = findCommand(title, forms);
        expect(found.name, title).toBeDefined();
        // Where others read, a command is never one answered only in private, nor a form.
        if (shared) expect(found.command?.privateOnly || found.form, title).toBeFalsy();
      }
    }
    const slack = parse(readFileSync(resolve(root, 'manifest/slack/manifest.yml'), 'utf8'));
    const hint: string = slack.features.slash_commands[0].usage_hint;
    for (const words of hint.split('·').map((part) => part.trim()))
      expect(findCommand(words, forms).name, words).toBeDefined();
  });
});
