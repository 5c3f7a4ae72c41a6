import { type Action, decide } from '../domain/policy';
import type { Actor } from './actor';

/** Thrown by a service when the policy says no; the chat turns it into a plain answer. */
export class RefusedError extends Error {
  constructor(
    readonly what: string,
    readonly roles: string,
  ) {
    super(`Refused: ${what} is only for ${roles}`);
  }
}

export function authorise(actor: Actor, action: Action): void {
  const decision = decide(actor.role, action);
  if (!decision.allowed) throw new RefusedError(decision.what, decision.roles);
}

/** A request that cannot be done as asked, with a message the user can act on. */
export class NotPossibleError extends Error {}
