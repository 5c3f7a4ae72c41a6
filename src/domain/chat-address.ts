/** Where the bot can speak first: a personal chat or a channel, as a platform stored it. */
export type AddressKind = 'personal' | 'channel';

export interface StoredAddress {
  key: string;
  kind: AddressKind;
  userId: string | null;
  /** The platform's own conversation reference (Teams: botbuilder's ConversationReference), as JSON. */
  reference: Record<string, unknown>;
  removedAt: Date | null;
}
