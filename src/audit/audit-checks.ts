import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { DeliveryRoutes } from '../outbox/enqueue';
import { enqueueMessage } from '../outbox/enqueue';
import { destinations } from '../outbox/transport';
import type { TimerHandler } from '../scheduler/scheduler';
import { schedule } from '../scheduler/scheduler';
import { sealUnkeyedAudit, verifyAuditChain } from '../store/audit';
import type { AuditKeyring } from '../store/audit-key';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type Checkpoint, checkAgainstCheckpoint, makeCheckpoint } from './checkpoint';
import type { AuditSettings } from './settings';

export const CHECKPOINT_TIMER = 'audit-checkpoint';
const CHECKPOINT_SUBJECT = 'chain';
export const LATEST_CHECKPOINT = 'latest.json';

/** Start-up refused: the audit chain does not verify (AUDIT_START_CHECK=refuse). */
export class AuditChainError extends Error {}

/**
 * Start-up's check of the chain: seals a chain written before it was keyed (only if that chain is
 * whole), then verifies the latest events and, when a checkpoint file is kept, that the chain still
 * reaches it. What a failure does is AUDIT_START_CHECK's: refuse to start, or log an error and go on.
 */
export async function checkAuditAtStart(
  db: Db,
  provider: Provider,
  keyring: AuditKeyring,
  settings: AuditSettings,
  log: Logger,
): Promise<void> {
  if (settings.AUDIT_START_CHECK === 'off') return;
  const problem = await firstProblem(db, provider, keyring, settings, log);
  if (!problem) return;
  const message = `The audit trail does not verify: ${problem}. Run npm run admin -- audit verify, and see docs/security.md`;
  if (settings.AUDIT_START_CHECK === 'refuse') throw new AuditChainError(message);
  log.error(message);
}

async function firstProblem(
  db: Db,
  provider: Provider,
  keyring: AuditKeyring,
  settings: AuditSettings,
  log: Logger,
): Promise<string | null> {
  const sealed = await sealUnkeyedAudit(db, provider, keyring);
  if ('brokenAt' in sealed) return `event ${sealed.brokenAt} of the earlier, unkeyed chain does not match`;
  if (sealed.sealed)
    log.info({ events: sealed.sealed }, 'sealed the earlier audit events under the audit key');
  const from = await db.auditEvent.findMany({
    orderBy: { seq: 'desc' },
    skip: settings.AUDIT_START_CHECK_EVENTS - 1,
    take: 1,
    select: { seq: true },
  });
  const check = await verifyAuditChain(db, { keyring, ...(from[0] && { fromSeq: from[0].seq }) });
  if (!check.ok) return `event ${check.brokenAt}: ${check.reason}`;
  const latest = settings.AUDIT_CHECKPOINT_DIR && join(settings.AUDIT_CHECKPOINT_DIR, LATEST_CHECKPOINT);
  if (latest && existsSync(latest)) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(latest, 'utf8'));
    } catch {
      return `${latest} cannot be read as a checkpoint`;
    }
    const against = await checkAgainstCheckpoint(db, keyring, content);
    if (!against.ok) return `against ${latest}, ${against.reason}`;
  }
  return null;
}

/** The file a checkpoint is written to: its time, in a name that sorts. */
export function checkpointFileName(checkpoint: Checkpoint): string {
  return `audit-checkpoint-${checkpoint.madeAt.replace(/[:.]/g, '-')}.json`;
}

/**
 * Signed checkpoints on a durable timer, every AUDIT_CHECKPOINT_HOURS: written to
 * AUDIT_CHECKPOINT_DIR and, when MET_COORDINATOR_EMAIL is set, emailed to the MET coordinator.
 */
export class CheckpointExporter {
  constructor(
    private readonly keyring: AuditKeyring,
    private readonly settings: AuditSettings,
    private readonly mail: { cipher: FieldCipher; routes: DeliveryRoutes } | undefined,
  ) {}

  /** Off when there is nowhere to send a checkpoint. */
  get on(): boolean {
    return Boolean(this.settings.AUDIT_CHECKPOINT_DIR || this.toCoordinator);
  }

  private get toCoordinator(): boolean {
    return Object.values(this.mail?.routes ?? {}).some((list) => list?.includes(destinations.metCoordinator));
  }

  readonly handler: TimerHandler = async (tx, _timer, now) => {
    const checkpoint = await makeCheckpoint(tx, this.keyring, now);
    const dir = this.settings.AUDIT_CHECKPOINT_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
      writeFileSync(join(dir, checkpointFileName(checkpoint)), text, { mode: 0o600 });
      // Written whole, then renamed: start-up never reads half a file.
      const next = join(dir, `${LATEST_CHECKPOINT}.new`);
      writeFileSync(next, text, { mode: 0o600 });
      renameSync(next, join(dir, LATEST_CHECKPOINT));
    }
    if (this.mail && this.toCoordinator) {
      await enqueueMessage(tx, this.mail.cipher, {
        destination: destinations.metCoordinator,
        recordId: null,
        idempotencyKey: `audit-checkpoint:${checkpoint.madeAt}`,
        payload: checkpoint,
        at: now,
      });
    }
    await schedule(tx, CHECKPOINT_TIMER, CHECKPOINT_SUBJECT, new Date(now.getTime() + this.intervalMs));
  };

  private get intervalMs(): number {
    return this.settings.AUDIT_CHECKPOINT_HOURS * 60 * 60 * 1000;
  }

  /** The first checkpoint is due now when none is pending; a pending one is left where it is. */
  async ensureScheduled(db: Db, now: Date): Promise<void> {
    if (!this.on) return;
    const where = { kind_subjectId: { kind: CHECKPOINT_TIMER, subjectId: CHECKPOINT_SUBJECT } };
    const timer = await db.timer.findUnique({ where });
    if (timer?.status === 'pending') return;
    try {
      await schedule(db, CHECKPOINT_TIMER, CHECKPOINT_SUBJECT, now);
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }
}
