import { createApiFeature } from '../adapters/api/index';
import { gatewayFeature } from '../adapters/gateway/index';
import { readSlackSettings, slackOffReason } from '../adapters/slack/settings';
import { readTeamsSettings } from '../adapters/teams/settings';
import { createDashboardFeature } from '../adapters/web/index';
import { readDashboardSettings } from '../adapters/web/settings';
import { AlertDeliveryTransport } from './alerts/alert-delivery';
import { ALERT_DESTINATION } from './alerts/alerts.service';
import { ReceiptTransport } from './alerts/receipt-delivery';
import type { Surfaces } from './alerts/surfaces';
import { AuditChainError, checkAuditAtStart } from './audit/audit-checks';
import { loadAuditKeyring, readAuditSettings } from './audit/settings';
import { type Config, ConfigError, loadConfig, parseSettings } from './config';
import { type Core, type CoreSettings, createCore } from './core';
import { type Clock, DAY } from './domain/clock';
import type { Feature, FeatureDeps, FeatureFactory, WorkerDeps } from './feature';
import { createLogger, type Logger } from './logger';
import { checkLegacyAtStart } from './ops/key-rotation';
import { metricsFrom } from './ops/metrics';
import { RateLimitSettingsSchema } from './ops/rate-limit';
import { type ReadinessCheck, ShutdownSettingsSchema } from './ops/readiness';
import { outboxFeature } from './outbox/feature';
import { deliveryRoutesFrom } from './outbox/settings';
import { destinations, type Transports } from './outbox/transport';
import { ApiTokenSettingsSchema } from './people/api-tokens.service';
import { createSchedulerFeature } from './scheduler/feature';
import { createApp, listen, type RunningServer } from './server';
import { useAuditKeyring } from './store/audit-key';
import { loadFieldCipher } from './store/data-key';
import { type Database, openDatabase } from './store/database';
import type { FieldCipher } from './store/field-crypto';
import { forgetInboundBefore } from './store/inbound-events';
import { unappliedMigrations } from './store/migrate';
import { forgetRateWindowsBefore } from './store/rate-windows';

/**
 * Slack's and Teams' SDKs are loaded only when their settings turn them on: Bolt and botbuilder
 * cost about 1 s of CPU at start-up between them. Each feature reads (and checks) its settings again.
 */
const slackFeature: FeatureFactory = async (deps) =>
  readSlackSettings(deps.env)
    ? (await import('../adapters/slack/index')).createSlackFeature(deps)
    : { on: false, name: 'slack', why: slackOffReason };

const teamsFeature: FeatureFactory = async (deps) => {
  const read = readTeamsSettings(deps.env, deps.config);
  if (!read.on) return { on: false, name: 'teams', why: read.why };
  return (await import('../adapters/teams/index')).createTeamsFeature(deps);
};

/** The optional parts reached over HTTP, each switched on by its own settings. */
const httpFeatureFactories: FeatureFactory[] = [
  slackFeature,
  teamsFeature,
  createDashboardFeature,
  createApiFeature,
];

/** The parts' own settings that the core builds them with. */
function coreSettingsFrom(env: NodeJS.ProcessEnv): Partial<CoreSettings> {
  return {
    apiTokenDays: parseSettings(ApiTokenSettingsSchema, env).API_TOKEN_DAYS,
    probeAlertAfter: parseSettings(RateLimitSettingsSchema, env).PROBE_ALERT_AFTER,
    dashboardIdleMinutes: readDashboardSettings(env).idleMinutes,
  };
}

/**
 * The core as every way in gets it: the server, the terminal chat and the admin command line all
 * wire it here, with the delivery routes and the parts' settings read from the same environment.
 */
export function wireCore({
  config,
  env,
  database,
  cipher,
  log,
  clock,
  surfaces,
}: {
  config: Config;
  env: NodeJS.ProcessEnv;
  database: Database;
  cipher: FieldCipher;
  log: Logger;
  clock?: Clock;
  surfaces?: Surfaces;
}): Core {
  return createCore({
    config,
    database,
    cipher,
    log,
    clock,
    routes: deliveryRoutesFrom(env),
    surfaces,
    settings: coreSettingsFrom(env),
  });
}

export interface Bot {
  config: Config;
  core: Core;
  database: Database;
  /** Null for the terminal chat, which serves no HTTP. */
  server: RunningServer | null;
  /** Sends what is due now, once each, before a short-lived process (the terminal chat) stops. */
  deliverDue(): Promise<void>;
  /** Resolves when every surface has answered the requests in hand. */
  idle(): Promise<void>;
  /** Takes the instance out of the rotation (/readyz answers 503) and waits, still serving. */
  drain(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** False for the terminal chat: the same core, routes, outbox, gateway and timers, but no HTTP. */
  serve?: boolean;
  /** The time the core reads; tests set it, the server and the terminal use the system clock. */
  clock?: Clock;
}

/**
 * The one composition root: the server (`npm start`) and the terminal chat (`npm run chat`) both
 * get their core, its delivery routes, the outbox worker, the gateway and the timers from here.
 */
export async function startBot(
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  { serve = true, clock }: StartOptions = {},
): Promise<Bot> {
  const cipher = loadFieldCipher(config, log);
  const auditKeys = loadAuditKeyring(config, env);
  useAuditKeyring(auditKeys);
  const database = await openDatabase(config.DATABASE_URL);
  log.info({ database: database.provider }, 'database ready');
  try {
    await checkAuditAtStart(database.db, database.provider, auditKeys, readAuditSettings(env, config), log);
    await checkLegacyAtStart(database.db, cipher, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const surfaces: Surfaces = new Map();
  const core = wireCore({ config, env, database, cipher, log, clock, surfaces });
  const madeAdmin = await core.users.applyAdmins();
  if (madeAdmin) log.info({ count: madeAdmin }, 'METBOT_ADMINS: made admin again');

  // One outbox worker delivers everything: the gateway's email and webhook, duty alerts and
  // receipts on whichever surfaces are on. It comes before the gateway, so it stops first.
  const metrics = serve ? metricsFrom(env, { database, log, clock: core.clock }) : undefined;
  const transports: Transports = new Map();
  const outbox = outboxFeature(transports, metrics?.countDelivery);
  // The adapters get the core alone; only the workers here get the database and the cipher.
  const deps: FeatureDeps = { env, config, core, log };
  const workerDeps: WorkerDeps = { ...deps, database, cipher };
  const factories = [
    () => createSchedulerFeature(workerDeps),
    ...(serve ? httpFeatureFactories : []).map((factory) => () => factory(deps)),
    () => outbox.factory(workerDeps),
    () => gatewayFeature(transports)(deps),
  ];
  const features: Feature[] = [];
  const off: string[] = [];
  for (const factory of factories) {
    const result = await factory();
    if (result.on) features.push(result.feature);
    else off.push(`${result.name} (${result.why})`);
  }
  log.info(
    { on: features.map((f) => f.name), off },
    off.length ? `Off: ${off.join('; ')}` : 'Everything is on',
  );

  for (const feature of features)
    if (feature.surface) surfaces.set(feature.surface.platform, feature.surface);
  // The terminal chat, with no surface of its own, leaves alerts and receipts to a server's worker.
  if (serve || surfaces.size) {
    transports.set(ALERT_DESTINATION, new AlertDeliveryTransport(database.db, core.alerts, log));
    transports.set(destinations.receipt, new ReceiptTransport(database.db, surfaces));
  }

  let stopping: Promise<void> | undefined;
  let draining = false;
  let migrated = false;
  const readiness: ReadinessCheck[] = [
    {
      name: 'migrations',
      // Once all applied, they stay applied: no query on every probe after that.
      check: async () => {
        migrated ||= (await unappliedMigrations(database.db, database.provider)).length === 0;
        return migrated;
      },
    },
    ...features.flatMap((feature) => {
      const running = feature.running?.bind(feature);
      return running ? [{ name: `worker: ${feature.name}`, check: running }] : [];
    }),
    // Out of the rotation as soon as a stop begins, while work in hand finishes.
    { name: 'not stopping', check: () => !draining && stopping === undefined },
  ];
  const server = serve
    ? await listen(
        createApp(database, features, { readiness, metrics, log, trustProxy: config.TRUST_PROXY }),
        config.PORT,
        config.HOST,
        log,
      )
    : null;
  for (const feature of features) await feature.start?.();
  // Housekeeping: expired drafts, delivery keys older than any platform's retries (a day), and
  // closed rate-limit windows.
  const sweep = setInterval(() => {
    const now = core.clock.now();
    Promise.all([
      core.conversations.deleteExpired(now),
      forgetInboundBefore(database.db, new Date(now.getTime() - DAY)),
      forgetRateWindowsBefore(database.db, now),
    ]).catch((err) => log.warn({ err }, 'housekeeping failed'));
  }, 10 * 60_000);
  sweep.unref();

  const stop = () => {
    stopping ??= (async () => {
      clearInterval(sweep);
      await server?.close();
      for (const feature of features) await feature.stop?.();
      await database.close();
      log.info('metbot stopped');
    })();
    return stopping;
  };
  const drain = async (ms: number) => {
    draining = true;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  };
  const idle = async () => {
    await Promise.all(features.map((feature) => feature.idle?.()));
  };
  return { config, core, database, server, deliverDue: outbox.deliverDue, idle, drain, stop };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  try {
    const { SHUTDOWN_DELAY_SECONDS: delay } = parseSettings(ShutdownSettingsSchema, process.env);
    const bot = await startBot(config, log);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, async () => {
        if (delay > 0) {
          log.info({ signal }, `stopping: out of the rotation, serving for ${delay} s more`);
          await bot.drain(delay * 1000);
        }
        log.info({ signal }, 'stopping: finishing work in hand');
        bot.stop().then(() => process.exit(0));
      });
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AuditChainError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    log.fatal({ err: error }, 'metbot could not start');
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main();
