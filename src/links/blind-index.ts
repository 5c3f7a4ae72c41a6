import { createHmac } from 'node:crypto';
import type { FieldCipher } from '../store/field-crypto';

/** The purpose the index key is derived for: the same key as before purpose keys existed. */
export const BLIND_INDEX_PURPOSE = 'blind index v1';

/**
 * Keyed blind indexes for the intelligence picture: an HMAC-SHA256 of an index term under a key
 * derived (HKDF-SHA256) from the data key for this purpose only, so the index key is not the
 * key that encrypts, and an index leaks nothing without it. Truncated to 128 bits.
 */
export class BlindIndex {
  constructor(private readonly key: Buffer) {}

  /** Under the cipher's current data key; `keys rotate` rebuilds the stored terms after a rotation. */
  static fromCipher(cipher: FieldCipher): BlindIndex {
    return new BlindIndex(cipher.purposeKey(BLIND_INDEX_PURPOSE));
  }

  term(term: string): string {
    return createHmac('sha256', this.key).update(term, 'utf8').digest('base64url').slice(0, 22);
  }
}
