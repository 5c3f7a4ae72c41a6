import { createHash, createHmac, hkdfSync } from 'node:crypto';

/**
 * The key the audit chain is sealed with. It lives outside the database (AUDIT_KEY, or derived
 * from DATA_KEY), so someone who can write to the database but does not hold the key cannot
 * rewrite, cut or reorder the chain and make it verify again.
 */
export interface AuditKey {
  /** Recorded on each event, so that a chain sealed under an earlier key can still be checked. */
  id: string;
  key: Buffer;
}

export interface AuditKeyring {
  current: AuditKey;
  /** Every key, current and retired, by id. */
  byId: Map<string, AuditKey>;
}

/** HKDF-SHA256 of a 32-byte secret for one purpose; the info string names the purpose. */
export function deriveKey(secret: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
}

/** The info string for the audit key derived from DATA_KEY, when AUDIT_KEY is not set. */
export const AUDIT_KEY_INFO = 'metbot audit chain hmac v1';
const CHECKPOINT_KEY_INFO = 'metbot audit checkpoint hmac v1';

/** A short id that names a key without revealing it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('metbot audit key id\0').update(key).digest('hex').slice(0, 12);
}

export function auditKeyFrom(key: Buffer): AuditKey {
  return { id: keyIdOf(key), key };
}

/** AUDIT_KEY when set; otherwise derived from DATA_KEY (and each retired key from its data key). */
export function auditKeyring(settings: {
  auditKey?: Buffer;
  auditKeysRetired?: Buffer[];
  dataKey?: Buffer;
  dataKeysRetired?: Buffer[];
}): AuditKeyring {
  const fromData = (key: Buffer) => auditKeyFrom(deriveKey(key, AUDIT_KEY_INFO));
  const current = settings.auditKey
    ? auditKeyFrom(settings.auditKey)
    : settings.dataKey
      ? fromData(settings.dataKey)
      : undefined;
  if (!current) throw new Error('An audit key needs AUDIT_KEY or DATA_KEY');
  const all = [
    current,
    ...(settings.auditKeysRetired ?? []).map(auditKeyFrom),
    ...(settings.dataKeysRetired ?? []).map(fromData),
    // A chain sealed under the key derived from DATA_KEY stays checkable after AUDIT_KEY is set.
    ...(settings.auditKey && settings.dataKey ? [fromData(settings.dataKey)] : []),
  ];
  return { current, byId: new Map(all.map((key) => [key.id, key])) };
}

let installed: AuditKeyring | undefined;

/**
 * Sets the keyring every audit write and check uses in this process. The server and the admin
 * command install it from their settings before they touch the database; tests install one of theirs.
 */
export function useAuditKeyring(keyring: AuditKeyring): void {
  // Keys installed earlier in this process still verify what they sealed.
  installed = { current: keyring.current, byId: new Map([...(installed?.byId ?? []), ...keyring.byId]) };
}

export function installedAuditKeyring(): AuditKeyring {
  if (!installed) {
    throw new Error('No audit key is set up: call useAuditKeyring() first (main.ts and admin.ts do)');
  }
  return installed;
}

export function hmacHex(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Checkpoints are signed with a key of their own, derived from the audit key. */
export function checkpointKey(key: AuditKey): Buffer {
  return deriveKey(key.key, CHECKPOINT_KEY_INFO);
}
