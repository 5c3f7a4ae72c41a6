import type { Request, Response } from 'express';
import { isRole } from '../../src/domain/policy';
import type { Actor } from '../../src/services/actor';
import type { DashboardLinks, SessionKind } from '../../src/services/dashboard-links.service';
import type { Db } from '../../src/store/database';

/**
 * The dashboard's session cookie. In a browser it is HttpOnly and SameSite=Strict (Secure
 * behind HTTPS). Inside the Teams tab the page is a cross-site frame, where a Strict or Lax
 * cookie is never sent, so the tab's cookie is SameSite=None; Secure; Partitioned (CHIPS:
 * kept only for this site inside Teams); it is a separate cookie with its own session.
 */
export const cookieNames: Record<SessionKind, string> = { browser: 'metbot_dashboard', tab: 'metbot_tab' };

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
  const parts = [`${cookieNames[kind]}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly'];
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

/** The signed-in user behind a request, their role read afresh so a changed role counts at once. */
export async function viewerOf(req: Request, db: Db, links: DashboardLinks): Promise<ViewerResult> {
  const cookies = readCookies(req.headers.cookie);
  let reason: 'none' | 'ended' | 'idle' | 'expired' = 'none';
  for (const kind of ['browser', 'tab'] as const) {
    const token = cookies.get(cookieNames[kind]);
    if (!token) continue;
    const session = await links.touchSession(token);
    if (!session.ok) {
      reason = session.reason;
      continue;
    }
    const user = await db.user.findUnique({ where: { id: session.userId }, include: { agency: true } });
    if (!user || !isRole(user.role)) return { ok: false, reason: 'unknown-user' };
    return {
      ok: true,
      viewer: {
        kind: session.kind,
        token,
        actor: {
          id: user.id,
          displayName: user.displayName,
          role: user.role,
          agencyId: user.agencyId,
          agencyName: user.agency?.name ?? null,
          platform: user.platform,
          workspace: user.workspace,
          surface: session.kind === 'tab' ? 'teams-tab' : 'dashboard',
        },
      },
    };
  }
  return { ok: false, reason };
}

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
      // The Teams tab shows these pages in a frame inside Teams (web, desktop and mobile).
      "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://*.skype.com https://*.office.com https://*.microsoft365.com https://*.cloud.microsoft",
    ].join('; '),
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', options.cache ? 'public, max-age=3600' : 'no-store');
}
