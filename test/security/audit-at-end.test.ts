import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, appendHeldAudit, verifyAuditChain } from '../../src/store/audit';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';

const event = (recordId: string) => ({
  actorId: 'user-1',
  actor: 'user-1',
  surface: 'slack',
  action: 'create' as const,
  recordType: 'record',
  recordId,
  at: new Date('2026-11-28T10:00:00Z'),
});

/**
 * A transaction's audit events are appended as its last statement, so that the chain's lock is
 * held only for the commit (src/store/audit.ts): they still commit, or roll back, with it.
 */
describe.each(providers)('audit events held to the end of their transaction, on %s', (provider) => {
  let database: TestDatabase;
  afterEach(() => database?.destroy());

  it('are appended in order at the commit, and the chain verifies', async () => {
    database = await createTestDatabase(provider);
    const seenInside = await database.db.$transaction(async (tx) => {
      await appendAudit(tx, database.provider, event('INT-2026-000001'));
      await appendAudit(tx, database.provider, event('INT-2026-000002'));
      return tx.auditEvent.count();
    });
    expect(seenInside).toBe(0);
    const events = await database.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.recordId)).toEqual(['INT-2026-000001', 'INT-2026-000002']);
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, events: 2 });
  });

  it('are not written when the transaction fails', async () => {
    database = await createTestDatabase(provider);
    await expect(
      database.db.$transaction(async (tx) => {
        await appendAudit(tx, database.provider, event('INT-2026-000003'));
        throw new Error('the save failed');
      }),
    ).rejects.toThrow('the save failed');
    expect(await database.db.auditEvent.count()).toBe(0);
  });

  it('can be appended early by a transaction that reads its own trail', async () => {
    database = await createTestDatabase(provider);
    const seenInside = await database.db.$transaction(async (tx) => {
      await appendAudit(tx, database.provider, event('INT-2026-000004'));
      await appendHeldAudit(tx, database.provider);
      const count = await tx.auditEvent.count();
      await appendAudit(tx, database.provider, event('INT-2026-000005'));
      return count;
    });
    expect(seenInside).toBe(1);
    expect(await database.db.auditEvent.count()).toBe(2);
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, events: 2 });
  });

  it('chain one after another when transactions on two connections save at once', async () => {
    database = await createTestDatabase(provider);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        database.db.$transaction(async (tx) => {
          await appendAudit(tx, database.provider, event(`INT-2026-00010${i}`));
          await tx.inboundEvent.create({ data: { key: `save-${i}` } });
          await appendAudit(tx, database.provider, event(`INT-2026-00020${i}`));
        }),
      ),
    );
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, events: 16 });
  });
});
