import { fill, type Messages } from '../conversation/prompts';
import { type Action, decide } from '../domain/policy';
import type { Actor } from './actor';

/** Thrown by a service when the policy says no; the chat turns it into a plain answer. */
export class RefusedError extends Error {
  constructor(
    readonly what: string,
    readonly roles: string,
    /** An admin is not told to "ask an admin": nobody gives themselves a role. */
    readonly toAdmin = false,
  ) {
    super(`Refused: ${what} is only for ${roles}`);
  }
}

export function authorise(actor: Actor, action: Action): void {
  const decision = decide(actor.roles, action);
  if (!decision.allowed) throw new RefusedError(decision.what, decision.roles, actor.roles.includes('admin'));
}

/**
 * A refusal in words, the same on every surface: the roles that may, and whom to ask. `admins`
 * names the people (other than the asker) who hold the admin role, where the caller looked them up.
 */
export function refusalText(error: RefusedError, messages: Messages, admins?: readonly string[]): string {
  const { people } = messages;
  const named = admins?.length ? orList(admins) : '';
  const ask = error.toAdmin
    ? !admins
      ? people.askAnotherAdmin
      : named
        ? fill(people.askOtherAdmin, { admins: named })
        : people.askOperator
    : named
      ? fill(people.askAdmins, { admins: named })
      : people.askAnyAdmin;
  return fill(error.toAdmin ? messages.refusedAdmin : messages.refused, {
    what: error.what,
    roles: error.roles,
    ask,
  });
}

function orList(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]!;
}

/** A request that cannot be done as asked, with a message the user can act on. */
export class NotPossibleError extends Error {}
