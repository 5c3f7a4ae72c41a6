import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { SealedValueError } from '../domain/sealed-value-error';

export { SealedValueError };

/** Derives a key for one purpose from a data key (HKDF-SHA256, no salt, info `metbot <purpose>`). */
export function deriveKey(dataKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `metbot ${purpose}`, 32));
}

/** Keys derived from each data key: neither is the data key itself, and they differ. */
const ENCRYPTION = 'field encryption v2';
const LOOKUP = 'lookup hash v2';

interface DataKey {
  id: string;
  /** The data key as given: only for values sealed before v2 (read-compatible) and for purposes. */
  raw: Buffer;
  encryption: Buffer;
  lookup: Buffer;
}

/**
 * AES-256-GCM for identifying details and narratives at rest.
 *
 * `seal(table, column, id, value)` writes `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url)
 * under a key derived for encryption, with `table|column|id` as associated data: the value opens
 * only in the row and column it was written for, so a ciphertext copied elsewhere is caught.
 * Values written before (`v1.`, under the data key itself, unbound) still open, and
 * `npm run admin -- keys rotate` rewrites them. The key id names the data key, so a retired key
 * still opens old values after the current key is rotated.
 */
export class FieldCipher {
  private readonly current: DataKey;
  private readonly keys: Map<string, DataKey>;
  /** `refuse` (SEALED_LEGACY): after `keys rotate`, only values sealed (v2) under the current key open. */
  readonly legacy: SealedLegacy;

  constructor(currentKey: Buffer, retiredKeys: Buffer[] = [], options: { legacy?: SealedLegacy } = {}) {
    this.legacy = options.legacy ?? 'accept';
    for (const key of [currentKey, ...retiredKeys]) {
      if (key.length !== 32) throw new Error('A data key must be 32 bytes');
    }
    const all = [currentKey, ...retiredKeys].map(dataKey);
    this.current = all[0]!;
    this.keys = new Map(all.map((key) => [key.id, key]));
  }

  /** The current key's id, as written in every value it seals. */
  get keyId(): string {
    return this.current.id;
  }

  /** The ids of the retired keys, still used to open what they sealed. */
  get retiredKeyIds(): string[] {
    return [...this.keys.keys()].filter((id) => id !== this.current.id);
  }

  /** A key for another feature's own purpose (a blind index, a signature), derived from the current data key. */
  purposeKey(purpose: string): Buffer {
    if (purpose === ENCRYPTION || purpose === LOOKUP) throw new Error(`${purpose} is the cipher's own key`);
    return deriveKey(this.current.raw, purpose);
  }

  seal(table: string, column: string, id: string, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv);
    cipher.setAAD(boundTo(table, column, id));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return ['v2', this.current.id, ...parts].join('.');
  }

  open(table: string, column: string, id: string, stored: string): string {
    const refuse = this.legacy === 'refuse';
    // Held in clear before v2: read as it is until `keys rotate` seals it.
    if (!isSealed(stored) && wasPlain.has(`${table}.${column}`)) {
      if (refuse) throw new SealedValueError(table, column, id, `it is in clear, and ${REFUSED}`);
      return stored;
    }
    const [version, keyId, iv, tag, body] = stored.split('.');
    if ((version !== 'v1' && version !== 'v2') || !keyId || iv === undefined || !tag || body === undefined) {
      throw new SealedValueError(table, column, id, 'it is not a sealed value');
    }
    if (refuse && (version !== 'v2' || keyId !== this.current.id)) {
      const form = version === 'v1' ? 'in the unbound v1 form' : `under retired key ${keyId}`;
      throw new SealedValueError(table, column, id, `it is ${form}, and ${REFUSED}`);
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SealedValueError(
        table,
        column,
        id,
        `no data key with id ${keyId} (was a retired key removed from DATA_KEYS_RETIRED before keys rotate finished?)`,
      );
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        version === 'v2' ? key.encryption : key.raw,
        Buffer.from(iv, 'base64url'),
      );
      if (version === 'v2') decipher.setAAD(boundTo(table, column, id));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SealedValueError(
        table,
        column,
        id,
        'it does not belong to this row and column, or was changed',
      );
    }
  }

  sealJson(table: string, column: string, id: string, value: unknown): string {
    return this.seal(table, column, id, JSON.stringify(value));
  }

  openJson<T = unknown>(table: string, column: string, id: string, stored: string): T {
    return JSON.parse(this.open(table, column, id, stored)) as T;
  }

  /** Nothing to hide stays null, so an optional field reads as "not given" without a key. */
  sealOptional(table: string, column: string, id: string, plain: string | undefined | null): string | null {
    return plain === undefined || plain === null || plain === '' ? null : this.seal(table, column, id, plain);
  }

  openOptional(table: string, column: string, id: string, stored: string | null | undefined): string | null {
    return stored === undefined || stored === null ? null : this.open(table, column, id, stored);
  }

  /** Whether a stored value is already sealed, bound, under the current key (what rotation skips). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`v2.${this.current.id}.`);
  }

  /**
   * @deprecated Unbound (v1): use `seal`. Kept so that values written by code not yet moved to
   * `seal` still read and write; `keys status` counts what is left.
   */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.raw, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return ['v1', this.current.id, ...parts].join('.');
  }

  /** @deprecated Opens only unbound (v1) values: use `open`. */
  decrypt(stored: string): string {
    const [version, id, iv, tag, body] = stored.split('.');
    if (version === 'v2') throw new Error('A bound value: open it with open(table, column, id, value)');
    if (version !== 'v1' || !id || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('Not an encrypted value');
    }
    if (this.legacy === 'refuse') throw new Error(`An unbound (v1) value, and ${REFUSED}`);
    const key = this.keys.get(id);
    if (!key) throw new Error(`No data key with id ${id}: was a retired key removed from DATA_KEYS_RETIRED?`);
    const decipher = createDecipheriv('aes-256-gcm', key.raw, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** @deprecated Unbound (v1): use `sealJson`. */
  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  /** @deprecated Opens only unbound (v1) values: use `openJson`. */
  decryptJson<T = unknown>(stored: string): T {
    return JSON.parse(this.decrypt(stored)) as T;
  }

  /** @deprecated Unbound (v1): use `sealOptional`. */
  encryptOptional(plain: string | undefined | null): string | null {
    return plain === undefined || plain === null || plain === '' ? null : this.encrypt(plain);
  }

  /**
   * Keyed hashes of a normalised value, to find a record without decrypting it: under the lookup
   * key derived from every data key, then (read-compatible, until `keys rotate` rewrites them) the
   * hashes written before v2 under the data key itself.
   */
  lookupHashes(value: string): string[] {
    const normal = normalise(value);
    const keys = [...this.keys.values()];
    return [...keys.map((key) => hmac(key.lookup, normal)), ...keys.map((key) => hmac(key.raw, normal))];
  }

  /** The hash to store: under the current key's lookup key. */
  lookupHash(value: string): string {
    return hmac(this.current.lookup, normalise(value));
  }

  /**
   * A keyed hash of the value exactly as given (a lower-case email): unlike `lookupHash` nothing
   * is normalised away, so `jo.smith@` and `jo-smith@` never meet. Under the current key.
   */
  exactHash(value: string): string {
    return exactHmac(this.current.lookup, value);
  }

  /** The same under every data key, to find a row hashed before a rotation finished. */
  exactHashes(value: string): string[] {
    return [...this.keys.values()].map((key) => exactHmac(key.lookup, value));
  }
}

/** Whether values from before the last `keys rotate` still open (SEALED_LEGACY in src/config.ts). */
export type SealedLegacy = 'accept' | 'refuse';

const REFUSED = 'SEALED_LEGACY=refuse accepts only values sealed under the current key: run keys rotate';

/** Columns that held plain text before they were sealed (v2): their old values still read. */
export const wasPlain: ReadonlySet<string> = new Set([
  'MissingEpisode.policeReference',
  'MissingEpisode.interviewerName',
  'RiskCheck.chosenReason',
  'MetListEntry.leadProfessional',
  'MetListEntry.removalReason',
  'MetLevelChange.reason',
  'OutboxMessage.lastError',
  // Issue 17's demographic fields: `keys rotate` seals what is left.
  'Person.initials',
  'Person.ethnicity',
  'Alert.initials',
  // Staff identities (issue 17).
  'Alert.acknowledgedBy',
  'Link.decidedBy',
  'MissingEpisode.interviewerEmail',
  'MissingEpisode.interviewerHandle',
  'PendingGrant.email',
  'PendingGrant.grantedBy',
  'PendingGrant.confirmedBy',
  'RoleProposal.proposedBy',
  'User.displayName',
]);

/** Whether a stored value has the shape of a sealed one (`v1.` or `v2.` and a key id). */
export function isSealed(stored: string): boolean {
  return /^v[12]\.[0-9a-f]{8}\./.test(stored);
}

function dataKey(raw: Buffer): DataKey {
  return {
    id: createHash('sha256').update(raw).digest('hex').slice(0, 8),
    raw,
    encryption: deriveKey(raw, ENCRYPTION),
    lookup: deriveKey(raw, LOOKUP),
  };
}

function boundTo(table: string, column: string, id: string): Buffer {
  return Buffer.from(`${table}|${column}|${id}`, 'utf8');
}

function normalise(value: string): string {
  return value
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function exactHmac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(`exact:${value}`).digest('hex');
}

function hmac(key: Buffer, normal: string): string {
  return createHmac('sha256', key).update(`lookup:${normal}`).digest('hex');
}
