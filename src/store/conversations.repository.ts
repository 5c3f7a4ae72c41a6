import type { Db } from './database';
import type { FieldCipher } from './field-crypto';

export interface StoredConversation<T> {
  formId: string;
  state: T;
  expired: boolean;
}

/**
 * Unfinished forms, kept in the database (encrypted: they hold a child's details) so that a
 * restart, or another instance, carries on at the same question.
 */
export class ConversationRepository {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
    private readonly ttlMs: number,
  ) {}

  /** The draft for this user and place; an expired one is deleted and reported once. */
  async find<T>(userId: string, channel: string, now: Date): Promise<StoredConversation<T> | null> {
    const row = await this.db.conversation.findUnique({ where: { userId_channel: { userId, channel } } });
    if (!row) return null;
    if (row.expiresAt <= now) {
      await this.db.conversation.deleteMany({ where: { id: row.id } });
      return { formId: row.formId, state: undefined as T, expired: true };
    }
    return {
      formId: row.formId,
      state: this.cipher.openJson<T>('Conversation', 'stateEnc', conversationBinding(row), row.stateEnc),
      expired: false,
    };
  }

  async save<T>(userId: string, channel: string, formId: string, state: T, now: Date): Promise<void> {
    const data = {
      formId,
      stateEnc: this.cipher.sealJson(
        'Conversation',
        'stateEnc',
        conversationBinding({ userId, channel }),
        state,
      ),
      expiresAt: new Date(now.getTime() + this.ttlMs),
    };
    await this.db.conversation.upsert({
      where: { userId_channel: { userId, channel } },
      create: { userId, channel, ...data },
      update: data,
    });
  }

  async remove(userId: string, channel: string): Promise<void> {
    await this.db.conversation.deleteMany({ where: { userId, channel } });
  }

  /** Deletes every draft past its expiry; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const { count } = await this.db.conversation.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}

/** A draft is bound to its unique key (user and place): an upsert does not know the row id first. */
export function conversationBinding(row: { userId: string; channel: string }): string {
  return `${row.userId}|${row.channel}`;
}
