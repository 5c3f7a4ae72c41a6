/**
 * The port a delivery channel implements (the police gateway's email and webhook, a surface's
 * receipts). The worker owns retries, leases and dead letters; a transport only sends once and
 * says how it went.
 */

/** Where a message goes. Gateway destinations start with `gateway-`. */
export const destinations = {
  gatewayEmail: 'gateway-email',
  gatewayWebhook: 'gateway-webhook',
  metCoordinator: 'met-coordinator',
  /** The child's case file (children's social care), for return interview outcomes. */
  caseFile: 'case-file',
  receipt: 'receipt',
} as const;

export function isGatewayDestination(destination: string): boolean {
  return destination.startsWith('gateway-');
}

export interface OutboxDelivery {
  /** The outbox row's id. */
  id: string;
  destination: string;
  recordId: string | null;
  /** The same on every attempt: a receiver de-duplicates by it (the record's UUID for gateway messages). */
  idempotencyKey: string;
  /** 1 on the first attempt. */
  attempt: number;
  payload: unknown;
}

export type DeliveryResult =
  | { ok: true }
  /**
   * retry: false means no later attempt can succeed (a 400 from the webhook, a mailbox that does
   * not exist): the message is dead-lettered at once with `error` kept.
   */
  | { ok: false; retry: boolean; error: string; retryAfterMs?: number };

export interface Transport {
  /** Sends once. A thrown error counts as a failure worth retrying. */
  send(message: OutboxDelivery): Promise<DeliveryResult>;
  /** Finishes and closes connections. */
  close?(): Promise<void> | void;
}

/**
 * The transports the worker delivers through, by destination. Features add theirs at start-up;
 * a message whose destination has none waits, pending, until one is added.
 */
export type Transports = Map<string, Transport>;
