import { randomUUID } from 'node:crypto';
import type { Db, Provider } from './database';
import type { FieldCipher } from './field-crypto';
import { Prisma } from './generated/sqlite/client';
import { claimInbound } from './inbound-events';

export interface StoredConversation<T> {
  formId: string;
  state: T;
  expired: boolean;
}

/** A delivery claimed (or not: already handled) and the asker's drafts in the places asked about. */
export interface ClaimedTurn {
  claimed: boolean;
  /** By channel; a channel with no draft is absent. */
  drafts: Map<string, StoredConversation<unknown>>;
}

interface DraftRow {
  id: string;
  channel: string;
  formId: string;
  stateEnc: string;
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
    private readonly provider: Provider = 'sqlite',
  ) {}

  /**
   * Claims a platform delivery's key (see claimInbound) and reads the asker's drafts in the given
   * places: on PostgreSQL in one statement, one round trip for what every message needs first
   * (issue 20). A delivery already handled claims nothing and its drafts are not to be used.
   */
  async claimAndFind(
    key: string | undefined,
    userId: string,
    channels: string[],
    now: Date,
  ): Promise<ClaimedTurn> {
    let claimed = true;
    let rows: DraftRow[];
    if (this.provider === 'postgresql' && key && channels.length > 0) {
      const places = channels.map((_, i) => `$${i + 4}`).join(', ');
      // Columns hold UTC wall-clock times (timestamp without time zone), as Prisma writes them.
      const found = await this.db.$queryRawUnsafe<
        (Omit<DraftRow, 'id'> & { id: string | null; claimed: number })[]
      >(
        `WITH claimed AS (
           INSERT INTO "InboundEvent" ("key", "receivedAt")
           VALUES ($1, ($2::timestamptz AT TIME ZONE 'UTC'))
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT (SELECT count(*)::int FROM claimed) AS claimed, c."id", c."channel", c."formId",
                c."stateEnc", c."expiresAt" <= ($3::timestamptz AT TIME ZONE 'UTC') AS expired
         FROM (SELECT 1) AS one
         LEFT JOIN "Conversation" c ON c."userId" = $${channels.length + 4} AND c."channel" IN (${places})`,
        key,
        new Date().toISOString(),
        now.toISOString(),
        ...channels,
        userId,
      );
      claimed = found[0]?.claimed === 1;
      rows = found.filter((row): row is DraftRow & { claimed: number } => row.id !== null);
    } else {
      if (key) claimed = await claimInbound(this.db, key);
      const found =
        claimed && channels.length > 0
          ? await this.db.$queryRaw<(Omit<DraftRow, 'expired'> & { expiresAt: Date })[]>`
              SELECT "id", "channel", "formId", "stateEnc", "expiresAt" FROM "Conversation"
              WHERE "userId" = ${userId} AND "channel" IN (${Prisma.join(channels)})`
          : [];
      rows = found.map((row) => ({ ...row, expired: row.expiresAt <= now }));
    }
    const drafts = new Map<string, StoredConversation<unknown>>();
    if (!claimed) return { claimed, drafts };
    const expired = rows.filter((row) => row.expired).map((row) => row.id);
    if (expired.length) await this.db.conversation.deleteMany({ where: { id: { in: expired } } });
    for (const row of rows) {
      drafts.set(row.channel, {
        formId: row.formId,
        state: row.expired
          ? undefined
          : this.cipher.openJson(
              'Conversation',
              'stateEnc',
              conversationBinding({ userId, channel: row.channel }),
              row.stateEnc,
            ),
        expired: row.expired,
      });
    }
    return { claimed, drafts };
  }

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

  /** Keeps the draft, in SQL: every typed step writes it (issue 20: no model query to compile). */
  async save<T>(userId: string, channel: string, formId: string, state: T, now: Date): Promise<void> {
    const stateEnc = this.cipher.sealJson(
      'Conversation',
      'stateEnc',
      conversationBinding({ userId, channel }),
      state,
    );
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const written = new Date();
    await this.db.$executeRaw`
      INSERT INTO "Conversation" ("id", "userId", "channel", "formId", "stateEnc", "expiresAt", "createdAt", "updatedAt")
      VALUES (${randomUUID()}, ${userId}, ${channel}, ${formId}, ${stateEnc}, ${expiresAt}, ${written}, ${written})
      ON CONFLICT ("userId", "channel") DO UPDATE SET "formId" = excluded."formId",
        "stateEnc" = excluded."stateEnc", "expiresAt" = excluded."expiresAt", "updatedAt" = excluded."updatedAt"`;
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
