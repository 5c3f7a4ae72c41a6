import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../../src/store/field-crypto';

export const testCipher = () => new FieldCipher(randomBytes(32));
