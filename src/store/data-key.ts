import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { ConfigError } from '../config';
import type { Logger } from '../logger';
import { FieldCipher } from './field-crypto';

/**
 * The data key comes from DATA_KEY. Outside production, with none set, one is made once and
 * kept in the data directory (mode 0600) so that a first `npm start` needs nothing else.
 */
export function loadFieldCipher(config: Config, log: Logger): FieldCipher {
  const retired = config.DATA_KEYS_RETIRED.map((key) => Buffer.from(key, 'base64'));
  if (config.DATA_KEY) return new FieldCipher(Buffer.from(config.DATA_KEY, 'base64'), retired);
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('Invalid setting: DATA_KEY must be set in production (openssl rand -base64 32)');
  }
  const file = join(config.DATA_DIR, 'data.key');
  if (!existsSync(file)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    log.warn(
      { file },
      'DATA_KEY is not set: made a data key for this machine. Set DATA_KEY before real use.',
    );
  } else {
    log.warn({ file }, 'DATA_KEY is not set: using the data key made earlier on this machine.');
  }
  return new FieldCipher(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), retired);
}
