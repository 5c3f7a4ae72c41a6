import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import type { Identity } from '../../src/access/actor';
import type { AddressKind } from '../../src/domain/chat-address';

/** The tenant an activity comes from (http.ts refuses an activity without one). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? fromChannelData;
}

/** A one-to-one chat with the bot. Teams names every conversation's type; one that names none is not private. */
export function isPersonal(activity: Partial<Activity>): boolean {
  return activity.conversation?.conversationType === 'personal';
}

export function identityOf(activity: Partial<Activity>): Identity {
  const from = activity.from;
  return {
    platform: 'teams',
    workspace: tenantOf(activity) ?? '',
    // The Entra ID object id is the same person across chats and the form METBOT_ADMINS uses.
    platformUserId: from?.aadObjectId ?? from?.id ?? 'unknown',
    // Install and conversation-update activities carry no name: the core keeps a placeholder.
    displayName: from?.name?.trim() || undefined,
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
