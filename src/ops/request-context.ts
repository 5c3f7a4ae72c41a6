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

/** A proxy's id is kept when it looks like one (no spaces, not too long), so logs join up across hops. */
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (the proxy's X-Request-Id, or a new UUID), sends it back in the
 * response's X-Request-Id, and runs the rest of the request inside it: the core's own logger,
 * not only a per-request child, then tags every line with it.
 */
export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const offered = req.get('x-request-id');
  const requestId = offered && acceptable.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  context.run({ requestId }, next);
}
