import { z } from 'zod';
import { parseSettings } from '../config';
import { type RecordType, referencePrefixes } from '../domain/references';
import type { DeliveryRoutes } from './enqueue';
import { destinations } from './transport';

/**
 * The police gateway's settings. Parsed here, in src/, because both the core (which record types
 * are queued where, in the record's own transaction) and the gateway feature (how to send) need them.
 */

const recordTypes = Object.keys(referencePrefixes) as RecordType[];
const transportNames = { email: destinations.gatewayEmail, webhook: destinations.gatewayWebhook } as const;
type TransportName = keyof typeof transportNames;

/** 127.0.0.0/8, ::1 and localhost: the only places a message may travel without TLS. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const smtpUrl = z.string().superRefine((value, ctx) => {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    ctx.addIssue({
      code: 'custom',
      message: 'an smtps:// or smtp:// URL, e.g. smtps://user:pass@mail.example.org',
    });
    return;
  }
  // OFFICIAL-SENSITIVE data leaves the machine only encrypted: the mail client requires TLS unless
  // the host is loopback, and no URL option may change that (or anything else): only ?name= (the
  // name this server gives in EHLO) is read.
  const options = [...url.searchParams.keys()].filter((key) => key !== 'name');
  if (options.length) {
    ctx.addIssue({
      code: 'custom',
      message: `a URL without options (remove ${options.join(', ')}): TLS is required unless the host is loopback`,
    });
  }
});

const webhookUrl = z.string().superRefine((value, ctx) => {
  const url = parseUrl(value);
  const ok = url && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)));
  if (!ok) ctx.addIssue({ code: 'custom', message: 'an https:// URL (http:// only on a loopback host)' });
});

const address = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$|^[^\s@,<>]+@localhost$/;
const emailList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((item) => address.test(item)), {
    message: 'one or more email addresses, separated by commas',
  });

const yesNo = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', 'yes', 'no', '1', '0'].includes(value), {
    message: 'true or false',
  })
  .transform((value) => ['true', 'yes', '1'].includes(value));

const whole = (what: string, min: number) =>
  z.coerce
    .number({ error: `a whole number of ${what}` })
    .int(`a whole number of ${what}`)
    .min(min, `at least ${min} ${what}`);

const Routes = z.string().transform((value, ctx) => {
  const routes: Partial<Record<RecordType, TransportName[]>> = {};
  for (const part of value.split(';').map((p) => p.trim())) {
    if (!part) continue;
    const [type = '', list = ''] = part.split('=').map((p) => p.trim());
    if (!(recordTypes as string[]).includes(type)) {
      ctx.addIssue({
        code: 'custom',
        message: `a list like "intelligence=email,webhook;missing=email" (record types: ${recordTypes.join(', ')}); "${type}" is not one`,
      });
      return z.NEVER;
    }
    const names = list
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n && n !== 'none');
    const unknown = names.find((n) => !(n in transportNames));
    if (unknown) {
      ctx.addIssue({
        code: 'custom',
        message: `a list like "intelligence=email,webhook;missing=email" (transports: email, webhook, none); "${unknown}" is not one`,
      });
      return z.NEVER;
    }
    routes[type as RecordType] = [...new Set(names as TransportName[])];
  }
  return routes;
});

export const GatewaySettingsSchema = z
  .object({
    GATEWAY_SMTP_URL: smtpUrl.optional(),
    GATEWAY_EMAIL_TO: emailList.optional(),
    GATEWAY_EMAIL_FROM: emailList.optional(),
    GATEWAY_WEBHOOK_URL: webhookUrl.optional(),
    GATEWAY_WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters (openssl rand -hex 32)').optional(),
    GATEWAY_ROUTES: Routes.optional(),
    /** Missing and return notifications go to the police gateway only when this is true. */
    GATEWAY_SEND_MISSING: yesNo.default(false),
    MET_COORDINATOR_EMAIL: emailList.optional(),
    /** The child's case file mailbox: return interview outcomes go there too. */
    CASE_FILE_EMAIL: emailList.optional(),
    /** The duty mailbox: alerts are emailed there, as they are posted to a duty channel. */
    DUTY_EMAIL: emailList.optional(),
  })
  .superRefine((s, ctx) => {
    const need = (name: string, when: string) =>
      ctx.addIssue({ code: 'custom', path: [name], message: `set when ${when} is set` });
    if (s.GATEWAY_SMTP_URL && !s.GATEWAY_EMAIL_TO) need('GATEWAY_EMAIL_TO', 'GATEWAY_SMTP_URL');
    if (s.GATEWAY_SMTP_URL && !s.GATEWAY_EMAIL_FROM) need('GATEWAY_EMAIL_FROM', 'GATEWAY_SMTP_URL');
    if (s.GATEWAY_EMAIL_FROM && s.GATEWAY_EMAIL_FROM.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_EMAIL_FROM'], message: 'one email address' });
    }
    if (s.GATEWAY_WEBHOOK_URL && !s.GATEWAY_WEBHOOK_SECRET)
      need('GATEWAY_WEBHOOK_SECRET', 'GATEWAY_WEBHOOK_URL');
    if (s.MET_COORDINATOR_EMAIL && !s.GATEWAY_SMTP_URL) need('GATEWAY_SMTP_URL', 'MET_COORDINATOR_EMAIL');
    if (s.CASE_FILE_EMAIL && !s.GATEWAY_SMTP_URL) need('GATEWAY_SMTP_URL', 'CASE_FILE_EMAIL');
    if (s.DUTY_EMAIL && !s.GATEWAY_SMTP_URL) need('GATEWAY_SMTP_URL', 'DUTY_EMAIL');
    const on = configuredTransports(s);
    for (const [type, names] of Object.entries(s.GATEWAY_ROUTES ?? {})) {
      const off = names.find((name) => !on.includes(name));
      if (off) {
        ctx.addIssue({
          code: 'custom',
          path: ['GATEWAY_ROUTES'],
          message: `routes to transports that are set up: it sends ${type} by ${off}, but ${off === 'email' ? 'GATEWAY_SMTP_URL' : 'GATEWAY_WEBHOOK_URL'} is not set`,
        });
      }
    }
  });

export type GatewaySettings = z.infer<typeof GatewaySettingsSchema>;

/** How the outbox worker retries, for every destination. */
export const OutboxSettingsSchema = z
  .object({
    OUTBOX_RETRY_BASE_MS: whole('milliseconds', 1).default(2000),
    OUTBOX_RETRY_CAP_MS: whole('milliseconds', 1).default(15 * 60_000),
    OUTBOX_MAX_ATTEMPTS: whole('attempts', 1).default(12),
    OUTBOX_POLL_MS: whole('milliseconds', 10).default(2000),
  })
  .refine((s) => s.OUTBOX_RETRY_CAP_MS >= s.OUTBOX_RETRY_BASE_MS, {
    path: ['OUTBOX_RETRY_CAP_MS'],
    message: 'at least OUTBOX_RETRY_BASE_MS',
  });

export type OutboxSettings = z.infer<typeof OutboxSettingsSchema>;

/** The routes for the core, from the environment (a bad setting throws a ConfigError naming it). */
export function deliveryRoutesFrom(env: NodeJS.ProcessEnv): DeliveryRoutes {
  return deliveryRoutes(parseSettings(GatewaySettingsSchema, env));
}

function configuredTransports(s: Pick<GatewaySettings, 'GATEWAY_SMTP_URL' | 'GATEWAY_WEBHOOK_URL'>) {
  const on: TransportName[] = [];
  if (s.GATEWAY_SMTP_URL) on.push('email');
  if (s.GATEWAY_WEBHOOK_URL) on.push('webhook');
  return on;
}

/**
 * What goes to the police gateway when GATEWAY_ROUTES is unset. The strategy sends the police
 * intelligence (the FIB1, section F); missing and return notifications go only when
 * GATEWAY_SEND_MISSING says so (the police are told of a missing child by 999 or 101 first). Risk
 * checks, return interviews and MET list changes are the partnership's own records: they go to the
 * MET coordinator, never to the police mailbox by default.
 */
const policeByDefault: readonly RecordType[] = ['intelligence'];
const missingAndReturn: readonly RecordType[] = ['missing', 'return'];
/** What the MET coordinator receives when MET_COORDINATOR_EMAIL is set. */
const toCoordinator: readonly RecordType[] = ['risk-check', 'return-interview', 'met-list-change'];
/** MET Strategy G(b): the interview's outcome is "recorded on the child's case file". */
const toCaseFile: readonly RecordType[] = ['return-interview'];

/**
 * Which destinations each record type is queued for. The police gateway's transports: as
 * GATEWAY_ROUTES says when it is set; otherwise intelligence, and missing and return when
 * GATEWAY_SEND_MISSING is true. Besides, whatever the routes: risk checks, return interviews and MET
 * list changes to the MET coordinator (MET_COORDINATOR_EMAIL), and return interviews to the child's
 * case file (CASE_FILE_EMAIL). Nothing configured: nothing queued, records are still kept.
 */
export function deliveryRoutes(settings: GatewaySettings): DeliveryRoutes {
  const on = configuredTransports(settings);
  const police = (type: RecordType): readonly TransportName[] => {
    if (settings.GATEWAY_ROUTES) return settings.GATEWAY_ROUTES[type] ?? [];
    if (policeByDefault.includes(type)) return on;
    if (missingAndReturn.includes(type) && settings.GATEWAY_SEND_MISSING) return on;
    return [];
  };
  const routes: DeliveryRoutes = {};
  for (const type of recordTypes) {
    const list: string[] = police(type).map((name) => transportNames[name]);
    if (toCoordinator.includes(type) && settings.MET_COORDINATOR_EMAIL)
      list.push(destinations.metCoordinator);
    if (toCaseFile.includes(type) && settings.CASE_FILE_EMAIL) list.push(destinations.caseFile);
    if (list.length) routes[type] = list;
  }
  return routes;
}
