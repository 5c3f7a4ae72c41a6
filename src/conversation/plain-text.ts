import type { Messages } from './prompts';
import type { Reply } from './reply';

/**
 * A reply as plain text with *bold* marks: the terminal, and the step-by-step chat in a Slack
 * DM or a Teams chat. Choices are numbered so that a number is a complete answer.
 */
export function toPlainText(reply: Reply, messages: Messages): string {
  switch (reply.kind) {
    case 'text':
      return reply.text;
    case 'question': {
      const lines = [`${reply.text} (${reply.progress.step}/${reply.progress.of})`];
      if (reply.options.length)
        lines.push(...reply.options.map((option, i) => `  ${i + 1}. ${option.label}`));
      const hint =
        reply.input === 'choice' || reply.input === 'episode'
          ? messages.choiceHint
          : reply.input === 'multichoice'
            ? messages.multichoiceHint
            : reply.input === 'yesno'
              ? messages.yesnoHint
              : reply.help;
      if (hint) lines.push(hint);
      if (reply.optional) lines.push(messages.optionalHint);
      else if (reply.dontKnow) lines.push(messages.dontKnowHint);
      return lines.join('\n');
    }
    case 'summary':
      return [
        `*${reply.title}*: please check your answers`,
        ...reply.fields.map((field, i) => `  ${i + 1}. ${field.label}: ${field.value}`),
        ...reply.notes.map((note) => `${note.label}: *${note.value}*`),
        reply.prompt,
      ].join('\n');
    case 'list': {
      if (reply.items.length === 0) return `*${reply.title}*\n${reply.empty}`;
      const items = reply.items.map((item) =>
        [
          `• *${item.title}*`,
          ...item.fields.map((f) => (f.label === '•' ? `    – ${f.value}` : `    ${f.label}: ${f.value}`)),
        ].join('\n'),
      );
      return [`*${reply.title}*`, ...items].join('\n');
    }
  }
}
