import { fill, type Messages } from '../conversation/prompts';
import { type Action, decide } from '../domain/policy';
import type { Actor } from './actor';

/** Thrown by a service when the policy says no; the chat turns it into a plain answer. */
export class RefusedError extends Error {
  constructor(
    readonly what: string,
    readonly roles: string,
    /** An admin is not told to "ask an admin". */
    readonly toAdmin = false,
  ) {
    super(`Refused: ${what} is only for ${roles}`);
  }
}

export function authorise(actor: Actor, action: Action): void {
  const decision = decide(actor.role, action);
  if (!decision.allowed) throw new RefusedError(decision.what, decision.roles, actor.role === 'admin');
}

/** A refusal in words, the same on every surface: the roles that may, and whom to ask. */
export function refusalText(error: RefusedError, messages: Messages): string {
  return fill(error.toAdmin ? messages.refusedAdmin : messages.refused, {
    what: error.what,
    roles: error.roles,
  });
}

/** A request that cannot be done as asked, with a message the user can act on. */
export class NotPossibleError extends Error {}
