import { createHmac, hkdfSync } from 'node:crypto';
import type { FieldCipher } from '../store/field-crypto';

const INFO = 'metbot blind index v1';

/**
 * Keyed blind indexes for the intelligence picture: an HMAC-SHA256 of an index term under a key
 * derived (HKDF-SHA256) from the data key for this purpose only, so the index key is not the
 * key that encrypts, and an index leaks nothing without it. Truncated to 128 bits.
 */
export class BlindIndex {
  private readonly key: Buffer;

  constructor(dataKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), INFO, 32));
  }

  /**
   * From the cipher's current data key. FieldCipher does not yet expose purpose keys (they are
   * being added there); until then the current key is read here, in this one place.
   */
  static fromCipher(cipher: FieldCipher): BlindIndex {
    return new BlindIndex((cipher as unknown as { current: { key: Buffer } }).current.key);
  }

  term(term: string): string {
    return createHmac('sha256', this.key).update(term, 'utf8').digest('base64url').slice(0, 22);
  }
}
