import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import type { Identity } from '../../src/services/actor';
import type { AddressKind } from './addresses';

/** The tenant an activity comes from (absent in the Bot Framework Emulator). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? fromChannelData;
}

/** Personal chat, or the Emulator, which names no conversation type. */
export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === undefined || type === 'personal';
}

export function identityOf(activity: Partial<Activity>): Identity {
  const from = activity.from;
  return {
    platform: 'teams',
    workspace: tenantOf(activity) ?? activity.channelId ?? 'teams',
    // The Entra ID object id is the same person across chats; the Emulator has only from.id.
    platformUserId: from?.aadObjectId ?? from?.id ?? 'unknown',
    displayName: from?.name ?? 'Teams user',
  };
}

/** A channel's reference points at the channel, not at the thread or message it was met in. */
export function addressOf(activity: Partial<Activity>): {
  key: string;
  kind: AddressKind;
  reference: Partial<ConversationReference>;
} {
  const reference = TurnContext.getConversationReference(activity);
  delete reference.activityId;
  const personal = isPersonal(activity);
  const id = (activity.conversation?.id ?? '').split(';messageid=')[0]!;
  if (reference.conversation) reference.conversation = { ...reference.conversation, id };
  return { key: id, kind: personal ? 'personal' : 'channel', reference };
}

export const isCardSubmit = (value: unknown): value is Record<string, unknown> & { metbot: object } =>
  typeof value === 'object' && value !== null && typeof (value as { metbot?: unknown }).metbot === 'object';

/**
 * The key an activity is answered once under. Teams activity ids are unique within a
 * conversation (in chats they are timestamps), so the conversation is part of the key.
 */
export function inboundKey(activity: Partial<Activity>): string | undefined {
  if (!activity.id) return undefined;
  return `teams:${activity.conversation?.id ?? ''}:${activity.id}`;
}
