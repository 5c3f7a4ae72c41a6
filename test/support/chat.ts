import type { Actor } from '../../src/access/actor';
import { toPlainText } from '../../src/conversation/plain-text';
import type { Reply } from '../../src/conversation/reply';
import type { TestCore } from './core';

/** Talks to the chat as a person would and returns what the bot said, as plain text. */
export function chatWith(core: TestCore, actor: Actor, channel = 'test', isPrivate = true) {
  const say = async (text: string): Promise<string> => {
    const replies: Reply[] = await core.chat.handle({ actor, channel, private: isPrivate, text });
    return replies.map((reply) => toPlainText(reply, core.prompts.messages)).join('\n');
  };
  /** Says each line in turn; returns the last answer. */
  const script = async (lines: string[]): Promise<string> => {
    let last = '';
    for (const line of lines) last = await say(line);
    return last;
  };
  return { say, script };
}

/**
 * A missing notification with only what is required, typed as a practitioner would: the required
 * questions come first, and `skip all` at the first optional one goes straight to the summary.
 */
export const missingScript = (name: string, lastSeen: string) => [
  'missing',
  name,
  'no', // in care
  '1', // home
  lastSeen,
  'Example Park',
  'Tall, blue hoodie, grey joggers',
  'yes', // police told
  'skip all', // the police reference and every optional question after it
  'send',
];
