import { authorise, NotPossibleError } from '../access/refusal';
import { fill } from '../conversation/prompts';
import { type Reply, text } from '../conversation/reply';
import type { CommandCall } from './chat-message';
import { listReply } from './list-pages';

/** `due`: "mine to do" first, so an assigned interviewer sees their own even without the due list. */
export async function dueCommand({ deps, message }: CommandCall): Promise<Reply[]> {
  const { questions, messages } = deps;
  const { mine, due } = await questions.interviewsToDo(message.actor, { private: message.private });
  if (!due && mine.length === 0) authorise(message.actor, 'ask-due');
  return [
    ...(mine.length || !due ? [listReply(messages, 'dueMineTitle', 'dueMineEmpty', mine)] : []),
    ...(due ? [listReply(messages, 'dueTitle', 'dueEmpty', due)] : []),
  ];
}

/** `assign MIS-2026-000123 <@U123>` or `assign MIS-2026-000123 Testworker Example`. */
export async function assignCommand({ deps, message, words, typed }: CommandCall): Promise<Reply[]> {
  const { interviews, messages } = deps;
  const reference = words[1];
  const who = typed.slice(2).join(' ');
  if (!reference || !who) return [text(messages.assignUsage)];
  const assignee = await interviews.assigneeOf(message.actor, who);
  try {
    const done = await interviews.assign(message.actor, reference, assignee);
    const pending = 'email' in assignee || 'handle' in assignee;
    return [text(fill(pending ? messages.assignedPending : messages.assigned, done), 'success')];
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}
