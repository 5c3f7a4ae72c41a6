import express, { type Express, type Request, type Response } from 'express';
import { addressOf, rateLimit, refuseJson } from '../../src/ops/rate-limit';
import type { SessionKind } from '../../src/people/dashboard-links.service';
import type { WebContext } from './context';
import { errorPage } from './context';
import { messagePage } from './pages/layout';
import {
  linkRefusedPage,
  signedOutPage,
  signInPage,
  teamsConfigurePage,
  teamsTabPage,
} from './pages/sign-in';
import {
  clearedCookie,
  cookieName,
  isHttps,
  readCookies,
  sameOrigin,
  secureHeaders,
  sessionCookie,
} from './session';
import { verifyTeamsToken } from './teams-sso';

/** A pasted whole address works as well as the token alone. */
function linkToken(value: unknown): string {
  const given = typeof value === 'string' ? value.trim() : '';
  if (!given.includes('link=')) return given;
  try {
    return new URL(given, 'http://x').searchParams.get('link') ?? '';
  } catch {
    return '';
  }
}

export function mountSignIn(app: Express, ctx: WebContext): void {
  const { links, settings, log } = ctx;
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  // One allowance per address for every way in: guessing links or replaying Teams tokens is slowed alike.
  const attempts = { name: 'sign-in', limit: settings.signInPerMinute ?? 20, windowMs: 60_000 };
  const limited = (page: boolean) =>
    rateLimit(ctx.rateLimits, [{ limit: attempts, key: addressOf }], (res, seconds) => {
      if (!page) return refuseJson(res, seconds);
      secureHeaders(res);
      res
        .status(429)
        .set('Retry-After', String(seconds))
        .type('html')
        .send(
          messagePage('Please wait a moment', [
            `Too many tries to sign in. Please try again in ${seconds} seconds.`,
          ]),
        );
    });

  app.get('/dashboard/sign-in', limited(true), async (req: Request, res: Response) => {
    secureHeaders(res);
    const token = linkToken(req.query.link);
    const tab = req.query.where === 'tab';
    const state = await links.checkLink(token);
    if (state !== 'valid') return void res.status(410).type('html').send(linkRefusedPage(state));
    res.type('html').send(signInPage(token, tab));
  });

  app.post('/dashboard/sign-in', limited(true), form, async (req: Request, res: Response) => {
    secureHeaders(res);
    if (!sameOrigin(req)) {
      return void res
        .status(403)
        .type('html')
        .send(messagePage('Sign in from the link', ['Open the link the bot sent you.']));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kind: SessionKind = body.where === 'tab' ? 'tab' : 'browser';
    try {
      const result = await links.redeemLink(linkToken(body.link), kind);
      if (!result.ok) return void res.status(410).type('html').send(linkRefusedPage(result.reason));
      res.setHeader('Set-Cookie', sessionCookie(kind, result.session, isHttps(req, settings.publicUrl)));
      res.redirect(303, '/dashboard');
    } catch (error) {
      log.error({ err: error }, 'dashboard sign-in failed');
      res.status(500).type('html').send(errorPage());
    }
  });

  app.post('/dashboard/sign-out', async (req: Request, res: Response) => {
    secureHeaders(res);
    if (!sameOrigin(req)) return void res.status(403).type('html').send(errorPage());
    const cookies = readCookies(req.headers.cookie);
    const https = isHttps(req, settings.publicUrl);
    const cleared: string[] = [];
    for (const kind of ['browser', 'tab'] as const) {
      const token = cookies.get(cookieName(kind, https));
      if (!token) continue;
      await links
        .endSession(token)
        .catch((error: unknown) => log.warn({ err: error }, 'ending a session failed'));
      cleared.push(clearedCookie(kind, https));
    }
    if (cleared.length) res.setHeader('Set-Cookie', cleared);
    res.redirect(303, '/dashboard/signed-out');
  });

  app.get('/dashboard/signed-out', (_req: Request, res: Response) => {
    secureHeaders(res);
    res.type('html').send(signedOutPage());
  });

  // The Teams tab's content URL (manifest staticTabs / configurable tab).
  app.get('/dashboard/teams', (_req: Request, res: Response) => {
    secureHeaders(res);
    res.type('html').send(teamsTabPage(Boolean(settings.sso && ctx.keys)));
  });

  // The configurationUrl of a channel or meeting tab (manifest configurableTabs).
  app.get('/dashboard/teams/configure', (_req: Request, res: Response) => {
    secureHeaders(res);
    res.type('html').send(teamsConfigurePage());
  });

  app.post(
    '/dashboard/teams/sso',
    limited(false),
    express.json({ limit: '16kb' }),
    async (req: Request, res: Response) => {
      secureHeaders(res);
      const sso = settings.sso;
      if (!sso || !ctx.keys) {
        return void res
          .status(404)
          .json({ error: 'off', message: 'Teams sign-in is not set up: sign in with a link from the bot.' });
      }
      if (!sameOrigin(req))
        return void res
          .status(403)
          .json({ error: 'refused', message: 'Open the dashboard from its Teams tab.' });
      const token = typeof req.body?.token === 'string' ? req.body.token : '';
      const checked = await verifyTeamsToken(token, {
        appId: sso.appId,
        tenants: sso.tenants,
        keys: ctx.keys,
        now: () => ctx.clock.now().getTime(),
      });
      if (!checked.ok) {
        log.warn({ why: checked.why }, 'Teams tab sign-in refused');
        return void res.status(401).json({
          error: 'bad-token',
          message: 'Teams could not sign you in. Sign in with a link from the bot instead.',
        });
      }
      const { tenantId, objectId } = checked.identity;
      const userId = await ctx.users.idOf({
        platform: 'teams',
        workspace: tenantId,
        platformUserId: objectId,
      });
      if (!userId) {
        return void res.status(403).json({
          error: 'unknown-user',
          message:
            'metbot doesn’t know you yet. Say hello to the bot in Teams first, then open this tab again.',
        });
      }
      const session = await ctx.links.openSession(userId, 'tab', 'Teams single sign-on');
      res.setHeader('Set-Cookie', sessionCookie('tab', session, isHttps(req, settings.publicUrl)));
      res.json({ ok: true, next: '/dashboard' });
    },
  );
}
