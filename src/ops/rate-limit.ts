import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../domain/clock';

const perMinute = z.coerce
  .number({ error: 'a whole number of requests a minute' })
  .int('a whole number of requests a minute')
  .min(1, 'at least 1');

/** How many requests a caller may make; in memory, per instance (several instances allow that many each). */
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

/**
 * A fixed window per key: at most `limit` in each `windowMs`. The clock is the core's, so tests
 * are deterministic. Memory is bounded: expired windows are dropped when the map grows.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
    private readonly maxKeys = 50_000,
  ) {}

  take(key: string): Taken {
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (!window && this.windows.size >= this.maxKeys) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)),
      };
    }
    window.count += 1;
    return { ok: true, count: window.count };
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    // Still full of live windows (a flood of addresses): start again rather than grow without bound.
    if (this.windows.size >= this.maxKeys) this.windows.clear();
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

/** Applies each limiter whose key the request has; the first that is spent answers 429. */
export function rateLimit(
  limits: { limiter: RateLimiter; key: (req: Request) => string | null }[],
  refuse: Refuse = refuseJson,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    for (const { limiter, key } of limits) {
      const k = key(req);
      if (k === null) continue;
      const taken = limiter.take(k);
      if (!taken.ok) return void refuse(res, taken.retryAfterSeconds);
    }
    next();
  };
}
