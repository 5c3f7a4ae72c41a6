import { NotPossibleError } from '../access/refusal';
import { fill } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import type { CommandCall } from './chat-message';
import { listReply } from './list-pages';
import { peopleCommand } from './people-chat';

type AdminVerb = (call: CommandCall, first: string | undefined, typed: string[]) => Promise<Reply[]>;

const people =
  (verb: 'grant' | 'confirm' | 'revoke'): AdminVerb =>
  ({ deps, message }, _first, typed) =>
    peopleCommand(deps, message.actor, verb, typed);

/** `admin <verb> …`: each verb once, with what it does. */
const adminVerbs: Record<string, AdminVerb> = {
  grant: people('grant'),
  confirm: people('confirm'),
  revoke: people('revoke'),
  async deadletters({ deps, message }) {
    const failed = await deps.admin.deadLetters(message.actor);
    return [listReply(deps.messages, 'deadLettersTitle', 'deadLettersEmpty', failed)];
  },
  async retry({ deps, message }, first) {
    const count = first ? await deps.admin.retry(message.actor, first) : 0;
    return [text(fill(deps.messages.retried, { count }))];
  },
  async audit({ deps, message }, first) {
    if (!first) return [text(deps.messages.adminUsage)];
    const trail = await deps.admin.auditTrail(message.actor, first);
    return [listReply(deps.messages, 'auditTitle', 'auditEmpty', trail, { reference: first.toUpperCase() })];
  },
};

/**
 * `admin grant <@U1> met-member [agency]`, `admin confirm <@U1>`, `admin revoke <@U1> <role>`,
 * `admin deadletters`, `admin retry <id>`, `admin audit <reference>`. `words` start with the verb;
 * `typed` are the words after it as typed (mentions and agency names keep their case).
 */
export async function adminCommand(call: CommandCall, words: string[], typed: string[]): Promise<Reply[]> {
  const [verb = '', first] = words;
  const run = Object.hasOwn(adminVerbs, verb) ? adminVerbs[verb] : undefined;
  try {
    return run ? await run(call, first, typed) : [text(call.deps.messages.adminUsage)];
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}
