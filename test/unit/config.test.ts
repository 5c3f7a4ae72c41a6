import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('gives the defaults with nothing set: production, every address, nobody enrolled', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3978);
    expect(config.DATABASE_URL).toBe('file:./data/metbot.db');
    expect(config.NODE_ENV).toBe('production');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.ENROL_NEW_USERS).toBe('off');
  });

  it('keeps a local trial local and open: development listens on loopback and enrols everyone', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.ENROL_NEW_USERS).toBe('practitioner');
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ HOST: '127.0.0.1', ENROL_NEW_USERS: 'off' });
    expect(loadConfig({ NODE_ENV: 'development', ENROL_NEW_USERS: 'off' }).ENROL_NEW_USERS).toBe('off');
  });

  it('reads the enrolment lists and METBOT_ADMINS as platform:workspace:user', () => {
    const config = loadConfig({
      ENROL_SLACK_TEAMS: 'T0AAAA, T0BBBB',
      ENROL_TEAMS_TENANTS: 'Tenant-Example-1',
      METBOT_ADMINS: 'slack:T0AAAA:U0ADMIN, teams:TENANT-example-1:AAD-admin,console:local:mo',
    });
    expect(config.ENROL_SLACK_TEAMS).toEqual(['T0AAAA', 'T0BBBB']);
    expect(config.ENROL_TEAMS_TENANTS).toEqual(['tenant-example-1']);
    expect([...config.METBOT_ADMINS]).toEqual([
      'slack:T0AAAA:U0ADMIN',
      'teams:tenant-example-1:aad-admin',
      'console:local:mo',
    ]);
  });

  it.each(['U0ADMIN', 'slack:U0ADMIN', 'webchat:x:U0ADMIN', 'slack::U0ADMIN'])(
    'refuses METBOT_ADMINS=%s, explaining the platform:workspace:user form',
    (admins) => {
      expect(() => loadConfig({ METBOT_ADMINS: `slack:T0AAAA:U0OK,${admins}` })).toThrow(
        /METBOT_ADMINS must be a comma-separated list of platform:workspace:user, e.g. slack:T0123ABCD:U0123ABCD/,
      );
    },
  );

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number from 0 to 65535 (0 takes any free port) (it is "abc")'],
    [{ PORT: '70000' }, 'PORT must be a port number from 0 to 65535 (0 takes any free port) (it is "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgresql:// URL, or file:<path> for SQLite'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ DATA_KEY: 'c2hvcnQ=' }, 'DATA_KEY must be 32 bytes in base64'],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ DATA_KEY: 'not-a-key' })).toThrow(/DATA_KEY must be 32 bytes in base64/);
    expect(() => loadConfig({ DATA_KEY: 'not-a-key' })).not.toThrow(/not-a-key/);
  });

  it('accepts PostgreSQL URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d' }).DATABASE_URL).toBe('postgres://u@h:5432/d');
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/d' }).DATABASE_URL).toBe('postgresql://h/d');
  });
});
