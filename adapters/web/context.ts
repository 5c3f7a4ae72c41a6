import type { Request, Response } from 'express';
import { BadRequestError, internalProblem, type Problem, problemOf } from '../../src/access/problems';
import { RefusedError } from '../../src/access/refusal';
import type { AlertService } from '../../src/alerts/alerts.service';
import type { Messages } from '../../src/conversation/prompts';
import type { Clock } from '../../src/domain/clock';
import type { FiguresService } from '../../src/figures/figures.service';
import { currentMonth, isPeriod, parsePeriod, periodBegun, periodLabel } from '../../src/figures/periods';
import type { LinkService } from '../../src/links/links.service';
import type { PictureService } from '../../src/links/picture.service';
import type { ListFilters, ListQueries } from '../../src/lists/list-queries';
import type { Logger } from '../../src/logger';
import type { MetListService } from '../../src/met-list/met-list.service';
import type { RateLimits } from '../../src/ops/rate-limit';
import type { DashboardLinks } from '../../src/people/dashboard-links.service';
import { messagePage } from './pages/layout';
import { notFoundPage, notSignedInPage, refusedPage } from './pages/sign-in';
import { isHttps, type SignedInUsers, secureHeaders, type Viewer, viewerOf } from './session';
import type { DashboardSettings } from './settings';
import type { KeySource } from './teams-sso';

/** What every dashboard route is given. */
export interface WebContext {
  users: SignedInUsers;
  clock: Clock;
  log: Logger;
  /** The words every door shares: problems are answered as in chat and the partner API. */
  messages: Messages;
  settings: DashboardSettings;
  links: DashboardLinks;
  figures: FiguresService;
  queries: ListQueries;
  /** The open alerts and Acknowledge: the core's own, as chat uses. */
  alerts: AlertService;
  /** The MET list's changes (Accept and Decline on the MET list page): the core's own, as chat uses. */
  metList: MetListService;
  /** The intelligence picture: links between reports about different children. */
  intelligence: LinkService;
  /** The picture as a whole: places, children's networks, the quarterly problem profile. */
  picture: PictureService;
  /** Sign-in attempts per address, counted in the database (shared by every instance). */
  rateLimits: RateLimits;
  /** Microsoft's signing keys, when Teams single sign-on is on. */
  keys?: KeySource;
}

export function pageNumber(req: Request): number {
  const value = Number.parseInt(String(req.query.page ?? '1'), 10);
  return Number.isFinite(value) && value >= 1 ? Math.min(value, 1_000_000) : 1;
}

const one = (value: unknown) => (typeof value === 'string' ? value : '');

export function listFilters(req: Request): ListFilters {
  const level = one(req.query.level);
  const review = one(req.query.review);
  return {
    level: level === 'high' || level === 'medium' || level === 'low' ? level : '',
    agency: /^[0-9a-f-]{36}$/.test(one(req.query.agency)) ? one(req.query.agency) : '',
    review: review === 'overdue' || review === 'soon' || review === 'none' ? review : '',
  };
}

/**
 * ?month=2026-10, a quarter (2026-Q4) or a year (2026), or words such as "october" or "last
 * quarter"; the current month when not given; never a period not yet begun.
 */
export function requestedMonth(req: Request, clock: Clock): string {
  const now = clock.now();
  const given = one(req.query.month).trim();
  if (!given) return currentMonth(now);
  const month = isPeriod(given.toUpperCase()) ? given.toUpperCase() : parsePeriod(given, now);
  if (!month) {
    throw new BadRequestError(
      'Give the month as year and month, such as 2026-10, a quarter such as 2026-Q4, or a year.',
    );
  }
  if (!periodBegun(month, now)) throw new BadRequestError(`${periodLabel(month)} hasn’t started yet.`);
  return month;
}

/** Runs a page for a signed-in viewer, turning refusals and missing things into plain pages. */
export function htmlRoute(
  ctx: WebContext,
  render: (viewer: Viewer, req: Request, res: Response) => Promise<string | undefined>,
) {
  return async (req: Request, res: Response) => {
    secureHeaders(res);
    const found = await viewerOf(req, ctx.users, ctx.links, isHttps(req, ctx.settings.publicUrl)).catch(
      (error: unknown) => {
        ctx.log.error({ err: error }, 'dashboard: reading the session failed');
        return null;
      },
    );
    if (!found) return void res.status(500).type('html').send(errorPage());
    if (!found.ok) return void res.status(401).type('html').send(notSignedInPage(found.reason));
    const { viewer } = found;
    try {
      const body = await render(viewer, req, res);
      if (body !== undefined) res.type('html').send(body);
    } catch (error) {
      const problem = problemOf(error, ctx.messages);
      if (!problem || problem.code === 'conflict.sealed') {
        ctx.log.error({ err: error, path: req.path }, 'dashboard page failed');
      }
      if (!problem) return void res.status(500).type('html').send(errorPage(viewer));
      res
        .status(problem.status)
        .type('html')
        .send(problemPage(viewer, problem, error));
    }
  };
}

function problemPage(viewer: Viewer, problem: Problem, error: unknown): string {
  if (error instanceof RefusedError) return refusedPage(viewer, error.what, error.roles);
  if (problem.code.startsWith('not-found')) return notFoundPage(viewer);
  return messagePage('That can’t be shown', [problem.message], viewer);
}

/** The same for the JSON API: the same session, the same policy, errors as { error, message }. */
export function jsonRoute(ctx: WebContext, answer: (viewer: Viewer, req: Request) => Promise<unknown>) {
  return async (req: Request, res: Response) => {
    secureHeaders(res);
    const found = await viewerOf(req, ctx.users, ctx.links, isHttps(req, ctx.settings.publicUrl)).catch(
      (error: unknown) => {
        ctx.log.error({ err: error }, 'dashboard API: reading the session failed');
        return null;
      },
    );
    if (!found)
      return void res
        .status(500)
        .json({ error: 'failed', message: 'Something went wrong. Please try again.' });
    if (!found.ok) {
      return void res.status(401).json({
        error: 'not-signed-in',
        message: 'Sign in with a link from the bot: type dashboard in a private chat with it.',
      });
    }
    try {
      res.json(await answer(found.viewer, req));
    } catch (error) {
      const problem = problemOf(error, ctx.messages) ?? internalProblem(ctx.messages);
      if (problem.code === 'internal' || problem.code === 'conflict.sealed') {
        ctx.log.error({ err: error, path: req.path }, 'dashboard API failed');
      }
      res.status(problem.status).json({ error: problem.code, message: problem.message });
    }
  };
}

export function errorPage(viewer?: Viewer): string {
  return messagePage(
    'Something went wrong',
    [
      'The dashboard could not show this page. Please try again in a minute; if it keeps happening, tell your admin.',
    ],
    viewer,
  );
}
