import type { Actor } from '../../src/access/actor';
import { toPlainText } from '../../src/conversation/plain-text';
import type { Core } from '../../src/core';

/** The terminal's own conversation: a private place, each line typed answered as plain text. */
export function terminalSession(core: Core, actor: Actor) {
  return {
    async answer(line: string): Promise<string[]> {
      const replies = await core.chat.handle({ actor, channel: 'console', private: true, text: line });
      // The terminal shows no bold: *reference* is printed as reference.
      return replies.map((reply) =>
        toPlainText(reply, core.prompts.messages).replace(/\*([^*\n]+)\*/g, '$1'),
      );
    },
  };
}
