import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config';
import { ConfigError } from '../config';
import type { Logger } from '../logger';
import { FieldCipher, type SealedLegacy } from './field-crypto';

/**
 * Where a development data key is kept: the user's configuration directory, never the data
 * directory. A copy of ./data (a backup, a zip sent for help, a disk image) must not carry the
 * key that opens it, and `rm -rf data` must not leave a key that no longer matches anything.
 */
export function developmentKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'metbot', 'data.key');
}

/**
 * The data key comes from DATA_KEY. Only in development, with none set, is one made once for
 * this machine's user (mode 0600, in a 0700 directory), so that a first `npm start` needs
 * nothing else. Anywhere else start-up stops without DATA_KEY.
 */
export function loadFieldCipher(
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  /** `keys rotate` opens what it seals again, whatever SEALED_LEGACY says. */
  legacy: SealedLegacy = config.SEALED_LEGACY,
): FieldCipher {
  const retired = config.DATA_KEYS_RETIRED.map((key) => Buffer.from(key, 'base64'));
  if (config.DATA_KEY) return new FieldCipher(Buffer.from(config.DATA_KEY, 'base64'), retired, { legacy });
  if (config.NODE_ENV !== 'development') {
    throw new ConfigError(
      `Invalid setting: DATA_KEY must be set when NODE_ENV=${config.NODE_ENV} (openssl rand -base64 32); ` +
        'only NODE_ENV=development makes a key of its own',
    );
  }
  const file = developmentKeyFile(env);
  // Earlier versions kept the key beside the database: it is moved out, so what it encrypted still opens.
  const beside = join(config.DATA_DIR, 'data.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const moved = existsSync(beside);
    const key = moved ? readFileSync(beside, 'utf8') : randomBytes(32).toString('base64');
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    if (moved) unlinkSync(beside);
    log.warn(
      { file },
      moved
        ? `DATA_KEY is not set: moved the development data key out of ${config.DATA_DIR}. Set DATA_KEY before real use.`
        : 'DATA_KEY is not set: made a development data key for this machine. Set DATA_KEY before real use.',
    );
  } else {
    log.warn({ file }, 'DATA_KEY is not set: using the development data key made earlier on this machine.');
  }
  return new FieldCipher(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), retired, { legacy });
}
