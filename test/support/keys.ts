import { randomBytes } from 'node:crypto';
import { FieldCipher } from '../../src/store/field-crypto';

export const testCipher = () => new FieldCipher(randomBytes(32));

/** An outbox row with its sealed last error opened, to assert on as text. */
export function withOpenedError<T extends { id: string; lastError: string | null }>(
  cipher: FieldCipher,
  row: T,
): T {
  return { ...row, lastError: cipher.openOptional('OutboxMessage', 'lastError', row.id, row.lastError) };
}

/** The audit key this test file's events are sealed with (test/support/audit-keyring.setup.ts). */
export const testAuditKey = (): string => process.env.METBOT_TEST_AUDIT_KEY ?? '';
