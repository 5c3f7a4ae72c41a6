import type { Express } from 'express';
import { jsonRoute, listFilters, pageNumber, requestedMonth, type WebContext } from './context';

/**
 * The JSON API behind the pages, under /api/v1/dashboard: the same session cookie, the same
 * policy checks and the same calls as the HTML, so a page and its API never disagree.
 */
export function mountApi(app: Express, ctx: WebContext): void {
  const { queries, figures, clock } = ctx;
  const base = '/api/v1/dashboard';

  app.get(
    `${base}/me`,
    jsonRoute(ctx, async (viewer) => ({
      id: viewer.actor.id,
      displayName: viewer.actor.displayName,
      role: viewer.actor.role,
      agency: viewer.actor.agencyName,
      signedInFrom: viewer.kind,
    })),
  );
  app.get(
    `${base}/due`,
    jsonRoute(ctx, (viewer, req) => queries.due(viewer.actor, pageNumber(req))),
  );
  app.get(
    `${base}/list`,
    jsonRoute(ctx, (viewer, req) => queries.metList(viewer.actor, listFilters(req), pageNumber(req))),
  );
  app.get(
    `${base}/missing`,
    jsonRoute(ctx, (viewer, req) => queries.missingNow(viewer.actor, pageNumber(req))),
  );
  app.get(
    `${base}/repeat`,
    jsonRoute(ctx, async (viewer, req) => ({
      ...(await queries.repeatMissing(viewer.actor, pageNumber(req))),
      threshold: queries.repeatSettings.threshold,
      days: queries.repeatSettings.days,
    })),
  );
  app.get(
    `${base}/children/:id`,
    jsonRoute(ctx, (viewer, req) => queries.chronology(viewer.actor, String(req.params.id))),
  );
  app.get(
    `${base}/figures`,
    jsonRoute(ctx, (viewer, req) => figures.monthly(viewer.actor, requestedMonth(req, clock))),
  );
}
