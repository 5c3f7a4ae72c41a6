import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { loadFieldCipher } from '../../src/store/data-key';

const log = createLogger('silent');

function places() {
  const dataDir = mkdtempSync(join(tmpdir(), 'metbot-data-'));
  const configHome = mkdtempSync(join(tmpdir(), 'metbot-home-'));
  return { dataDir, configHome, keyFile: join(configHome, 'metbot', 'data.key') };
}

describe('the data key', () => {
  it.each(['production', 'test'])('must be set when NODE_ENV=%s: nothing is made', (nodeEnv) => {
    const { dataDir, configHome, keyFile } = places();
    const config = loadConfig({ NODE_ENV: nodeEnv, DATA_DIR: dataDir });
    expect(() => loadFieldCipher(config, log, { XDG_CONFIG_HOME: configHome })).toThrow(
      `DATA_KEY must be set when NODE_ENV=${nodeEnv}`,
    );
    expect(existsSync(keyFile)).toBe(false);
  });

  it('is made once in development, for the user (0600), outside the data directory', () => {
    const { dataDir, configHome, keyFile } = places();
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const sealed = loadFieldCipher(config, log, { XDG_CONFIG_HOME: configHome }).encrypt('Example Child');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'metbot')).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'data.key'))).toBe(false);
    expect(loadFieldCipher(config, log, { XDG_CONFIG_HOME: configHome }).decrypt(sealed)).toBe(
      'Example Child',
    );
  });

  it('is moved out of the data directory where earlier versions kept it, and still opens what it sealed', () => {
    const { dataDir, configHome, keyFile } = places();
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const oldKey = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(join(dataDir, 'data.key'), oldKey, { mode: 0o600 });
    loadFieldCipher(config, log, { XDG_CONFIG_HOME: configHome });
    expect(existsSync(join(dataDir, 'data.key'))).toBe(false);
    expect(readFileSync(keyFile, 'utf8')).toBe(oldKey);
  });
});
