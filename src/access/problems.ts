import type { Messages } from '../conversation/prompts';
import { SealedValueError } from '../domain/sealed-value-error';
import { NotPossibleError, RefusedError, refusalText } from './refusal';

/**
 * Why something could not be done, as a code: the partner API, the dashboard and chat answer the
 * same cause with the same code and the same words (prompts/messages.yaml).
 */
export type ProblemCode =
  | 'refused.role'
  | 'not-found.reference'
  | 'not-found.child'
  | 'not-possible'
  | 'conflict.sealed'
  | 'bad-request'
  | 'internal';

/** A reference or child that does not exist, or that the asker may not see: the two answer alike. */
export class NotFoundError extends Error {
  constructor(readonly what: 'reference' | 'child') {
    super(`not found: ${what}`);
  }
}

/** A request that cannot be answered as asked (a period not yet begun), with words for the person. */
export class BadRequestError extends Error {}

export interface Problem {
  code: ProblemCode;
  /** The HTTP status the API and the dashboard answer with. */
  status: number;
  message: string;
}

/** The problem an error stands for; null for one nobody expected, which is an internal error. */
export function problemOf(error: unknown, messages: Messages): Problem | null {
  if (error instanceof RefusedError)
    return { code: 'refused.role', status: 403, message: refusalText(error, messages) };
  if (error instanceof NotFoundError) {
    return error.what === 'child'
      ? { code: 'not-found.child', status: 404, message: messages.problems.notFoundChild }
      : { code: 'not-found.reference', status: 404, message: messages.problems.notFoundReference };
  }
  if (error instanceof NotPossibleError) return { code: 'not-possible', status: 422, message: error.message };
  if (error instanceof SealedValueError)
    return { code: 'conflict.sealed', status: 409, message: messages.sealedMismatch };
  if (error instanceof BadRequestError) return { code: 'bad-request', status: 400, message: error.message };
  return null;
}

export function internalProblem(messages: Messages): Problem {
  return { code: 'internal', status: 500, message: messages.problems.internal };
}
