import { z } from 'zod';
import { type Config, ConfigError, isLoopbackHost, parseSettings } from '../../src/config';

/** The settings use the names Azure Bot Service and the Bot Framework SDK use. */
const TeamsSettingsSchema = z.object({
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      error: 'one of MultiTenant, SingleTenant, UserAssignedMSI',
    })
    .default('MultiTenant'),
  MicrosoftAppTenantId: z.string().trim().optional(),
  TEAMS_ALLOWED_TENANTS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((tenant) => tenant.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** For a local trial with no app id: requests are not checked, so only on loopback, never in production. */
  TEAMS_UNAUTHENTICATED_LOCAL: z.enum(['true', 'false'], { error: 'true or false' }).optional(),
  /** The old name of the flag above, which allowed any address: refused, so nobody keeps it by mistake. */
  TEAMS_ENABLED: z.string().optional(),
});

export interface TeamsSettings {
  /** Empty when running unauthenticated (a local trial on loopback). */
  appId: string;
  authenticated: boolean;
  /** What ConfigurationBotFrameworkAuthentication is given. */
  auth: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType: string;
    MicrosoftAppTenantId?: string;
  };
  /** Lower-case tenant ids; empty means every tenant (never in production). */
  allowedTenants: string[];
}

export type TeamsSettingsResult = { on: true; settings: TeamsSettings } | { on: false; why: string };

/** Reads the Teams settings; throws ConfigError with one clear line when they do not fit together. */
export function readTeamsSettings(
  env: NodeJS.ProcessEnv,
  config: Pick<Config, 'NODE_ENV' | 'HOST'>,
): TeamsSettingsResult {
  const parsed = parseSettings(TeamsSettingsSchema, env);
  if (parsed.TEAMS_ENABLED !== undefined) {
    throw new ConfigError(
      'Invalid setting: TEAMS_ENABLED is no longer read; set MicrosoftAppId and MicrosoftAppPassword, ' +
        'or for a local trial TEAMS_UNAUTHENTICATED_LOCAL=true (development, loopback HOST only)',
    );
  }
  const appId = parsed.MicrosoftAppId ?? '';
  if (!appId && parsed.TEAMS_UNAUTHENTICATED_LOCAL !== 'true') {
    return {
      on: false,
      why: 'set MicrosoftAppId and MicrosoftAppPassword, or TEAMS_UNAUTHENTICATED_LOCAL=true for a local trial',
    };
  }
  if (!appId && config.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid setting: TEAMS_UNAUTHENTICATED_LOCAL=true takes unchecked requests and is refused when ' +
        'NODE_ENV=production; set MicrosoftAppId and MicrosoftAppPassword',
    );
  }
  if (!appId && !isLoopbackHost(config.HOST)) {
    throw new ConfigError(
      `Invalid setting: TEAMS_UNAUTHENTICATED_LOCAL=true takes unchecked requests, so HOST must be a loopback ` +
        `address such as 127.0.0.1 (it is "${config.HOST}"); or set MicrosoftAppId and MicrosoftAppPassword`,
    );
  }
  if (config.NODE_ENV === 'production' && parsed.TEAMS_ALLOWED_TENANTS.length === 0) {
    throw new ConfigError(
      'Invalid setting: TEAMS_ALLOWED_TENANTS must list the tenant ids metbot answers when NODE_ENV=production',
    );
  }
  if (appId) {
    const type = parsed.MicrosoftAppType;
    if (type !== 'UserAssignedMSI' && !parsed.MicrosoftAppPassword) {
      throw new ConfigError(
        'Invalid setting: MicrosoftAppPassword must be set with MicrosoftAppId (the client secret)',
      );
    }
    if (type !== 'MultiTenant' && !parsed.MicrosoftAppTenantId) {
      throw new ConfigError(
        `Invalid setting: MicrosoftAppTenantId must be set when MicrosoftAppType=${type}`,
      );
    }
  }
  return {
    on: true,
    settings: {
      appId,
      authenticated: appId !== '',
      auth: appId
        ? {
            MicrosoftAppId: appId,
            MicrosoftAppPassword: parsed.MicrosoftAppPassword,
            MicrosoftAppType: parsed.MicrosoftAppType,
            MicrosoftAppTenantId: parsed.MicrosoftAppTenantId,
          }
        : { MicrosoftAppType: parsed.MicrosoftAppType },
      allowedTenants: parsed.TEAMS_ALLOWED_TENANTS,
    },
  };
}
