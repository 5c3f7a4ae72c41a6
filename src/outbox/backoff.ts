export interface RetryPolicy {
  /** The first wait. */
  baseMs: number;
  /** The longest wait between two attempts. */
  capMs: number;
  /** After this many attempts the message is dead-lettered. */
  maxAttempts: number;
}

/**
 * The wait before the next attempt, after `attempts` have failed: exponential, capped, with
 * "equal jitter" (half fixed, half random) so that many messages failing together — a gateway
 * that was down — do not all come back at the same instant, yet none is retried at once.
 * A receiver's Retry-After is honoured when it asks for longer.
 */
export function retryDelay(
  attempts: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs));
}
