import { isIP } from 'node:net';
import { z } from 'zod';
import { identityKeyPattern } from './domain/identity-key';

const portNumber = 'a port number from 0 to 65535 (0 takes any free port)';
const port = z.coerce.number({ error: portNumber }).int(portNumber).min(0, portNumber).max(65535, portNumber);

const databaseUrl = z
  .string()
  .refine(
    (url) => /^postgres(ql)?:\/\/\S+$/.test(url) || /^file:\S+$/.test(url),
    'a postgresql:// URL, or file:<path> for SQLite (e.g. file:./data/metbot.db)',
  );

const dataKey = z
  .string()
  .refine((key) => Buffer.from(key, 'base64').length === 32, '32 bytes in base64 (openssl rand -base64 32)');

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.join(', ')}` });

const hours = z.coerce.number({ error: 'a number of hours' }).positive('a number of hours above 0');

/** A comma-separated list, each item trimmed, empty items dropped. */
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const adminForm =
  'a comma-separated list of platform:workspace:user, e.g. slack:T0123ABCD:U0123ABCD, ' +
  'teams:<tenant id>:<Entra object id> or console:local:<--user id> (a bare user id names no workspace)';

export const ConfigSchema = z
  .object({
    /** Production unless it says development or test, so that every guard fails closed. */
    NODE_ENV: oneOf(['development', 'test', 'production']).default('production'),
    PORT: port.default(3978),
    /** Loopback outside production; every address in production. */
    HOST: z.string().min(1).optional(),
    /**
     * The proxies in front whose X-Forwarded-For is believed, as Express's "trust proxy" takes
     * them: a number of hops, or addresses, subnets and names (loopback, uniquelocal). Unset, the
     * caller is the connection's address, so behind an ingress every caller shares its limits.
     */
    TRUST_PROXY: z
      .string()
      .trim()
      .refine((value) => !/^(true|\*)$/i.test(value), {
        error: 'name the proxies (e.g. 1, or uniquelocal): "true" would believe any caller',
      })
      .refine((value) => /^\d+$/.test(value) || value.split(',').every(isProxyName), {
        error: 'a number of hops, or addresses, subnets (10.0.0.0/8) and loopback, linklocal, uniquelocal',
      })
      .transform((value) => (/^\d+$/.test(value) ? Number(value) : value))
      .optional(),
    DATABASE_URL: databaseUrl.default('file:./data/metbot.db'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATA_KEY: dataKey.optional(),
    DATA_KEYS_RETIRED: z
      .string()
      .optional()
      .transform((value) => (value ? value.split(',').map((key) => key.trim()) : []))
      .pipe(z.array(dataKey)),
    /**
     * After `keys rotate`: `refuse` opens only values sealed under the current key (no clear text
     * from before, no v1 form, nothing under a retired key) and refuses to start while any remain.
     */
    SEALED_LEGACY: oneOf(['accept', 'refuse']).default('accept'),
    LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DRAFT_EXPIRY_HOURS: hours.default(24),
    /** Whole years a child's records are kept after their 18th birthday, then deleted by a daily timer. */
    RETENTION_RECORD_YEARS_AFTER_18: z.coerce
      .number({ error: 'a whole number of years' })
      .int('a whole number of years')
      .min(0, 'at least 0')
      .default(6),
    /**
     * Whole years a report naming no child (a place, vehicle or person of concern) is kept after it
     * was made, then deleted by the same timer (docs/operations.md says why 6).
     */
    RETENTION_NO_CHILD_YEARS: z.coerce
      .number({ error: 'a whole number of years' })
      .int('a whole number of years')
      .min(1, 'at least 1')
      .default(6),
    PUBLIC_URL: z.url({ error: 'a URL such as https://metbot.example.org' }).optional(),
    /** Open for every workspace (practitioner), or only the lists below (off); open in development. */
    ENROL_NEW_USERS: oneOf(['practitioner', 'off']).optional(),
    ENROL_SLACK_TEAMS: list,
    // Entra ids are GUIDs that Teams sends in lower case; lower-casing them here (as
    // TEAMS_ALLOWED_TENANTS does) forgives one copied from a page that shows capitals.
    ENROL_TEAMS_TENANTS: list.transform((tenants) => tenants.map((tenant) => tenant.toLowerCase())),
    /** Identity keys (src/domain/identity-key.ts) of the people who are admins on every start-up. */
    METBOT_ADMINS: list
      .pipe(z.array(z.string().regex(identityKeyPattern, adminForm)))
      .transform((keys) => new Set(keys.map((key) => (key.startsWith('teams:') ? key.toLowerCase() : key)))),
    REPEAT_MISSING_THRESHOLD: z.coerce
      .number({ error: 'a whole number' })
      .int('a whole number')
      .min(2, 'at least 2')
      .default(3),
    REPEAT_MISSING_DAYS: z.coerce
      .number({ error: 'a whole number of days' })
      .int('a whole number of days')
      .min(1, 'at least 1')
      .default(90),
    /** Days after a declined (or not yet taken up) return interview offer before the interviewer is reminded to offer again. */
    INTERVIEW_REOFFER_DAYS: z.coerce
      .number({ error: 'a whole number of days' })
      .int('a whole number of days')
      .min(1, 'at least 1')
      .default(3),
    /** Days an admin's proposal of a role that sees children's details waits for a MET member's confirmation. */
    ROLE_PROPOSAL_DAYS: z.coerce
      .number({ error: 'a whole number of days' })
      .int('a whole number of days')
      .min(1, 'at least 1')
      .max(90, 'at most 90')
      .default(7),
    /** How far back a vehicle, phone, handle, postcode or nickname links reports about different children. */
    LINK_WINDOW_DAYS: z.coerce
      .number({ error: 'a whole number of days' })
      .int('a whole number of days')
      .min(1, 'at least 1')
      .default(90),
  })
  .transform((config) => {
    const development = config.NODE_ENV === 'development';
    return {
      ...config,
      HOST: config.HOST ?? (config.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
      // A local trial lets in whoever talks to it; anywhere else only the named workspaces.
      ENROL_NEW_USERS: config.ENROL_NEW_USERS ?? (development ? 'practitioner' : 'off'),
    };
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** True for an address only this machine can reach: 127.0.0.0/8 or ::1 (a name could resolve elsewhere). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

// Case-insensitive: the Bot Framework's own names are MicrosoftAppPassword and the like.
const secret = /KEY|SECRET|PASSWORD|TOKEN/i;

/** A value as an error may show it: a URL's password (scheme://user:password@host) as ***. */
export function masked(value: string): string {
  const scheme = value.indexOf('://');
  const at = value.lastIndexOf('@');
  const colon = value.indexOf(':', scheme + 3);
  // Up to the last @, not the first: a password that is not URL-encoded may hold @ or /.
  if (scheme < 0 || colon < 0 || colon > at) return value;
  return `${value.slice(0, colon + 1)}***${value.slice(at)}`;
}

/** Reads the environment; a wrong value throws one line naming the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseSettings(ConfigSchema, env);
}

/** The same, for any group of settings (each adapter declares its own). */
export function parseSettings<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const shown = name in set && !secret.test(name) ? ` (it is "${masked(String(set[name]))}")` : '';
    return name ? `${name} must be ${issue.message}${shown}` : issue.message;
  });
  throw new ConfigError(`Invalid setting: ${problems.join('; ')}`);
}

/** One item of TRUST_PROXY's list, as Express's proxy-addr takes it. */
function isProxyName(item: string): boolean {
  const [address = '', prefix, extra] = item.trim().split('/');
  if (extra !== undefined) return false;
  if (prefix === undefined && ['loopback', 'linklocal', 'uniquelocal'].includes(address)) return true;
  const family = isIP(address);
  if (!family) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
