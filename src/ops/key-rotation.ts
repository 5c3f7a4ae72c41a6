import type { ChildFacts } from '../children/child-keys';
import { ageBandOf, ethnicGroupOf, openEthnicity, openYearOfBirth } from '../children/demographics';
import { writeKeys } from '../children/resolve-child';
import { ConfigError } from '../config';
import { BlindIndex } from '../links/blind-index';
import type { EntityKind } from '../links/extractors';
import { indexTerms } from '../links/index-terms';
import type { Logger } from '../logger';
import { appendAudit } from '../store/audit';
import type { Db, Provider, Tx } from '../store/database';
import { type FieldCipher, SealedValueError } from '../store/field-crypto';
import { bindingOf, movedToSealed, type SealedTable, sealedTables } from '../store/sealed-columns';

/** The few calls rotation makes on a model, whichever it is. */
interface Delegate {
  findMany(args: unknown): Promise<Record<string, unknown>[]>;
  updateMany(args: unknown): Promise<{ count: number }>;
}

function delegate(db: Db | Tx, table: string): Delegate {
  return (db as unknown as Record<string, Delegate>)[table[0]!.toLowerCase() + table.slice(1)]!;
}

export interface RotationDone {
  table: string;
  rows: number;
  resealed: number;
  /** Rows whose value did not open where it was found (moved, changed, or its key gone): left as they are. */
  unreadable: string[];
}

export interface Who {
  actorId: string | null;
  actor: string;
  surface: string;
}

/**
 * `keys rotate`: every sealed value not yet sealed under the current key (an older key, the
 * unbound v1 form, or plain text from before a column was sealed) is opened and sealed again,
 * a batch of rows per transaction, each batch audited. What is done is never done again, so a
 * rotation that stops (killed, a lost connection) is finished by running it again. The look-up
 * hashes of children and the blind indexes of the intelligence picture follow the new key.
 * Each row is written only if it still holds what was read, so the server may run meanwhile.
 */
export async function rotateKeys(
  db: Db,
  provider: Provider,
  cipher: FieldCipher,
  options: { now: () => Date; who: Who; batch?: number; progress?: (done: RotationDone) => void },
): Promise<RotationDone[]> {
  const batch = options.batch ?? 200;
  const index = BlindIndex.fromCipher(cipher);
  const done: RotationDone[] = [];
  for (const spec of sealedTables) {
    const tally: RotationDone = { table: spec.table, rows: 0, resealed: 0, unreadable: [] };
    let after = '';
    for (;;) {
      const rows = await delegate(db, spec.table).findMany({
        where: after ? { id: { gt: after } } : {},
        orderBy: { id: 'asc' },
        take: batch,
        select: selection(spec),
      });
      if (rows.length === 0) break;
      after = String(rows.at(-1)!.id);
      tally.rows += rows.length;
      const changes = rows.flatMap((row) => {
        try {
          const change = reseal(cipher, spec, row, options.now());
          return change ? [{ row, change }] : [];
        } catch (error) {
          if (!(error instanceof SealedValueError)) throw error;
          tally.unreadable.push(String(row.id));
          return [];
        }
      });
      if (changes.length === 0) continue;
      await db.$transaction(async (tx) => {
        let count = 0;
        for (const { row, change } of changes) {
          const unchanged = Object.fromEntries(
            Object.keys(change.data).map((column) => [column, row[column]]),
          );
          const written = await delegate(tx, spec.table).updateMany({
            where: { id: row.id, ...unchanged },
            data: change.data,
          });
          if (written.count === 0) continue; // Changed meanwhile: written under the current key already.
          count += 1;
          if (change.mention) await reindexMention(tx, index, change.mention);
          if (change.child) await writeKeys(tx, cipher, String(row.id), change.child);
        }
        tally.resealed += count;
        await appendAudit(tx, provider, {
          ...options.who,
          action: 'update',
          recordType: 'data-key',
          recordId: cipher.keyId,
          detail: `keys rotate: ${count} ${spec.table} rows sealed under key ${cipher.keyId}`,
          at: options.now(),
        });
      });
    }
    options.progress?.(tally);
    done.push(tally);
  }
  if (provider === 'sqlite') await scrubSqlite(db);
  return done;
}

/**
 * SQLite keeps what a row held before an update in free pages and in the write-ahead log, so a
 * value sealed in place could still be read from the file. VACUUM rewrites the file from the live
 * rows and the truncating checkpoint empties the log. (PostgreSQL: see docs/field-encryption.md.)
 */
async function scrubSqlite(db: Db): Promise<void> {
  await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.$executeRawUnsafe('VACUUM');
  await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
}

function selection(spec: SealedTable): Record<string, true> {
  const fields = ['id', ...(spec.bind?.fields ?? []), ...spec.columns];
  if (spec.table === 'Person') fields.push('lookupHash', 'kind', 'yearOfBirth', 'ageBand', 'ethnicGroup');
  if (spec.table === 'Disruption') fields.push('perpetratorHash');
  if (spec.table === 'PendingGrant') fields.push('emailHash');
  if (spec.table === 'MissingEpisode') fields.push('interviewerEmailHash', 'interviewerHandleHash');
  if (spec.table === 'LinkMention') fields.push('kind', 'recordId', 'childId', 'createdAt');
  return Object.fromEntries(fields.map((field) => [field, true]));
}

interface Mention {
  id: string;
  kind: EntityKind;
  value: string;
  recordId: string;
  childId: string | null;
  createdAt: Date;
}

function reseal(
  cipher: FieldCipher,
  spec: SealedTable,
  row: Record<string, unknown>,
  now: Date,
): { data: Record<string, string | number | null>; mention?: Mention; child?: ChildFacts } | null {
  const id = bindingOf(spec, row);
  const data: Record<string, string | number | null> = {};
  const opened: Record<string, string> = {};
  for (const column of spec.columns) {
    const value = row[column];
    if (typeof value !== 'string' || cipher.isCurrent(value)) continue;
    opened[column] = cipher.open(spec.table, column, id, value);
    data[column] = cipher.seal(spec.table, column, id, opened[column]!);
  }
  if (spec.table === 'Person') Object.assign(data, demographicsLeft(cipher, row, opened, now));
  if (spec.table === 'Disruption') Object.assign(data, perpetratorHash(cipher, row, opened));
  if (spec.table === 'PendingGrant') Object.assign(data, emailHash(cipher, row, opened));
  if (spec.table === 'MissingEpisode') Object.assign(data, assigneeHashes(cipher, row, opened));
  if (Object.keys(data).length === 0) return null;
  if (spec.table === 'Person' && opened.nameEnc !== undefined && row.lookupHash !== null) {
    const dateOfBirth =
      opened.dateOfBirthEnc ??
      (typeof row.dateOfBirthEnc === 'string'
        ? cipher.open('Person', 'dateOfBirthEnc', id, row.dateOfBirthEnc)
        : '');
    // As findOrCreateChild makes it: the name and date of birth, under the new look-up key.
    data.lookupHash = cipher.lookupHash(`${opened.nameEnc}|${dateOfBirth}`);
  }
  if (spec.table === 'Person' && row.kind === 'child' && opened.nameEnc !== undefined) {
    const dateOfBirth =
      opened.dateOfBirthEnc ??
      (typeof row.dateOfBirthEnc === 'string'
        ? cipher.open('Person', 'dateOfBirthEnc', id, row.dateOfBirthEnc)
        : undefined);
    const known = openYearOfBirth(cipher, {
      id,
      yearOfBirth: typeof row.yearOfBirth === 'number' ? row.yearOfBirth : null,
      yearOfBirthEnc: typeof row.yearOfBirthEnc === 'string' ? row.yearOfBirthEnc : null,
    });
    const year = known === null ? [] : [known];
    // The child's look-up keys under the new key, from what is kept of them. Keys written from
    // other reports' names (a nickname) are not kept in clear anywhere: they match while the
    // retired key is still listed in DATA_KEYS_RETIRED.
    return { data, child: { name: opened.nameEnc, ...(dateOfBirth && { dateOfBirth }), yearsOfBirth: year } };
  }
  if (spec.table === 'LinkMention' && opened.valueEnc !== undefined) {
    const { value } = JSON.parse(opened.valueEnc) as { value: string };
    return {
      data,
      mention: {
        id,
        kind: row.kind as EntityKind,
        value,
        recordId: String(row.recordId),
        childId: (row.childId as string | null) ?? null,
        createdAt: row.createdAt as Date,
      },
    };
  }
  return { data };
}

/**
 * What issue 17 moved out of clear, for a row written before it: the year of birth into its sealed
 * column (and the age band beside it), and the broad ethnic group of an ethnicity sealed now.
 */
function demographicsLeft(
  cipher: FieldCipher,
  row: Record<string, unknown>,
  opened: Record<string, string>,
  now: Date,
): Record<string, string | number | null> {
  const id = String(row.id);
  const data: Record<string, string | number | null> = {};
  if (typeof row.yearOfBirth === 'number') {
    if (row.yearOfBirthEnc === null) {
      data.yearOfBirthEnc = cipher.seal('Person', 'yearOfBirthEnc', id, String(row.yearOfBirth));
    }
    data.yearOfBirth = null;
    if (row.ageBand === null) data.ageBand = ageBandOf(row.yearOfBirth, now);
  }
  const ethnicity =
    opened.ethnicity ??
    (typeof row.ethnicity === 'string' && row.ethnicGroup === null
      ? openEthnicity(cipher, { id, ethnicity: row.ethnicity })
      : null);
  if (ethnicity && row.ethnicGroup === null) data.ethnicGroup = ethnicGroupOf(ethnicity);
  return data;
}

/** A perpetrator's look-up hash under the current key, when it is not already (counted once in the figures). */
function perpetratorHash(
  cipher: FieldCipher,
  row: Record<string, unknown>,
  opened: Record<string, string>,
): Record<string, string> {
  if (row.perpetratorHash === null || typeof row.perpetratorEnc !== 'string') return {};
  const perpetrator =
    opened.perpetratorEnc ?? cipher.open('Disruption', 'perpetratorEnc', String(row.id), row.perpetratorEnc);
  const hash = cipher.lookupHash(perpetrator);
  return hash === row.perpetratorHash ? {} : { perpetratorHash: hash };
}

/** A pending grant's email hash under the current key (how the person is matched when they first speak). */
function emailHash(
  cipher: FieldCipher,
  row: Record<string, unknown>,
  opened: Record<string, string>,
): Record<string, string> {
  if (typeof row.email !== 'string') return {};
  const email = opened.email ?? cipher.open('PendingGrant', 'email', String(row.id), row.email);
  const hash = cipher.exactHash(email);
  return hash === row.emailHash ? {} : { emailHash: hash };
}

/** An interviewer not met yet: the hashes of their email and identity key under the current key. */
function assigneeHashes(
  cipher: FieldCipher,
  row: Record<string, unknown>,
  opened: Record<string, string>,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [column, hashColumn, prefix] of [
    ['interviewerEmail', 'interviewerEmailHash', 'email'],
    ['interviewerHandle', 'interviewerHandleHash', 'handle'],
  ] as const) {
    const stored = row[column];
    if (typeof stored !== 'string') continue;
    const value = opened[column] ?? cipher.open('MissingEpisode', column, String(row.id), stored);
    const hash = cipher.exactHash(`${prefix}:${value}`);
    if (hash !== row[hashColumn]) data[hashColumn] = hash;
  }
  return data;
}

/** A mention's blind indexes, made again under the current key (they were made with its old one). */
async function reindexMention(tx: Tx, index: BlindIndex, mention: Mention): Promise<void> {
  await tx.linkTerm.deleteMany({ where: { mentionId: mention.id } });
  const { stored } = indexTerms(mention.kind, mention.value);
  if (stored.length === 0) return;
  await tx.linkTerm.createMany({
    data: stored.map((term) => ({
      term: index.term(term),
      mentionId: mention.id,
      recordId: mention.recordId,
      childId: mention.childId,
      createdAt: mention.createdAt,
    })),
  });
}

export interface KeyCount {
  table: string;
  column: string;
  /** `v2 <key id>`, `v1 <key id>` or `plain`. */
  form: string;
  count: number;
}

/** `keys status`: how many values each key and form holds, per sealed column; never a value itself. */
export async function keyStatus(db: Db): Promise<KeyCount[]> {
  const counts: KeyCount[] = [];
  for (const spec of sealedTables) {
    for (const column of spec.columns) {
      // Names from the fixed list above, never from input. Only the prefix of a sealed value is
      // read back; anything else is counted as plain without showing it.
      const rows = await db.$queryRawUnsafe<{ form: string; n: unknown }[]>(
        `SELECT CASE WHEN "${column}" LIKE 'v1.%' OR "${column}" LIKE 'v2.%' THEN SUBSTR("${column}", 1, 11) ELSE 'plain' END AS form,
                COUNT(*) AS n
         FROM "${spec.table}" WHERE "${column}" IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      for (const row of rows) {
        const form = /^v[12]\.[0-9a-f]{8}$/.test(row.form) ? row.form.replace('.', ' ') : 'plain';
        counts.push({ table: spec.table, column, form, count: Number(row.n) });
      }
    }
  }
  for (const moved of movedToSealed) {
    const [row] = await db.$queryRawUnsafe<{ n: unknown }[]>(
      `SELECT COUNT(*) AS n FROM "${moved.table}" WHERE "${moved.column}" IS NOT NULL`,
    );
    const count = Number(row?.n ?? 0);
    if (count > 0) counts.push({ table: moved.table, column: moved.column, form: 'plain', count });
  }
  return counts;
}

/** How many values `keys rotate` has still to seal under the current key (plain, v1, a retired key). */
export function legacyLeft(counts: readonly KeyCount[], currentKeyId: string): number {
  return counts.filter((c) => c.form !== `v2 ${currentKeyId}`).reduce((sum, c) => sum + c.count, 0);
}

/**
 * With SEALED_LEGACY=refuse, start-up counts what is left from before the last rotation and
 * refuses to start while anything is: such a value would be refused when read, so serving would
 * fail one request at a time instead of once, here, with the remedy.
 */
export async function checkLegacyAtStart(db: Db, cipher: FieldCipher, log: Logger): Promise<void> {
  if (cipher.legacy !== 'refuse') return;
  const left = legacyLeft(await keyStatus(db), cipher.keyId);
  log.info({ left }, 'SEALED_LEGACY=refuse: values not yet sealed under the current key');
  if (left > 0) {
    throw new ConfigError(
      `SEALED_LEGACY=refuse, but ${left} values are not yet sealed under the current key ${cipher.keyId} ` +
        '(in clear, in the v1 form or under a retired key): run npm run admin -- keys rotate, ' +
        'or start with SEALED_LEGACY=accept until it has run',
    );
  }
}
