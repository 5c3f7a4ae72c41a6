import type { Express } from 'express';
import type { Clock } from '../../src/domain/clock';
import type { Feature, FeatureFactory } from '../../src/feature';
import { BlindIndex } from '../../src/links/blind-index';
import { LinkService } from '../../src/links/links.service';
import { PictureService } from '../../src/links/picture.service';
import type { Logger } from '../../src/logger';
import type { AlertService } from '../../src/services/alerts.service';
import { DashboardLinks } from '../../src/services/dashboard-links.service';
import { FiguresService } from '../../src/services/figures.service';
import type { RepeatMissingSettings } from '../../src/services/questions.service';
import type { Database } from '../../src/store/database';
import type { FieldCipher } from '../../src/store/field-crypto';
import { mountApi } from './api';
import { mountAssets } from './assets';
import { mountSignIn } from './auth-routes';
import type { WebContext } from './context';
import { mountPages } from './page-routes';
import { mountPicturePages } from './picture-routes';
import { DashboardQueries } from './queries';
import { strictTransport } from './session';
import { type DashboardSettings, readDashboardSettings } from './settings';
import { jwksKeySource, type KeySource } from './teams-sso';

export interface DashboardOptions {
  database: Pick<Database, 'db' | 'provider'>;
  cipher: FieldCipher;
  clock: Clock;
  log: Logger;
  settings: DashboardSettings;
  repeat: RepeatMissingSettings;
  /** The core's alerts: the Alerts page lists the open ones and acknowledges them. */
  alerts: AlertService;
  /** The core's links between reports; by default one over the same database and key. */
  intelligence?: LinkService;
  /** Microsoft's signing keys; by default fetched from settings.sso.jwksUrl. Tests pass their own. */
  keys?: KeySource;
  /** How long a month's figures are served from memory (default 60 s; 0 counts every time). */
  figuresCacheSeconds?: number;
}

/** The dashboard with its parts exposed (tests and the bench reach the links and services). */
export function createDashboard(options: DashboardOptions): {
  feature: Feature;
  context: WebContext;
} {
  const { database, cipher, clock, log, settings, repeat } = options;
  const { db, provider } = database;
  const links = new DashboardLinks(db, provider, clock, { idleMinutes: settings.idleMinutes });
  const context: WebContext = {
    db,
    provider,
    clock,
    log,
    settings,
    links,
    figures: new FiguresService(db, clock, repeat, { cacheSeconds: options.figuresCacheSeconds ?? 60 }),
    queries: new DashboardQueries(db, provider, cipher, clock, repeat),
    alerts: options.alerts,
    intelligence:
      options.intelligence ??
      new LinkService(db, provider, cipher, BlindIndex.fromCipher(cipher), clock, options.alerts, 90),
    picture: new PictureService(db, provider, cipher, BlindIndex.fromCipher(cipher), clock),
    keys: options.keys ?? (settings.sso ? jwksKeySource(settings.sso.jwksUrl) : undefined),
  };
  let sweep: NodeJS.Timeout | undefined;
  return {
    context,
    feature: {
      name: 'dashboard',
      mount(app: Express) {
        app.use(['/dashboard', '/api/v1/dashboard'], strictTransport(settings.publicUrl));
        mountAssets(app);
        mountSignIn(app, context);
        mountPages(app, context);
        mountPicturePages(app, context);
        mountApi(app, context);
      },
      async start() {
        sweep = setInterval(() => {
          links.sweep().catch((err: unknown) => log.warn({ err }, 'dashboard session sweep failed'));
        }, 5 * 60_000);
        sweep.unref();
      },
      async stop() {
        if (sweep) clearInterval(sweep);
      },
    },
  };
}

/** Always on: the MET group's pages at /dashboard and their JSON API at /api/v1/dashboard. */
export const createDashboardFeature: FeatureFactory = (deps) => {
  const settings = readDashboardSettings(deps.env);
  const { feature } = createDashboard({
    database: deps.database,
    cipher: deps.cipher,
    clock: deps.core.clock,
    log: deps.log,
    settings,
    repeat: { threshold: deps.config.REPEAT_MISSING_THRESHOLD, days: deps.config.REPEAT_MISSING_DAYS },
    alerts: deps.core.alerts,
    intelligence: deps.core.links,
  });
  if (!settings.publicUrl) {
    deps.log.warn('PUBLIC_URL is not set: the bot cannot send dashboard links in chat');
  }
  return { on: true, feature };
};
