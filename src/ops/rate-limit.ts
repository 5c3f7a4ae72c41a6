import { createHmac } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../domain/clock';

const perMinute = z.coerce
  .number({ error: 'a whole number of requests a minute' })
  .int('a whole number of requests a minute')
  .min(1, 'at least 1');

/** How many requests a caller may make; counted in the database, so shared by every instance. */
export const RateLimitSettingsSchema = z.object({
  /** Each partner API token. */
  API_RATE_PER_MINUTE: perMinute.default(120),
  /** Each address calling the partner API, whatever token it sends (or none). */
  API_RATE_PER_ADDRESS_PER_MINUTE: perMinute.default(300),
  /** Each address opening or redeeming a dashboard sign-in link, or signing in from the Teams tab. */
  SIGN_IN_RATE_PER_MINUTE: perMinute.default(20),
  /** Record look-ups answered 404 from one token or address in 10 minutes before duty officers are alerted. */
  PROBE_ALERT_AFTER: z.coerce
    .number({ error: 'a whole number of look-ups' })
    .int('a whole number of look-ups')
    .min(1, 'at least 1')
    .default(20),
});

export type RateLimitSettings = z.infer<typeof RateLimitSettingsSchema>;

export type Taken = { ok: true; count: number } | { ok: false; retryAfterSeconds: number };

/** A limit: at most `limit` requests from one caller in each fixed window of `windowMs`. */
export interface Limit {
  /** Names the limit in the shared table, so two limits never share a count. */
  name: string;
  limit: number;
  windowMs: number;
}

/** Where the counts are kept: the database, so that every instance shares one budget. */
export type CountWindows = (windows: { bucket: string; windowEnd: number }[]) => Promise<number[]>;

/**
 * Fixed windows aligned to the clock (the core's, so tests are deterministic), counted in the
 * database: several instances behind a load balancer share one budget instead of allowing the
 * limit each. Callers are named by a keyed hash, so the table holds no token or address in clear.
 * Every request is counted, refused or not: one upsert round trip for all the limits it meets.
 */
export class RateLimits {
  constructor(
    private readonly countWindows: CountWindows,
    private readonly clock: Clock,
    private readonly hashKey: Buffer,
  ) {}

  async take(takes: { limit: Limit; key: string }[]): Promise<Taken[]> {
    const now = this.clock.now().getTime();
    const windows = takes.map(({ limit, key }) => ({
      bucket: `${limit.name}:${createHmac('sha256', this.hashKey).update(key).digest('base64url').slice(0, 22)}`,
      windowEnd: (Math.floor(now / limit.windowMs) + 1) * limit.windowMs,
    }));
    const counts = await this.countWindows(windows);
    return takes.map(({ limit }, i) => {
      const count = counts[i]!;
      if (count <= limit.limit) return { ok: true, count };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windows[i]!.windowEnd - now) / 1000)) };
    });
  }
}

/** The caller's address as Express sees it (behind a proxy, set Express's "trust proxy" to see the client's). */
export function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export type Refuse = (res: Response, retryAfterSeconds: number) => void;

/** 429 with Retry-After (RFC 6585) and a plain reason. */
export const refuseJson: Refuse = (res, seconds) => {
  res
    .status(429)
    .set('Retry-After', String(seconds))
    .json({ error: 'too-many', message: `Too many requests. Please try again in ${seconds} seconds.` });
};

/** Counts the request against each limit whose key it has; the first that is spent answers 429. */
export function rateLimit(
  limits: RateLimits,
  rules: { limit: Limit; key: (req: Request) => string | null }[],
  refuse: Refuse = refuseJson,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const takes = rules.flatMap(({ limit, key }) => {
      const k = key(req);
      return k === null ? [] : [{ limit, key: k }];
    });
    limits.take(takes).then((taken) => {
      const spent = taken.find((t) => !t.ok);
      if (spent && !spent.ok) return void refuse(res, spent.retryAfterSeconds);
      next();
    }, next);
  };
}
