import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLIND_INDEX_PURPOSE, BlindIndex } from '../../src/links/blind-index';
import { FieldCipher, SealedValueError } from '../../src/store/field-crypto';

describe('FieldCipher', () => {
  const name = 'Testchild Examplename';

  it('round-trips a value and hides the plaintext', () => {
    const cipher = new FieldCipher(randomBytes(32));
    const stored = cipher.encrypt(name);
    expect(stored).not.toContain('Testchild');
    expect(Buffer.from(stored).includes(Buffer.from(name))).toBe(false);
    expect(cipher.decrypt(stored)).toBe(name);
  });

  it('gives a different ciphertext each time', () => {
    const cipher = new FieldCipher(randomBytes(32));
    expect(cipher.encrypt(name)).not.toBe(cipher.encrypt(name));
  });

  it('opens values written under a retired key after rotation', () => {
    const oldKey = randomBytes(32);
    const stored = new FieldCipher(oldKey).encrypt(name);
    const rotated = new FieldCipher(randomBytes(32), [oldKey]);
    expect(rotated.decrypt(stored)).toBe(name);
    expect(rotated.encrypt(name).split('.')[1]).not.toBe(stored.split('.')[1]);
  });

  it('refuses a value whose key is gone or whose bytes were changed', () => {
    const cipher = new FieldCipher(randomBytes(32));
    const stored = cipher.encrypt(name);
    expect(() => new FieldCipher(randomBytes(32)).decrypt(stored)).toThrow(/No data key/);
    const parts = stored.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('finds the same value under any spelling of case and spacing', () => {
    const cipher = new FieldCipher(randomBytes(32));
    expect(cipher.lookupHash('  testchild   EXAMPLENAME ')).toBe(cipher.lookupHash(name));
  });
});

describe('FieldCipher v2: bound to table, column and row, under derived keys (issue 17)', () => {
  const name = 'Testchild Examplename';

  it('opens a sealed value only in the table, column and row it was sealed for', () => {
    const cipher = new FieldCipher(randomBytes(32));
    const stored = cipher.seal('Person', 'nameEnc', 'row-1', name);
    expect(stored.startsWith(`v2.${cipher.keyId}.`)).toBe(true);
    expect(cipher.open('Person', 'nameEnc', 'row-1', stored)).toBe(name);
    for (const [table, column, id] of [
      ['Person', 'nameEnc', 'row-2'],
      ['Person', 'dateOfBirthEnc', 'row-1'],
      ['Record', 'nameEnc', 'row-1'],
    ] as const) {
      expect(() => cipher.open(table, column, id, stored)).toThrow(SealedValueError);
    }
    const error = (() => {
      try {
        cipher.open('Person', 'nameEnc', 'row-2', stored);
      } catch (caught) {
        return caught as SealedValueError;
      }
    })();
    // The HTTP error handlers read these: 409, never a 500; and the message names no value.
    expect(error).toMatchObject({ status: 409, type: 'sealed.mismatch' });
    expect(error!.message).not.toContain('Testchild');
  });

  it('does not encrypt under the data key itself, and keeps the look-up key apart from it', () => {
    const key = randomBytes(32);
    const cipher = new FieldCipher(key);
    const stored = cipher.seal('Person', 'nameEnc', 'row-1', name);
    // The unbound v1 form under the raw key cannot open it, whatever it is called.
    expect(() => cipher.decrypt(stored.replace(/^v2\./, 'v1.'))).toThrow();
    const raw = createHmac('sha256', key).update(`lookup:testchild examplename`).digest('hex');
    expect(cipher.lookupHash(name)).not.toBe(raw);
    // Hashes written before v2 still find the child until keys rotate rewrites them.
    expect(cipher.lookupHashes(name)).toContain(raw);
    expect(cipher.lookupHashes(name)[0]).toBe(cipher.lookupHash(name));
  });

  it('still opens unbound v1 values, and plain text only in the columns that held it before', () => {
    const key = randomBytes(32);
    const cipher = new FieldCipher(key);
    const old = cipher.encrypt(name);
    expect(cipher.open('Person', 'nameEnc', 'any-row', old)).toBe(name);
    expect(cipher.open('MetLevelChange', 'reason', 'row-1', 'Risk reduced')).toBe('Risk reduced');
    expect(() => cipher.open('Person', 'nameEnc', 'row-1', 'Testchild Plain')).toThrow(SealedValueError);
  });

  it('opens values of a retired key, and says which key is current', () => {
    const oldKey = randomBytes(32);
    const before = new FieldCipher(oldKey);
    const stored = before.seal('Record', 'dataEnc', 'r1', '{}');
    const rotated = new FieldCipher(randomBytes(32), [oldKey]);
    expect(rotated.open('Record', 'dataEnc', 'r1', stored)).toBe('{}');
    expect(rotated.isCurrent(stored)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('Record', 'dataEnc', 'r1', '{}'))).toBe(true);
    expect(rotated.retiredKeyIds).toEqual([before.keyId]);
    expect(() => new FieldCipher(randomBytes(32)).open('Record', 'dataEnc', 'r1', stored)).toThrow(
      /no data key/,
    );
  });

  it('derives a key per purpose: the blind index keeps the key it had before purpose keys existed', () => {
    const key = randomBytes(32);
    const cipher = new FieldCipher(key);
    const before = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'metbot blind index v1', 32));
    expect(cipher.purposeKey(BLIND_INDEX_PURPOSE).equals(before)).toBe(true);
    expect(BlindIndex.fromCipher(cipher).term('tel:07700900123')).toBe(
      new BlindIndex(before).term('tel:07700900123'),
    );
    expect(cipher.purposeKey('audit').equals(cipher.purposeKey('other'))).toBe(false);
    expect(() => cipher.purposeKey('field encryption v2')).toThrow();
  });
});
