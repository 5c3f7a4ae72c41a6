import { z } from 'zod';

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

export const ConfigSchema = z.object({
  NODE_ENV: oneOf(['development', 'test', 'production']).default('development'),
  PORT: port.default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: databaseUrl.default('file:./data/metbot.db'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATA_KEY: dataKey.optional(),
  DATA_KEYS_RETIRED: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((key) => key.trim()) : []))
    .pipe(z.array(dataKey)),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DRAFT_EXPIRY_HOURS: hours.default(24),
  PUBLIC_URL: z.url({ error: 'a URL such as https://metbot.example.org' }).optional(),
  ENROL_NEW_USERS: oneOf(['practitioner', 'off']).default('practitioner'),
  METBOT_ADMINS: z
    .string()
    .optional()
    .transform(
      (value) =>
        new Set(
          (value ?? '')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
    ),
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
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

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
