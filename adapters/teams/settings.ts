import { z } from 'zod';
import { ConfigError, parseSettings } from '../../src/config';

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
  TEAMS_ENABLED: z.enum(['true', 'false'], { error: 'true or false' }).optional(),
});

export interface TeamsSettings {
  /** Empty when running unauthenticated (the Bot Framework Emulator, local use). */
  appId: string;
  authenticated: boolean;
  /** What ConfigurationBotFrameworkAuthentication is given. */
  auth: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType: string;
    MicrosoftAppTenantId?: string;
  };
  /** Lower-case tenant ids; empty means every tenant. */
  allowedTenants: string[];
}

export type TeamsSettingsResult = { on: true; settings: TeamsSettings } | { on: false; why: string };

/** Reads the Teams settings; throws ConfigError with one clear line when they do not fit together. */
export function readTeamsSettings(env: NodeJS.ProcessEnv, nodeEnv: string): TeamsSettingsResult {
  const parsed = parseSettings(TeamsSettingsSchema, env);
  const appId = parsed.MicrosoftAppId ?? '';
  if (!appId && parsed.TEAMS_ENABLED !== 'true') {
    return {
      on: false,
      why: 'set MicrosoftAppId (and MicrosoftAppPassword), or TEAMS_ENABLED=true to try it unauthenticated',
    };
  }
  if (!appId && nodeEnv === 'production') {
    throw new ConfigError(
      'Invalid setting: TEAMS_ENABLED=true without MicrosoftAppId would take unchecked requests; ' +
        'in production set MicrosoftAppId and MicrosoftAppPassword',
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
