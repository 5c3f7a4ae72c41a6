import type { AddressKind, StoredAddress } from '../domain/chat-address';
import type { Db } from './database';

/**
 * How long a reference known to be stored is trusted without writing it again. Short, because
 * another instance may mark the conversation removed (a 403), which a new message must undo.
 */
const KNOWN_FOR_MS = 60_000;
const MAX_KNOWN = 10_000;

/**
 * Where the bot can speak first on a platform (Teams): the conversation reference of each personal chat,
 * channel and group chat, kept in the database (botbuilder-js #1817: references kept in memory
 * are lost at a restart, and with them every proactive message).
 */
export class ChatAddresses {
  /** What this instance last stored for each conversation, so an unchanged one is not written again. */
  private readonly known = new Map<string, { stored: string; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly platform: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Records or refreshes a conversation's reference; being spoken to again undoes a removal.
   * Written only when it changed (issue 20: not a database write on every message).
   */
  async remember(
    key: string,
    kind: AddressKind,
    userId: string | null,
    reference: Record<string, unknown>,
  ): Promise<void> {
    const address = JSON.stringify(reference);
    const stored = JSON.stringify([kind, userId, address]);
    const known = this.known.get(key);
    if (known && known.stored === stored && known.until > this.now()) return;
    await this.db.chatAddress.upsert({
      where: { platform_key: { platform: this.platform, key } },
      create: { platform: this.platform, key, kind, userId, address },
      update: { kind, address, removedAt: null, ...(userId ? { userId } : {}) },
    });
    if (this.known.size >= MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, { stored, until: this.now() + KNOWN_FOR_MS });
  }

  async find(key: string): Promise<StoredAddress | null> {
    const row = await this.db.chatAddress.findUnique({
      where: { platform_key: { platform: this.platform, key } },
    });
    if (!row) return null;
    return {
      key: row.key,
      kind: row.kind as AddressKind,
      userId: row.userId,
      reference: JSON.parse(row.address) as Record<string, unknown>,
      removedAt: row.removedAt,
    };
  }

  /** The personal chat with a user, if the bot has one that still works. */
  async personalChatOf(userId: string): Promise<string | null> {
    const row = await this.db.chatAddress.findFirst({
      where: { platform: this.platform, userId, kind: 'personal', removedAt: null },
      orderBy: { updatedAt: 'desc' },
      select: { key: true },
    });
    return row?.key ?? null;
  }

  /** Teams answered 403: the bot was removed from that conversation, so stop writing to it. */
  async markRemoved(key: string, at: Date): Promise<void> {
    this.known.delete(key);
    await this.db.chatAddress.updateMany({
      where: { platform: this.platform, key },
      data: { removedAt: at },
    });
  }
}
