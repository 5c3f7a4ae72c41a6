import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { sealedPayload } from './enqueue';
import { destinations, isGatewayDestination } from './transport';

type Row = Awaited<ReturnType<Db['outboxMessage']['findFirstOrThrow']>>;

/** A claimed message, with what its receipt will need (read once per claim, not once per message). */
export interface OutboxRow extends Row {
  submitter: { reference: string; userId: string } | null;
}

/** What a surface is told when a gateway message reaches its end: delivered, or dead-lettered. */
export interface DeliveryReceipt {
  recordId: string;
  reference: string;
  /** The submitter (User.id), to tell them on the surface they used. */
  userId: string;
  destination: string;
  state: 'delivered' | 'dead';
  lastError?: string;
}

/**
 * The outbox table's state changes. Every change after a claim is conditional on still holding
 * the lease, so a worker whose lease ran out (and whose message another worker took) changes nothing.
 */
export class OutboxRepository {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * Takes up to `limit` due messages for these destinations and leases them to `owner` until
   * `now + leaseMs`, counting the attempt now: a message that kills its worker still runs out of
   * attempts.
   */
  async claim(
    owner: string,
    wanted: string[],
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<OutboxRow[]> {
    if (wanted.length === 0) return [];
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return this.provider === 'postgresql'
      ? this.claimPostgres(owner, wanted, now, leaseUntil, limit)
      : this.claimSqlite(owner, wanted, now, leaseUntil, limit);
  }

  /** One UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select: instances never take the same row. */
  private async claimPostgres(owner: string, wanted: string[], now: Date, leaseUntil: Date, limit: number) {
    const places = wanted.map((_, i) => `$${i + 5}`).join(', ');
    const claimed = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE "OutboxMessage" SET "leaseOwner" = $1, "leaseUntil" = $2, "attempts" = "attempts" + 1
       WHERE "id" IN (
         SELECT "id" FROM "OutboxMessage"
         WHERE "status" = 'pending' AND "nextAttemptAt" <= $3
           AND ("leaseUntil" IS NULL OR "leaseUntil" < $3)
           AND "destination" IN (${places})
         ORDER BY "nextAttemptAt"
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING "id"`,
      owner,
      leaseUntil,
      now,
      limit,
      ...wanted,
    );
    if (claimed.length === 0) return [];
    return this.withSubmitters(
      await this.db.outboxMessage.findMany({
        where: { id: { in: claimed.map((row) => row.id) }, leaseOwner: owner },
        orderBy: { nextAttemptAt: 'asc' },
      }),
    );
  }

  /**
   * SQLite has one writer at a time, so one conditional update over the candidates is atomic;
   * the rows it took are those now leased to this owner until this claim's `leaseUntil`.
   */
  private async claimSqlite(owner: string, wanted: string[], now: Date, leaseUntil: Date, limit: number) {
    const due = {
      status: 'pending',
      nextAttemptAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    };
    const candidates = await this.db.outboxMessage.findMany({
      where: { ...due, destination: { in: wanted } },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    if (candidates.length === 0) return [];
    const offered = candidates.map((c) => c.id);
    await this.db.outboxMessage.updateMany({
      where: { id: { in: offered }, ...due },
      data: { leaseOwner: owner, leaseUntil, attempts: { increment: 1 } },
    });
    return this.withSubmitters(
      await this.db.outboxMessage.findMany({
        where: { id: { in: offered }, leaseOwner: owner, leaseUntil },
        orderBy: { nextAttemptAt: 'asc' },
      }),
    );
  }

  /** The reference and submitter of each gateway message's record, for its receipt. */
  private async withSubmitters(rows: Row[]): Promise<OutboxRow[]> {
    const recordIds = rows.flatMap((r) =>
      isGatewayDestination(r.destination) && r.recordId ? [r.recordId] : [],
    );
    const records = recordIds.length
      ? await this.db.record.findMany({
          where: { id: { in: recordIds } },
          select: { id: true, reference: true, submittedById: true },
        })
      : [];
    const byId = new Map(records.map((r) => [r.id, { reference: r.reference, userId: r.submittedById }]));
    return rows.map((row) => ({ ...row, submitter: (row.recordId && byId.get(row.recordId)) || null }));
  }

  /**
   * Marks messages delivered, several at once (the worker groups the sends that finish together
   * into one commit), and queues the submitters' receipts in the same transaction. A delivered row
   * keeps its leaseOwner: it says which instance delivered it, and picks out the rows this call
   * marked. Returns their ids: a message whose lease another worker took is not among them.
   */
  delivered(messages: OutboxRow[], owner: string, now: Date): Promise<OutboxRow[]> {
    const ids = messages.map((m) => m.id);
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.outboxMessage.updateMany({
        where: { id: { in: ids }, leaseOwner: owner, status: 'pending' },
        data: { status: 'delivered', deliveredAt: now, leaseUntil: null, lastError: null },
      });
      let delivered = messages;
      if (count < messages.length) {
        const marked = await tx.outboxMessage.findMany({
          where: { id: { in: ids }, leaseOwner: owner, status: 'delivered', deliveredAt: now },
          select: { id: true },
        });
        const done = new Set(marked.map((m) => m.id));
        delivered = messages.filter((m) => done.has(m.id));
      }
      // Delivered is final, so `<id>:delivered` is queued at most once: no need to look first.
      const receipts = delivered.flatMap((m) => this.receipt(m, 'delivered', `${m.id}:delivered`, now));
      if (receipts.length) await tx.outboxMessage.createMany({ data: receipts });
      return delivered;
    });
  }

  /** Gives up on it (no attempts left, or a refusal that cannot change) and queues the receipt. */
  dead(message: OutboxRow, owner: string, error: string, now: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.outboxMessage.updateMany({
        where: { id: message.id, leaseOwner: owner, status: 'pending' },
        data: {
          status: 'dead',
          lastError: this.sealError(message.id, error),
          leaseOwner: null,
          leaseUntil: null,
        },
      });
      // A dead message may be retried by an admin and die again: one receipt per death is enough.
      const [receipt] = count === 1 ? this.receipt(message, 'dead', `${message.id}:dead`, now, error) : [];
      if (receipt) {
        const told = await tx.outboxMessage.findUnique({
          where: {
            destination_idempotencyKey: {
              destination: receipt.destination,
              idempotencyKey: receipt.idempotencyKey,
            },
          },
          select: { id: true },
        });
        if (!told) await tx.outboxMessage.create({ data: receipt });
      }
      return count === 1;
    });
  }

  /** Extends a lease this owner still holds; false if it holds it no longer (another worker took it). */
  async renew(message: OutboxRow, owner: string, leaseUntil: Date): Promise<boolean> {
    const { count } = await this.db.outboxMessage.updateMany({
      where: { id: message.id, leaseOwner: owner, status: 'pending' },
      data: { leaseUntil },
    });
    return count === 1;
  }

  async retryLater(message: OutboxRow, owner: string, nextAttemptAt: Date, error: string): Promise<boolean> {
    const { count } = await this.db.outboxMessage.updateMany({
      where: { id: message.id, leaseOwner: owner, status: 'pending' },
      data: {
        nextAttemptAt,
        lastError: this.sealError(message.id, error),
        leaseOwner: null,
        leaseUntil: null,
      },
    });
    return count === 1;
  }

  /** Hands back messages claimed but not tried (the worker is stopping): the attempt is not counted. */
  async release(messages: OutboxRow[], owner: string): Promise<void> {
    for (const message of messages) {
      await this.db.outboxMessage.updateMany({
        where: { id: message.id, leaseOwner: owner, status: 'pending' },
        data: { leaseOwner: null, leaseUntil: null, attempts: { decrement: 1 } },
      });
    }
  }

  /** The receipt row for a gateway message's end state; none for other destinations. */
  /** A gateway's error can quote what was sent: it is sealed like the payload. */
  private sealError(id: string, error: string): string {
    return this.cipher.seal('OutboxMessage', 'lastError', id, error);
  }

  private receipt(
    message: OutboxRow,
    state: DeliveryReceipt['state'],
    idempotencyKey: string,
    at: Date,
    lastError?: string,
  ) {
    if (!message.submitter || !message.recordId) return [];
    const payload: DeliveryReceipt = {
      recordId: message.recordId,
      reference: message.submitter.reference,
      userId: message.submitter.userId,
      destination: message.destination,
      state,
      ...(lastError && { lastError }),
    };
    return [
      {
        destination: destinations.receipt,
        recordId: message.recordId,
        idempotencyKey,
        ...sealedPayload(this.cipher, payload),
        nextAttemptAt: at,
        createdAt: at,
      },
    ];
  }
}
