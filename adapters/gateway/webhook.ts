import { createHmac } from 'node:crypto';
import type { Transport } from '../../src/outbox/transport';

export interface WebhookTransportOptions {
  /** GATEWAY_WEBHOOK_URL */
  url: string;
  /** GATEWAY_WEBHOOK_SECRET: shared with the receiver, who checks the signature with it. */
  secret: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the shared secret (docs/gateway.md). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const DAY_MS = 24 * 60 * 60_000;

/** Retry-After as seconds or an HTTP date; at most a day. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : undefined;
  const ms = seconds ?? Date.parse(header) - now.getTime();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, DAY_MS) : undefined;
}

/** 408 Request Timeout, 429 Too Many Requests and server errors may pass; other refusals will not. */
function worthRetrying(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs the record as JSON, signed, with the record's UUID as the Idempotency-Key: a receiver that
 * has already stored that key answers 2xx and keeps one copy.
 */
export function createWebhookTransport({
  url,
  secret,
  timeoutMs = 30_000,
  now = () => new Date(),
}: WebhookTransportOptions): Transport {
  return {
    async send(message) {
      const body = JSON.stringify(message.payload);
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'metbot',
          'Idempotency-Key': message.idempotencyKey,
          'X-Metbot-Timestamp': timestamp,
          'X-Metbot-Signature': webhookSignature(secret, timestamp, body),
        },
        body,
        // A redirect is not followed: the record goes only where it was configured to go.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = (await response.text()).slice(0, 500);
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const error = `HTTP ${response.status} ${response.statusText}${answer ? `: ${answer}` : ''}`;
      if (!worthRetrying(response.status)) return { ok: false, retry: false, error };
      return {
        ok: false,
        retry: true,
        error,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()),
      };
    },
  };
}
