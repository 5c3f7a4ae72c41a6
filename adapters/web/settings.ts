import { z } from 'zod';
import { isLoopbackHost, parseSettings } from '../../src/config';
import { RateLimitSettingsSchema } from '../../src/ops/rate-limit';

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), 'an http:// or https:// address')
  .transform((value) => value.replace(/\/+$/, ''));

/** An address the server itself fetches from: https, or http only to this machine (127.0.0.0/8, ::1). */
const fetchedUrl = httpUrl.refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}, 'an https:// address (http:// only on a loopback address: 127.0.0.1 or [::1])');

const DashboardSettingsSchema = z.object({
  DASHBOARD_SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'a whole number of minutes' })
    .int('a whole number of minutes')
    .min(1, 'at least 1')
    .max(720, 'at most 720')
    .default(30),
  PUBLIC_URL: httpUrl.optional(),
  // Teams single sign-on: the bot's app id, and where Microsoft publishes its signing keys.
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppTenantId: z.string().trim().optional(),
  TEAMS_ALLOWED_TENANTS: z.string().optional(),
  TEAMS_SSO_JWKS_URL: fetchedUrl.default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
});

export interface DashboardSettings {
  idleMinutes: number;
  /** The address people reach the bot at, for links; absent, links cannot be sent in chat. */
  publicUrl?: string;
  sso?: { appId: string; tenants: string[]; jwksUrl: string };
  /** Sign-in attempts (a link opened or redeemed, a Teams tab sign-in) from one address a minute. */
  signInPerMinute?: number;
}

export function readDashboardSettings(env: NodeJS.ProcessEnv): DashboardSettings {
  const parsed = parseSettings(DashboardSettingsSchema, env);
  const tenants = [parsed.MicrosoftAppTenantId ?? '', ...(parsed.TEAMS_ALLOWED_TENANTS ?? '').split(',')]
    .map((tenant) => tenant.trim().toLowerCase())
    .filter(Boolean);
  return {
    idleMinutes: parsed.DASHBOARD_SESSION_IDLE_MINUTES,
    publicUrl: parsed.PUBLIC_URL,
    signInPerMinute: parseSettings(RateLimitSettingsSchema, env).SIGN_IN_RATE_PER_MINUTE,
    sso: parsed.MicrosoftAppId
      ? { appId: parsed.MicrosoftAppId, tenants: [...new Set(tenants)], jwksUrl: parsed.TEAMS_SSO_JWKS_URL }
      : undefined,
  };
}
