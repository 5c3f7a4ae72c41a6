import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../../src/store/field-crypto';

export const testCipher = () => new FieldCipher(randomBytes(32));

/** The audit key this test file's events are sealed with (test/support/audit-keyring.setup.ts). */
export const testAuditKey = (): string => process.env.METBOT_TEST_AUDIT_KEY ?? '';
