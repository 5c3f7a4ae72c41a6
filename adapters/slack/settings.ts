import { z } from 'zod';
import { ConfigError, isLoopbackHost, parseSettings } from '../../src/config';

const SlackSettingsSchema = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'a bot token starting xoxb- (OAuth & Permissions in the app settings)')
    .optional(),
  /** The Web API base: Slack's, an operator's proxy, or a test's local stand-in. */
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'an https URL ending /api/, e.g. https://slack.com/api/' })
    // The bot token travels with every call: TLS, unless the stand-in is on this machine.
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || isLoopbackHost(url.hostname);
    }, 'an https URL ending /api/ (http:// only on a loopback address: 127.0.0.1 or [::1])')
    .optional(),
  /** An app-level token (connections:write) turns on Socket Mode: no public URL needed. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'an app-level token starting xapp- (Basic Information, App-Level Tokens)')
    .optional(),
  /** Who the bot is; when unset, metbot asks Slack once at start-up (auth.test). */
  SLACK_BOT_ID: z.string().min(1).optional(),
  SLACK_BOT_USER_ID: z.string().min(1).optional(),
  /** A channel made a duty channel at start-up, as "setup duty here" would (its channel id). */
  DUTY_SLACK_CHANNEL: z
    .string()
    .trim()
    .regex(
      /^[CG][A-Z0-9]{2,}$/,
      "a channel id like C0123ABCD (the channel's details, at the bottom of About)",
    )
    .optional(),
});

export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  apiUrl?: string;
  appToken?: string;
  botId?: string;
  botUserId?: string;
  dutyChannel?: string;
}

/** Null when Slack is not set up; throws ConfigError when it is half set up. */
/** Why Slack is off when neither setting is present. */
export const slackOffReason = 'set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on';

export function readSlackSettings(env: NodeJS.ProcessEnv): SlackSettings | null {
  const set = parseSettings(SlackSettingsSchema, env);
  const secret = set.SLACK_SIGNING_SECRET;
  const token = set.SLACK_BOT_TOKEN;
  if (!secret && !token) {
    if (set.SLACK_APP_TOKEN) {
      throw new ConfigError(
        'Invalid setting: SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not; set all three for Socket Mode',
      );
    }
    if (set.DUTY_SLACK_CHANNEL) {
      throw new ConfigError(
        'Invalid setting: DUTY_SLACK_CHANNEL is set but Slack is off; set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN too',
      );
    }
    return null;
  }
  if (!secret || !token) {
    const [present, missing] = secret
      ? ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']
      : ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'];
    throw new ConfigError(
      `Invalid setting: ${present} is set but ${missing} is not; Slack needs both (or neither, to leave Slack off)`,
    );
  }
  return {
    signingSecret: secret,
    botToken: token,
    apiUrl: set.SLACK_API_URL,
    appToken: set.SLACK_APP_TOKEN,
    botId: set.SLACK_BOT_ID,
    botUserId: set.SLACK_BOT_USER_ID,
    dutyChannel: set.DUTY_SLACK_CHANNEL,
  };
}
