import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line written while serving one HTTP request carries. */
interface RequestContext {
  requestId: string;
}

const context = new AsyncLocalStorage<RequestContext>();

/** The id of the HTTP request being served, if any: the logger adds it to every line. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/**
 * Gives each request a new id (never one the caller chose, which could make two requests' log
 * lines look like one), sends it back in the response's X-Request-Id, and runs the rest of the
 * request inside it: the core's own logger, not only a per-request child, tags every line with it.
 */
export function requestIds(_req: Request, res: Response, next: NextFunction): void {
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);
  context.run({ requestId }, next);
}
