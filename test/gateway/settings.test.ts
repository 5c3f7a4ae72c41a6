import { describe, expect, it } from 'vitest';
import { gatewayFeature } from '../../adapters/gateway';
import { createMailer } from '../../adapters/gateway/email';
import { ConfigError, parseSettings } from '../../src/config';
import { createLogger } from '../../src/logger';
import { retryDelay } from '../../src/outbox/backoff';
import {
  deliveryRoutes,
  GatewaySettingsSchema,
  isLoopback,
  OutboxSettingsSchema,
} from '../../src/outbox/settings';

const parse = (env: Record<string, string>) => parseSettings(GatewaySettingsSchema, env);
const email = {
  GATEWAY_SMTP_URL: 'smtps://metbot:secret@mail.police.example',
  GATEWAY_EMAIL_TO: 'intel@police.example',
  GATEWAY_EMAIL_FROM: 'metbot@partnership.example',
};
const webhook = {
  GATEWAY_WEBHOOK_URL: 'https://intake.police.example/metbot',
  GATEWAY_WEBHOOK_SECRET: 'x'.repeat(64),
};

describe('gateway settings', () => {
  it('with nothing set, sends nothing and retries with the documented defaults', () => {
    expect(deliveryRoutes(parse({}))).toEqual({});
    expect(parseSettings(OutboxSettingsSchema, {})).toEqual({
      OUTBOX_RETRY_BASE_MS: 2000,
      OUTBOX_RETRY_CAP_MS: 900_000,
      OUTBOX_MAX_ATTEMPTS: 12,
      OUTBOX_POLL_MS: 2000,
    });
  });

  it('with no routes set, sends only intelligence to the police; missing and return when GATEWAY_SEND_MISSING says so', () => {
    expect(deliveryRoutes(parse({ ...email, ...webhook }))).toEqual({
      intelligence: ['gateway-email', 'gateway-webhook'],
    });
    expect(deliveryRoutes(parse({ ...email, GATEWAY_SEND_MISSING: 'true' }))).toEqual({
      intelligence: ['gateway-email'],
      missing: ['gateway-email'],
      return: ['gateway-email'],
    });
    expect(deliveryRoutes(parse({ ...email, GATEWAY_SEND_MISSING: 'no' }))).toEqual({
      intelligence: ['gateway-email'],
    });
  });

  it('sends what GATEWAY_ROUTES names to the police, and nothing else', () => {
    const chosen = deliveryRoutes(
      parse({
        ...email,
        ...webhook,
        GATEWAY_SEND_MISSING: 'true',
        GATEWAY_ROUTES: 'intelligence=email,webhook; missing=email;return=none',
      }),
    );
    expect(chosen).toEqual({
      intelligence: ['gateway-email', 'gateway-webhook'],
      missing: ['gateway-email'],
    });
  });

  it('sends risk checks, interviews and MET list changes to the MET coordinator, and interviews to the case file', () => {
    const routes = deliveryRoutes(
      parse({
        ...email,
        MET_COORDINATOR_EMAIL: 'met@partnership.example',
        CASE_FILE_EMAIL: 'casefile@council.example',
      }),
    );
    expect(routes).toEqual({
      intelligence: ['gateway-email'],
      'risk-check': ['met-coordinator'],
      'return-interview': ['met-coordinator', 'case-file'],
      'met-list-change': ['met-coordinator'],
    });
    // GATEWAY_ROUTES decides the police gateway only: the coordinator still gets hers.
    expect(
      deliveryRoutes(
        parse({
          ...email,
          GATEWAY_ROUTES: 'intelligence=email',
          MET_COORDINATOR_EMAIL: 'met@partnership.example',
        }),
      ),
    ).toEqual({
      intelligence: ['gateway-email'],
      'risk-check': ['met-coordinator'],
      'return-interview': ['met-coordinator'],
      'met-list-change': ['met-coordinator'],
    });
  });

  it.each([
    [
      { GATEWAY_SMTP_URL: 'smtps://mail.police.example' },
      'GATEWAY_EMAIL_TO must be set when GATEWAY_SMTP_URL is set',
    ],
    [
      { ...email, GATEWAY_SMTP_URL: 'http://mail.police.example' },
      'GATEWAY_SMTP_URL must be an smtps:// or smtp:// URL',
    ],
    [
      { ...email, GATEWAY_SMTP_URL: 'smtp://mail.police.example:25?ignoreTLS=true' },
      'GATEWAY_SMTP_URL must be a URL without options (remove ignoreTLS): TLS is required unless the host is loopback',
    ],
    [
      { ...email, GATEWAY_SMTP_URL: 'smtps://mail.police.example?tls.rejectUnauthorized=false&name=x' },
      'remove tls.rejectUnauthorized',
    ],
    [
      { ...webhook, GATEWAY_WEBHOOK_URL: 'http://intake.police.example/metbot' },
      'GATEWAY_WEBHOOK_URL must be an https:// URL',
    ],
    [
      { GATEWAY_WEBHOOK_URL: 'https://intake.police.example' },
      'GATEWAY_WEBHOOK_SECRET must be set when GATEWAY_WEBHOOK_URL',
    ],
    [
      { ...webhook, GATEWAY_WEBHOOK_SECRET: 'short' },
      'GATEWAY_WEBHOOK_SECRET must be at least 32 characters',
    ],
    [{ ...email, GATEWAY_ROUTES: 'intelligence=webhook' }, 'but GATEWAY_WEBHOOK_URL is not set'],
    [{ ...email, GATEWAY_ROUTES: 'intel=email' }, '"intel" is not one'],
    [{ ...email, GATEWAY_ROUTES: 'missing=fax' }, '"fax" is not one'],
    [
      { MET_COORDINATOR_EMAIL: 'met@partnership.example' },
      'GATEWAY_SMTP_URL must be set when MET_COORDINATOR_EMAIL',
    ],
    [{ CASE_FILE_EMAIL: 'casefile@council.example' }, 'GATEWAY_SMTP_URL must be set when CASE_FILE_EMAIL'],
    [{ ...email, GATEWAY_SEND_MISSING: 'sometimes' }, 'GATEWAY_SEND_MISSING must be true or false'],
    [{ DUTY_EMAIL: 'duty@partnership.example' }, 'GATEWAY_SMTP_URL must be set when DUTY_EMAIL'],
    [{ ...email, DUTY_EMAIL: 'the duty desk' }, 'DUTY_EMAIL must be one or more email addresses'],
    [
      { ...email, GATEWAY_EMAIL_TO: 'not an address' },
      'GATEWAY_EMAIL_TO must be one or more email addresses',
    ],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => parse(env)).toThrow(ConfigError);
    expect(() => parse(env)).toThrow(message);
  });

  it.each([
    [{ OUTBOX_MAX_ATTEMPTS: 'lots' }, 'OUTBOX_MAX_ATTEMPTS must be a whole number of attempts'],
    [
      { OUTBOX_RETRY_BASE_MS: '5000', OUTBOX_RETRY_CAP_MS: '1000' },
      'OUTBOX_RETRY_CAP_MS must be at least OUTBOX_RETRY_BASE_MS',
    ],
  ])('refuses outbox setting %o', (env, message) => {
    expect(() => parseSettings(OutboxSettingsSchema, env)).toThrow(message);
  });

  it('knows a loopback host, the only one that may go without TLS', () => {
    expect(
      parse({ ...email, GATEWAY_SMTP_URL: 'smtp://mail.police.example:587?name=metbot.example' }),
    ).toBeDefined();
    expect([
      isLoopback('localhost'),
      isLoopback('127.0.0.1'),
      isLoopback('[::1]'),
      isLoopback('10.0.0.1'),
    ]).toEqual([true, true, true, false]);
  });
});

describe('retry backoff', () => {
  const policy = { baseMs: 2000, capMs: 900_000 };
  it('doubles from the base up to the cap, half of it random', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, 0, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, 0, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelay(30, policy, 0, () => 1)).toBe(900_000);
    expect(retryDelay(30, policy, 0, () => 0)).toBe(450_000);
  });
  it("waits at least as long as the receiver's Retry-After", () => {
    expect(retryDelay(1, policy, 60_000, () => 0.5)).toBe(60_000);
  });
});

describe('the gateway feature', () => {
  const deps = (env: Record<string, string>) =>
    ({ env, core: { prompts: {} }, database: {}, cipher: {}, log: createLogger('silent') }) as never;

  it('is off with no transport, and says which settings turn it on', async () => {
    const transports = new Map();
    const result = await gatewayFeature(transports)(deps({}));
    expect(result).toMatchObject({ on: false, name: 'Police gateway' });
    expect(result.on === false && result.why).toMatch(/GATEWAY_SMTP_URL.*GATEWAY_WEBHOOK_URL/);
    expect(transports.size).toBe(0);
  });

  it('says which transports are on, and adds them for the outbox worker', async () => {
    const transports = new Map();
    const result = await gatewayFeature(transports)(
      deps({
        ...email,
        ...webhook,
        MET_COORDINATOR_EMAIL: 'met@partnership.example',
        CASE_FILE_EMAIL: 'casefile@council.example',
      }),
    );
    expect(result.on && result.feature.name).toBe(
      'Police gateway (email to intel@police.example; MET coordinator met@partnership.example; case file casefile@council.example; webhook to intake.police.example)',
    );
    expect([...transports.keys()].sort()).toEqual([
      'case-file',
      'gateway-email',
      'gateway-webhook',
      'met-coordinator',
    ]);
    if (result.on) await result.feature.stop?.();
  });
});

describe('the mail client', () => {
  const optionsOf = (url: string) => {
    const mailer = createMailer({ url });
    const { options } = mailer.transporter as unknown as { options: Record<string, unknown> };
    mailer.close();
    return options;
  };

  it('requires STARTTLS for smtp:// to any host but loopback, and pools its connections', () => {
    expect(
      optionsOf('smtp://metbot%40example.org:p%40ss@mail.police.example:587?name=metbot.example'),
    ).toMatchObject({
      host: 'mail.police.example',
      port: 587,
      secure: false,
      requireTLS: true,
      pool: true,
      name: 'metbot.example',
      auth: { user: 'metbot@example.org', pass: 'p@ss' },
    });
    expect(optionsOf('smtps://mail.police.example')).toMatchObject({ secure: true, requireTLS: false });
    expect(optionsOf('smtp://127.0.0.1:2525')).toMatchObject({
      host: '127.0.0.1',
      requireTLS: false,
      pool: true,
    });
  });
});
