import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';
import { currentRoundTrips } from '../../src/ops/request-context';

type Body = Record<string, unknown> & {
  event_id?: string;
  type?: string;
  trigger_id?: string;
  command?: string;
  view?: { id?: string };
  actions?: { action_ts?: string }[];
};

/**
 * The key that says "this delivery was handled". Slack resends an event it thinks failed
 * (X-Slack-Retry-Num) with the same event_id. Interactions carry a fresh trigger_id each time a
 * person acts, so a repeated delivery of the same act has the same one. (A view's hash is not
 * used: it stays the same while the person edits, so a corrected resubmission would be lost.)
 * Slack never resends a slash command, but a captured one is still signed for five minutes: its
 * trigger_id (new for every command typed) makes a replay of it do nothing.
 */
export function inboundKey(body: Body): string | undefined {
  if (typeof body.event_id === 'string') return `slack:event:${body.event_id}`;
  if (body.type === 'view_submission' && body.view?.id) {
    return `slack:view:${body.view.id}:${body.trigger_id ?? ''}`;
  }
  if (body.type === 'block_actions') {
    const at = body.trigger_id ?? body.actions?.[0]?.action_ts;
    return at ? `slack:action:${at}` : undefined;
  }
  if (typeof body.command === 'string' && body.trigger_id) return `slack:command:${body.trigger_id}`;
  if ((body.type === 'message_action' || body.type === 'shortcut') && body.trigger_id) {
    return `slack:shortcut:${body.trigger_id}`;
  }
  return undefined;
}

/** Where a DM's delivery key waits, in Bolt's context, to be claimed with the draft. */
export const deliveryKey = 'metbotDeliveryKey';

/** A message event in a DM with the bot. */
function isDirectMessage(body: unknown): boolean {
  const event = (body as { event?: { type?: unknown; channel_type?: unknown } }).event;
  return event?.type === 'message' && event.channel_type === 'im';
}

/** Global middleware: a delivery already handled is acknowledged and goes no further. */
export function exactlyOnce(inbound: Core['inbound'], log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = inboundKey(args.body as Body);
    // A person's DM claims its key with their draft, in one round trip (direct-messages.ts).
    if (key && isDirectMessage(args.body)) {
      args.context[deliveryKey] = key;
      await args.next();
      return;
    }
    if (key && !(await inbound.claim(key))) {
      log.info({ key }, 'Slack delivered this again: already handled');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    await args.next();
  };
}

/** Work in hand, so that stopping waits for it (and tests know when Slack has been answered). */
export class WorkInHand {
  private readonly running = new Set<Promise<unknown>>();

  /**
   * `log` gets a line when the work is done, with its database round trips: Slack is answered
   * before the work, so the request's own line counts only what came before the answer.
   */
  middleware(log?: Logger): Middleware<AnyMiddlewareArgs> {
    return async ({ next }) => {
      const work = next();
      this.running.add(work);
      try {
        await work;
      } finally {
        this.running.delete(work);
        log?.debug({ roundTrips: currentRoundTrips() }, 'Slack: request handled');
      }
    };
  }

  /** Resolves when nothing is running (including work that started while waiting). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
