import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Config, ConfigError, parseSettings } from '../config';
import { type AuditKeyring, auditKeyring } from '../store/audit-key';
import { developmentKeyFile } from '../store/data-key';

const key32 = z
  .string()
  .refine((key) => Buffer.from(key, 'base64').length === 32, '32 bytes in base64 (openssl rand -base64 32)');

export const AuditSettingsSchema = z.object({
  /** The key the audit chain is sealed with; derived from DATA_KEY (HKDF) when unset. */
  AUDIT_KEY: key32.optional(),
  AUDIT_KEYS_RETIRED: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((key) => key.trim()) : []))
    .pipe(z.array(key32)),
  /** What start-up does when the last stretch of the chain does not verify. */
  AUDIT_START_CHECK: z.enum(['refuse', 'warn', 'off'], { error: 'one of refuse, warn, off' }).optional(),
  /** How many of the latest events start-up checks. */
  AUDIT_START_CHECK_EVENTS: z.coerce
    .number({ error: 'a whole number of events' })
    .int('a whole number of events')
    .min(1, 'at least 1')
    .default(1000),
  /** Where signed checkpoints are written (one file each, and latest.json). */
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_HOURS: z.coerce
    .number({ error: 'a number of hours' })
    .positive('a number of hours above 0')
    .default(24),
});

export type AuditSettings = z.infer<typeof AuditSettingsSchema> & {
  AUDIT_START_CHECK: 'refuse' | 'warn' | 'off';
};

/** Refuse in production by default: a chain that does not verify is a sign someone wrote to the database. */
export function readAuditSettings(env: NodeJS.ProcessEnv, config: Pick<Config, 'NODE_ENV'>): AuditSettings {
  const settings = parseSettings(AuditSettingsSchema, env);
  return {
    ...settings,
    AUDIT_START_CHECK: settings.AUDIT_START_CHECK ?? (config.NODE_ENV === 'production' ? 'refuse' : 'warn'),
  };
}

const fromBase64 = (key: string) => Buffer.from(key, 'base64');

/**
 * The audit keyring from the settings: AUDIT_KEY, else derived from DATA_KEY, else (development
 * only) from the development data key this machine keeps. Call after loadFieldCipher, which makes
 * that key on first use.
 */
export function loadAuditKeyring(
  config: Pick<Config, 'NODE_ENV' | 'DATA_KEY' | 'DATA_KEYS_RETIRED'>,
  env: NodeJS.ProcessEnv,
): AuditKeyring {
  const settings = parseSettings(AuditSettingsSchema, env);
  let dataKey = config.DATA_KEY ? fromBase64(config.DATA_KEY) : undefined;
  if (!dataKey && !settings.AUDIT_KEY && config.NODE_ENV === 'development') {
    const file = developmentKeyFile(env);
    if (existsSync(file)) dataKey = fromBase64(readFileSync(file, 'utf8').trim());
  }
  if (!dataKey && !settings.AUDIT_KEY) {
    throw new ConfigError(
      'Invalid setting: AUDIT_KEY or DATA_KEY must be set: the audit chain is sealed with a key kept outside the database',
    );
  }
  return auditKeyring({
    auditKey: settings.AUDIT_KEY ? fromBase64(settings.AUDIT_KEY) : undefined,
    auditKeysRetired: settings.AUDIT_KEYS_RETIRED.map(fromBase64),
    dataKey,
    dataKeysRetired: config.DATA_KEYS_RETIRED.map(fromBase64),
  });
}
