import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Messages } from '../../src/conversation/prompts';
import type { Reply } from '../../src/conversation/reply';
import type { StoredAddress } from '../../src/domain/chat-address';
import type { Clock } from '../../src/domain/clock';
import type { Logger } from '../../src/logger';
import type { ChatAddresses } from './addresses';
import { fromReplies, toActivity } from './render';

export interface ProactiveOptions {
  /** Tries per message, the first included. */
  attempts?: number;
  /** The first wait; it doubles each time, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type ProactiveResult =
  | { delivered: true; attempts: number }
  | { delivered: false; reason: 'no-address' | 'removed' | 'failed'; attempts: number; status?: number };

export type SendProactive = (addressKey: string, replies: Reply[]) => Promise<ProactiveResult>;

/**
 * Teams answers 429 when the bot writes too fast, 412 when a conversation changed under it, and
 * 502/504 when its own services are busy: worth trying again later. (The connector client
 * itself already retries 5xx answers a few times before this sees them.)
 */
const retryable = new Set([429, 412, 502, 504]);

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Retry-After in seconds, when Teams sends one. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } })?.response
    ?.headers;
  const seconds = Number(headers?.get?.('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * Work inside a stored conversation (send, update). Errors are caught inside the turn: the
 * adapter's onTurnError would otherwise swallow them and a refused message would look delivered.
 */
async function inConversation<T>(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  work: (context: TurnContext) => Promise<T>,
): Promise<T> {
  // Set inside the turn (`as` keeps TypeScript from assuming it is still undefined after it).
  let outcome = undefined as { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await adapter.continueConversationAsync(appId, reference, async (context) => {
    // A new message, not a reply to the continuation's made-up activity id.
    context.onSendActivities(async (_context, activities, next) => {
      for (const outgoing of activities) delete outgoing.replyToId;
      return next();
    });
    try {
      outcome = { ok: true, value: await work(context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  if (!outcome) throw new Error('Teams: the conversation was not continued');
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

export type Posted = ProactiveResult & { id?: string };

/** Speaking first in a stored conversation: replies, one activity (with its id), an update in place. */
export interface Proactive {
  send: SendProactive;
  /** One activity; its id (Teams' ResourceResponse) comes back to update it later. */
  post(addressKey: string, activity: Partial<Activity>): Promise<Posted>;
  /** Replaces a message the bot sent (an alert card, once acknowledged). */
  update(addressKey: string, activityId: string, activity: Partial<Activity>): Promise<ProactiveResult>;
}

/**
 * Sends into a conversation the bot was not just spoken to in (a confirmation, a duty alert),
 * from its stored reference: continueConversationAsync with the bot's app id.
 * A 403 means the bot was removed from that conversation: it is marked and reported for the
 * admins, not tried again until the bot is added back (which stores the reference anew).
 */
export function createProactive(
  deps: {
    adapter: CloudAdapter;
    appId: string;
    addresses: ChatAddresses;
    messages: Messages;
    clock: Clock;
    log: Logger;
  },
  options: ProactiveOptions = {},
): Proactive {
  const { adapter, appId, addresses, messages, clock, log } = deps;
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));

  type Tried<T> = { ok: true; value: T; tries: number } | { ok: false; result: ProactiveResult };

  /** One piece of work, tried again on 429, 412, 502 and 504; a 403 marks the address removed. */
  async function tryHard<T>(
    addressKey: string,
    work: (context: TurnContext) => Promise<T>,
    known?: StoredAddress,
  ): Promise<Tried<T>> {
    const address = known ?? (await addresses.find(addressKey));
    if (!address) return { ok: false, result: { delivered: false, reason: 'no-address', attempts: 0 } };
    if (address.removedAt) return { ok: false, result: { delivered: false, reason: 'removed', attempts: 0 } };
    for (let attempt = 1; ; attempt++) {
      try {
        return {
          ok: true,
          value: await inConversation(adapter, appId, address.reference, work),
          tries: attempt,
        };
      } catch (error) {
        const status = statusOf(error);
        if (status === 403) {
          await addresses.markRemoved(addressKey, clock.now());
          log.warn(
            { addressKey, kind: address.kind, status },
            'Teams: the bot has been removed from this conversation, so messages to it have stopped. ' +
              'Add the bot back to that chat or team to start them again.',
          );
          return { ok: false, result: { delivered: false, reason: 'removed', attempts: attempt, status } };
        }
        if (status !== undefined && retryable.has(status) && attempt < attempts) {
          const backoff = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
          await sleep(Math.min(retryAfterMs(error) ?? backoff, maxDelayMs));
          continue;
        }
        log.error(
          { err: error, addressKey, status, attempts: attempt },
          'Teams: a message could not be delivered',
        );
        return { ok: false, result: { delivered: false, reason: 'failed', attempts: attempt, status } };
      }
    }
  }

  return {
    async send(addressKey, replies) {
      const address = await addresses.find(addressKey);
      if (!address) return { delivered: false, reason: 'no-address', attempts: 0 };
      if (address.removedAt) return { delivered: false, reason: 'removed', attempts: 0 };
      let tries = 0;
      // One message at a time, so a retry never repeats a message that already arrived.
      for (const activity of fromReplies(replies, messages).map(toActivity)) {
        const tried = await tryHard(addressKey, (context) => context.sendActivity(activity), address);
        if (!tried.ok) return { ...tried.result, attempts: tries + tried.result.attempts };
        tries += tried.tries;
      }
      return { delivered: true, attempts: tries };
    },
    async post(addressKey, activity) {
      const tried = await tryHard(addressKey, (context) => context.sendActivity(activity));
      if (!tried.ok) return tried.result;
      return { delivered: true, attempts: tried.tries, id: tried.value?.id };
    },
    async update(addressKey, activityId, activity) {
      const tried = await tryHard(addressKey, (context) =>
        context.updateActivity({ ...activity, id: activityId, type: activity.type ?? 'message' }),
      );
      return tried.ok ? { delivered: true, attempts: tried.tries } : tried.result;
    },
  };
}
