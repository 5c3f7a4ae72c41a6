import type { types } from '@slack/bolt';
import { toPlainText } from '../../src/conversation/plain-text';
import type { Messages } from '../../src/conversation/prompts';
import type { ListReply, Reply, SummaryReply } from '../../src/conversation/reply';
import { clip, escapeMrkdwn } from './escape';

export type Block = types.KnownBlock;

/** Slack's limits for messages and surfaces (docs.slack.dev/reference/block-kit/blocks). */
export const limits = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
};

const toneMark: Record<string, string> = {
  success: ':white_check_mark: ',
  warning: ':warning: ',
  danger: ':rotating_light: ',
};

/** Text a person may have typed, made safe for mrkdwn and cut to fit. */
export function safe(text: string, max: number): string {
  return clip(escapeMrkdwn(clip(text, max)), max);
}

export const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });
export const plain = (text: string, max = 2000): types.PlainTextElement => ({
  type: 'plain_text',
  text: clip(text, max),
});

export function section(text: string): types.SectionBlock {
  return { type: 'section', text: mrkdwn(safe(text, limits.sectionText)) };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plain(text, limits.headerText) };
}

/** Label and value pairs as section fields, ten to a section. */
export function fieldSections(pairs: { label: string; value: string }[]): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  for (let i = 0; i < pairs.length; i += limits.fields) {
    sections.push({
      type: 'section',
      fields: pairs
        .slice(i, i + limits.fields)
        .map(({ label, value }) =>
          mrkdwn(safe(label === '•' ? `• ${value}` : `*${label}*\n${value}`, limits.fieldText)),
        ),
    });
  }
  return sections;
}

function listBlocks(reply: ListReply): Block[] {
  if (reply.items.length === 0) return [section(`*${reply.title}*\n${reply.empty}`)];
  const blocks: Block[] = [section(`*${reply.title}*`)];
  for (const item of reply.items) {
    const bullets = item.fields.every((field) => field.label === '•');
    if (bullets) {
      blocks.push(section([`*${item.title}*`, ...item.fields.map((f) => `• ${f.value}`)].join('\n')));
    } else {
      blocks.push(section(`*${item.title}*`), ...fieldSections(item.fields));
    }
  }
  return blocks;
}

export function summaryBlocks(reply: SummaryReply): Block[] {
  return [
    ...fieldSections(reply.fields.map(({ label, value }) => ({ label, value }))),
    ...fieldSections(reply.notes),
  ];
}

/** One neutral reply as Block Kit. Every text is escaped: replies carry what people typed. */
export function replyBlocks(reply: Reply, messages: Messages): Block[] {
  switch (reply.kind) {
    case 'text':
      return [section(`${toneMark[reply.tone ?? ''] ?? ''}${reply.text}`)];
    case 'list':
      return listBlocks(reply);
    case 'summary':
      return [section(`*${reply.title}*`), ...summaryBlocks(reply), section(reply.prompt)];
    case 'question':
      return [section(toPlainText(reply, messages))];
  }
}

/** Plain text of replies, escaped: the notification text, and the whole of a DM answer. */
export function repliesText(replies: Reply[], messages: Messages): string {
  return escapeMrkdwn(replies.map((reply) => toPlainText(reply, messages)).join('\n\n'));
}

/** Replies as one message: blocks within Slack's 50, and the text for notifications. */
export function replyMessage(replies: Reply[], messages: Messages): { text: string; blocks: Block[] } {
  const blocks = fitBlocks(
    replies.flatMap((reply) => replyBlocks(reply, messages)),
    limits.messageBlocks,
  );
  return { text: clip(repliesText(replies, messages), 3000), blocks };
}

/** Keeps within a surface's block limit, saying how much was left out. */
export function fitBlocks(blocks: Block[], max: number): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [
    ...kept,
    { type: 'context', elements: [mrkdwn(`${blocks.length - kept.length} more not shown here.`)] },
  ];
}
