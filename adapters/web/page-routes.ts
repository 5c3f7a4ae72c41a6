import express, { type Express, type Request } from 'express';
import { BadRequestError } from '../../src/access/problems';
import { authorise, NotPossibleError } from '../../src/access/refusal';
import { referencePattern } from '../../src/domain/references';
import type { RiskLevel } from '../../src/domain/risk';
import { recentPeriods } from '../../src/figures/periods';
import { htmlRoute, listFilters, pageNumber, requestedMonth, type WebContext } from './context';
import { packWorkbook } from './pack-xlsx';
import { alertsPage } from './pages/alerts';
import { childPage } from './pages/child';
import { figuresPage, packPage } from './pages/figures';
import { linksPage } from './pages/links';
import { duePage, listPage, missingPage, repeatPage } from './pages/lists';
import { sameOrigin, type Viewer } from './session';

/** The pages, each built from the same calls the JSON API makes. */
export function mountPages(app: Express, ctx: WebContext): void {
  const { queries, figures, clock } = ctx;

  app.get(
    '/dashboard',
    htmlRoute(ctx, async (viewer, req) => duePage(viewer, await queries.due(viewer.actor, pageNumber(req)))),
  );
  app.get(
    '/dashboard/list',
    htmlRoute(ctx, async (viewer, req) => {
      const filters = listFilters(req);
      const [list, agencies, proposals] = await Promise.all([
        queries.metList(viewer.actor, filters, pageNumber(req)),
        queries.agencies(),
        queries.proposals(viewer.actor),
      ]);
      return listPage(viewer, list, filters, agencies, proposals);
    }),
  );
  // Accept or decline a child a risk check proposed: the chat's own use case (accept, decline),
  // audited and told to the MET coordinator as each change is.
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  const field = (req: Request, name: string) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  app.post(
    '/dashboard/list/:entry/:decision',
    form,
    htmlRoute(ctx, async (viewer, req, res) => {
      if (!sameOrigin(req)) throw new BadRequestError('Please use the buttons on the MET list page.');
      const child = { entryId: String(req.params.entry) };
      try {
        if (req.params.decision === 'accept') {
          const level = field(req, 'level');
          if (level && !['high', 'medium', 'low'].includes(level))
            throw new BadRequestError('The level is high, medium or low.');
          await ctx.metList.accept(viewer.actor, { child, ...(level && { level: level as RiskLevel }) });
        } else if (req.params.decision === 'decline') {
          await ctx.metList.decline(viewer.actor, { child, reason: field(req, 'reason') });
        } else {
          throw new BadRequestError('A proposal can be accepted or declined.');
        }
      } catch (error) {
        if (error instanceof NotPossibleError) throw new BadRequestError(error.message.replace(/\*/g, ''));
        throw error;
      }
      res.redirect(303, '/dashboard/list');
      return undefined;
    }),
  );
  app.get(
    '/dashboard/missing',
    htmlRoute(ctx, async (viewer, req) =>
      missingPage(viewer, await queries.missingNow(viewer.actor, pageNumber(req))),
    ),
  );
  app.get(
    '/dashboard/repeat',
    htmlRoute(ctx, async (viewer, req) =>
      repeatPage(viewer, await queries.repeatMissing(viewer.actor, pageNumber(req)), queries.repeatSettings),
    ),
  );
  app.get(
    '/dashboard/child/:id',
    htmlRoute(ctx, async (viewer, req) =>
      childPage(viewer, await queries.chronology(viewer.actor, String(req.params.id))),
    ),
  );
  app.get(
    '/dashboard/figures',
    htmlRoute(ctx, async (viewer, req) => {
      const month = requestedMonth(req, clock);
      return figuresPage(viewer, await figures.monthly(viewer.actor, month), monthChoices(ctx, month));
    }),
  );
  app.get(
    '/dashboard/pack',
    htmlRoute(ctx, async (viewer, req) => {
      const month = requestedMonth(req, clock);
      const [monthly, list] = await Promise.all([
        figures.monthly(viewer.actor, month),
        wholeList(ctx, viewer),
      ]);
      return packPage(viewer, monthly, list, clock.now());
    }),
  );
  app.get(
    '/dashboard/alerts',
    htmlRoute(ctx, async (viewer) => alertsPage(viewer, await ctx.alerts.openAlerts(viewer.actor))),
  );
  app.post(
    '/dashboard/alerts/:id/ack',
    htmlRoute(ctx, async (viewer, req, res) => {
      // A form post must come from our own pages (see sameOrigin).
      if (!sameOrigin(req))
        throw new BadRequestError('Please use the Acknowledge button on the Alerts page.');
      await ctx.alerts.acknowledge(viewer.actor, String(req.params.id));
      res.redirect(303, '/dashboard/alerts');
      return undefined;
    }),
  );
  app.get(
    '/dashboard/links',
    htmlRoute(ctx, async (viewer, req) => {
      const given = typeof req.query.reference === 'string' ? req.query.reference.trim() : '';
      const reference = given ? given.toUpperCase() : null;
      if (reference && !referencePattern.test(reference))
        throw new BadRequestError('Give a report reference, such as INT-2026-000001.');
      const links = await ctx.intelligence.list(viewer.actor, reference ?? undefined, 'view-links');
      return linksPage(viewer, links, reference);
    }),
  );
  app.post(
    '/dashboard/links/:code/:decision',
    htmlRoute(ctx, async (viewer, req, res) => {
      if (!sameOrigin(req)) throw new BadRequestError('Please use the buttons on the Links page.');
      const decision =
        req.params.decision === 'confirm'
          ? 'confirmed'
          : req.params.decision === 'dismiss'
            ? 'dismissed'
            : null;
      if (!decision) throw new BadRequestError('A link can be confirmed or dismissed.');
      await ctx.intelligence.decide(viewer.actor, String(req.params.code), decision);
      res.redirect(303, '/dashboard/links');
      return undefined;
    }),
  );
  app.get(
    '/dashboard/pack.xlsx',
    htmlRoute(ctx, async (viewer, req, res) => {
      const month = requestedMonth(req, clock);
      const [monthly, list, due] = await Promise.all([
        figures.monthly(viewer.actor, month),
        wholeList(ctx, viewer),
        queries.due(viewer.actor, 1, 10_000),
      ]);
      const book = await packWorkbook(monthly, list, due.rows, clock.now());
      res
        .status(200)
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`met-pack-${month}.xlsx`);
      await book.xlsx.write(res);
      res.end();
      return undefined;
    }),
  );
}

/** The pack's list: all of it, for those allowed to see the list. */
async function wholeList(ctx: WebContext, viewer: Viewer) {
  authorise(viewer.actor, 'ask-met-list');
  return ctx.queries.wholeList(viewer.actor);
}

/** Two years of months, quarters and years to choose from, and the chosen one if it is older. */
function monthChoices(ctx: WebContext, month: string): string[] {
  const months = recentPeriods(ctx.clock.now());
  return months.includes(month) ? months : [...months, month];
}
