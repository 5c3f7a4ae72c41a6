import type { ConversationReference } from 'botbuilder';
import type { Db } from '../../src/store/database';

export type AddressKind = 'personal' | 'channel';

export interface StoredAddress {
  key: string;
  kind: AddressKind;
  userId: string | null;
  reference: Partial<ConversationReference>;
  removedAt: Date | null;
}

const platform = 'teams';

/**
 * Where the bot can speak first in Teams: the conversation reference of each personal chat,
 * channel and group chat, kept in the database (botbuilder-js #1817: references kept in memory
 * are lost at a restart, and with them every proactive message).
 */
export class ChatAddresses {
  constructor(private readonly db: Db) {}

  /** Records or refreshes a conversation's reference; being spoken to again undoes a removal. */
  async remember(
    key: string,
    kind: AddressKind,
    userId: string | null,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const address = JSON.stringify(reference);
    await this.db.chatAddress.upsert({
      where: { platform_key: { platform, key } },
      create: { platform, key, kind, userId, address },
      update: { kind, address, removedAt: null, ...(userId ? { userId } : {}) },
    });
  }

  async find(key: string): Promise<StoredAddress | null> {
    const row = await this.db.chatAddress.findUnique({ where: { platform_key: { platform, key } } });
    if (!row) return null;
    return {
      key: row.key,
      kind: row.kind as AddressKind,
      userId: row.userId,
      reference: JSON.parse(row.address) as Partial<ConversationReference>,
      removedAt: row.removedAt,
    };
  }

  /** The personal chat with a user, if the bot has one that still works. */
  async personalChatOf(userId: string): Promise<string | null> {
    const row = await this.db.chatAddress.findFirst({
      where: { platform, userId, kind: 'personal', removedAt: null },
      orderBy: { updatedAt: 'desc' },
      select: { key: true },
    });
    return row?.key ?? null;
  }

  /** Teams answered 403: the bot was removed from that conversation, so stop writing to it. */
  async markRemoved(key: string, at: Date): Promise<void> {
    await this.db.chatAddress.updateMany({ where: { platform, key }, data: { removedAt: at } });
  }
}
