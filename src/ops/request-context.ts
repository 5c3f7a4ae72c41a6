import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** What every log line written while serving one HTTP request carries. */
interface RequestContext {
  requestId: string;
  /** Database round trips made so far while serving this request (the store counts them). */
  roundTrips: number;
}

const context = new AsyncLocalStorage<RequestContext>();

/** Every round trip this process has made, in a request or not: benchmarks read its growth. */
let allRoundTrips = 0;

/** The id of the HTTP request being served, if any: the logger adds it to every line. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** Called by the store for each statement sent to the database. */
export function countRoundTrips(count = 1): void {
  allRoundTrips += count;
  const store = context.getStore();
  if (store) store.roundTrips += count;
}

/** The round trips made so far by the request being served, if any. */
export function currentRoundTrips(): number | undefined {
  return context.getStore()?.roundTrips;
}

/** The round trips this process has made since it started. */
export function totalRoundTrips(): number {
  return allRoundTrips;
}

/**
 * Gives each request a new id (never one the caller chose, which could make two requests' log
 * lines look like one), sends it back in the response's X-Request-Id, and runs the rest of the
 * request inside it: the core's own logger, not only a per-request child, tags every line with it.
 */
export function requestIds(_req: Request, res: Response, next: NextFunction): void {
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);
  context.run({ requestId, roundTrips: 0 }, next);
}
