import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from '../../src/store/field-crypto';

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
