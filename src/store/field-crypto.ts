import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for identifying details and narratives at rest. A stored value reads
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), so a retired key still opens old values
 * after the current key is rotated.
 */
export class FieldCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly keys: Map<string, Buffer>;

  constructor(currentKey: Buffer, retiredKeys: Buffer[] = []) {
    for (const key of [currentKey, ...retiredKeys]) {
      if (key.length !== 32) throw new Error('A data key must be 32 bytes');
    }
    this.current = { id: keyId(currentKey), key: currentKey };
    this.keys = new Map([currentKey, ...retiredKeys].map((key) => [keyId(key), key]));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return ['v1', this.current.id, ...parts].join('.');
  }

  decrypt(stored: string): string {
    const [version, id, iv, tag, body] = stored.split('.');
    if (version !== 'v1' || !id || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('Not an encrypted value');
    }
    const key = this.keys.get(id);
    if (!key) throw new Error(`No data key with id ${id}: was a retired key removed from DATA_KEYS_RETIRED?`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T = unknown>(stored: string): T {
    return JSON.parse(this.decrypt(stored)) as T;
  }

  encryptOptional(plain: string | undefined | null): string | null {
    return plain === undefined || plain === null || plain === '' ? null : this.encrypt(plain);
  }

  /** Keyed hashes of a normalised value under every key, to find a record without decrypting it. */
  lookupHashes(value: string): string[] {
    const normal = value
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    return [...this.keys.values()].map((key) =>
      createHmac('sha256', key).update(`lookup:${normal}`).digest('hex'),
    );
  }

  lookupHash(value: string): string {
    return this.lookupHashes(value)[0]!;
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
