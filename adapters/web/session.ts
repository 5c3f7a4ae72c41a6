import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../../src/access/actor';
import type { DashboardLinks, SessionKind } from '../../src/people/dashboard-links.service';
import type { UserService } from '../../src/people/users.service';

/**
 * The dashboard's session cookie. In a browser it is HttpOnly and SameSite=Strict (Secure
 * behind HTTPS). Inside the Teams tab the page is a cross-site frame, where a Strict or Lax
 * cookie is never sent, so the tab's cookie is SameSite=None; Secure; Partitioned (CHIPS:
 * kept only for this site inside Teams); it is a separate cookie with its own session.
 * Over HTTPS both names carry the __Host- prefix: the browser then keeps the cookie only if it is
 * Secure, Path=/ and has no Domain, so no other host (a subdomain) can set or overwrite it.
 */
export const cookieNames: Record<SessionKind, string> = { browser: 'metbot_dashboard', tab: 'metbot_tab' };

export function cookieName(kind: SessionKind, https: boolean): string {
  return https ? `__Host-${cookieNames[kind]}` : cookieNames[kind];
}

export interface Viewer {
  actor: Actor;
  kind: SessionKind;
  token: string;
}

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    try {
      if (name && !cookies.has(name)) cookies.set(name, decodeURIComponent(value));
    } catch {
      // A cookie we did not write and cannot decode: ignore it.
    }
  }
  return cookies;
}

export function isHttps(req: Request, publicUrl?: string): boolean {
  return req.secure || (publicUrl?.startsWith('https://') ?? false);
}

export function sessionCookie(kind: SessionKind, token: string, https: boolean): string {
  const parts = [`${cookieName(kind, https)}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly'];
  if (kind === 'browser') parts.push('SameSite=Strict');
  // SameSite=None needs Secure; on plain http (trying it locally) Lax is the best there is.
  else parts.push(https ? 'SameSite=None' : 'SameSite=Lax');
  if (https) parts.push('Secure');
  if (kind === 'tab' && https) parts.push('Partitioned');
  return parts.join('; ');
}

export function clearedCookie(kind: SessionKind, https: boolean): string {
  return `${sessionCookie(kind, '', https)}; Max-Age=0`;
}

export type ViewerResult =
  | { ok: true; viewer: Viewer }
  | { ok: false; reason: 'none' | 'ended' | 'idle' | 'expired' | 'unknown-user' };

/**
 * The signed-in user behind a request, their role read afresh so a changed role counts at once.
 * Over HTTPS only the __Host- cookies count: one without the prefix may have been set by another host.
 */
export async function viewerOf(
  req: Request,
  users: SignedInUsers,
  links: DashboardLinks,
  https: boolean,
): Promise<ViewerResult> {
  const cookies = readCookies(req.headers.cookie);
  let reason: 'none' | 'ended' | 'idle' | 'expired' = 'none';
  for (const kind of ['browser', 'tab'] as const) {
    const token = cookies.get(cookieName(kind, https));
    if (!token) continue;
    const session = await links.touchSession(token);
    if (!session.ok) {
      reason = session.reason;
      continue;
    }
    const actor = await users.signedIn(session.userId, session.kind === 'tab' ? 'teams-tab' : 'dashboard');
    if (!actor) return { ok: false, reason: 'unknown-user' };
    return { ok: true, viewer: { kind: session.kind, token, actor } };
  }
  return { ok: false, reason };
}

/** Who the dashboard's sessions belong to: the core's people. */
export type SignedInUsers = Pick<UserService, 'signedIn' | 'idOf'>;

/**
 * A form post must come from our own pages: the Origin header names the site that sent it.
 * With SameSite=Strict this is belt and braces; for the tab's SameSite=None cookie it matters.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return req.headers['sec-fetch-site'] !== 'cross-site';
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * When PUBLIC_URL is https, every dashboard response tells the browser to use HTTPS only, for a
 * year, on this host and its subdomains (HSTS). Not on plain http: a local trial must stay reachable.
 */
export function strictTransport(publicUrl: string | undefined) {
  const on = publicUrl?.startsWith('https://') ?? false;
  return (_req: Request, res: Response, next: NextFunction) => {
    if (on) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}

/** Headers every dashboard response carries: nothing cached, nothing leaked, framed only by Teams. */
export function secureHeaders(res: Response, options: { cache?: boolean } = {}): void {
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "object-src 'none'",
      // The Teams tab shows these pages in a frame inside Teams (web, desktop and mobile): only the
      // hosts Microsoft documents for Teams itself (tab requirements), not Outlook's or Microsoft
      // 365's, whose wildcards (*.office.com, *.microsoft365.com, *.cloud.microsoft) would let any
      // page on those domains frame the dashboard.
      "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://teams.cloud.microsoft",
    ].join('; '),
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', options.cache ? 'public, max-age=3600' : 'no-store');
}
