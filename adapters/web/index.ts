import type { Express } from 'express';
import type { Core } from '../../src/core';
import type { Feature, FeatureFactory } from '../../src/feature';
import type { Logger } from '../../src/logger';
import { mountApi } from './api';
import { mountAssets } from './assets';
import { mountSignIn } from './auth-routes';
import type { WebContext } from './context';
import { mountPages } from './page-routes';
import { mountPicturePages } from './picture-routes';
import { strictTransport } from './session';
import { type DashboardSettings, readDashboardSettings } from './settings';
import { jwksKeySource, type KeySource } from './teams-sso';

/** What the dashboard reads through: the one wired core's services, as chat and the API use them. */
export type DashboardCore = Pick<
  Core,
  | 'clock'
  | 'prompts'
  | 'users'
  | 'dashboardLinks'
  | 'figures'
  | 'lists'
  | 'alerts'
  | 'links'
  | 'picture'
  | 'metList'
  | 'rateLimits'
>;

export interface DashboardOptions {
  core: DashboardCore;
  log: Logger;
  settings: DashboardSettings;
  /** Microsoft's signing keys; by default fetched from settings.sso.jwksUrl. Tests pass their own. */
  keys?: KeySource;
}

/** The dashboard with its parts exposed (tests and the bench reach the links and services). */
export function createDashboard({ core, log, settings, keys }: DashboardOptions): {
  feature: Feature;
  context: WebContext;
} {
  const links = core.dashboardLinks;
  const context: WebContext = {
    users: core.users,
    clock: core.clock,
    log,
    messages: core.prompts.messages,
    settings,
    links,
    figures: core.figures,
    queries: core.lists,
    alerts: core.alerts,
    intelligence: core.links,
    picture: core.picture,
    metList: core.metList,
    rateLimits: core.rateLimits,
    keys: keys ?? (settings.sso ? jwksKeySource(settings.sso.jwksUrl) : undefined),
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
  const { feature } = createDashboard({ core: deps.core, log: deps.log, settings });
  if (!settings.publicUrl) {
    deps.log.warn('PUBLIC_URL is not set: the bot cannot send dashboard links in chat');
  }
  return { on: true, feature };
};
