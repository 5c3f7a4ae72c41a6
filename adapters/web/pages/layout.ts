import { formatLondon } from '../../../src/domain/london-time';
import { roleNames } from '../../../src/domain/policy';
import { type Html, html } from '../html';
import type { Viewer } from '../session';

export type NavKey =
  | 'due'
  | 'list'
  | 'missing'
  | 'repeat'
  | 'figures'
  | 'alerts'
  | 'links'
  | 'places'
  | 'networks'
  | 'profile';

const nav: [NavKey, string, string][] = [
  ['due', '/dashboard', 'Interviews due'],
  ['list', '/dashboard/list', 'MET list'],
  ['missing', '/dashboard/missing', 'Missing now'],
  ['repeat', '/dashboard/repeat', 'Repeat missing'],
  ['figures', '/dashboard/figures', 'Monthly figures'],
  ['alerts', '/dashboard/alerts', 'Alerts'],
  ['links', '/dashboard/links', 'Links'],
  ['places', '/dashboard/places', 'Places'],
  ['networks', '/dashboard/networks', 'Networks'],
  ['profile', '/dashboard/profile', 'Problem profile'],
];

export const ASSETS = '/dashboard/assets';

export interface PageOptions {
  title: string;
  body: Html;
  viewer?: Viewer;
  current?: NavKey;
  /** Extra scripts from /dashboard/assets, run after the page is parsed. */
  scripts?: string[];
  /** Load and start the Teams JavaScript client (pages shown in the Teams tab). */
  teams?: boolean;
  bodyData?: Record<string, string>;
}

/** One page: skip link, header, navigation, main, in UK English, light or dark as the device prefers. */
export function page(options: PageOptions): string {
  const { viewer } = options;
  const teams = options.teams ?? viewer?.kind === 'tab';
  const scripts = [
    ...(teams ? [`${ASSETS}/vendor/MicrosoftTeams.min.js`, `${ASSETS}/teams-page.js`] : []),
    `${ASSETS}/dashboard.js`,
    ...(options.scripts ?? []).map((name) => (name.startsWith('/') ? name : `${ASSETS}/${name}`)),
  ];
  const data = Object.entries(options.bodyData ?? {}).map(([key, value]) => html` data-${key}="${value}"`);
  return `<!doctype html>\n${html`<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} – MET dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS}/dashboard.css">
</head>
<body${data}>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap header-row">
<p class="brand"><a href="/dashboard">MET dashboard</a></p>
${
  viewer
    ? html`<div class="who">
<p>Signed in as <strong>${viewer.actor.displayName}</strong> <span class="role">(${viewer.actor.roles.map((role) => roleNames[role].replace(/s$/, '')).join(', ')})</span></p>
<form method="post" action="/dashboard/sign-out"><button type="submit" class="link-button">Sign out</button></form>
</div>`
    : ''
}
</div>
${
  viewer
    ? html`<nav class="site-nav" aria-label="Dashboard">
<ul class="wrap">
${nav.map(
  ([key, href, label]) =>
    html`<li><a href="${href}"${key === options.current ? html` aria-current="page"` : ''}>${label}</a></li>`,
)}
</ul>
</nav>`
    : ''
}
</header>
<main id="main" class="wrap" tabindex="-1">
${options.body}
</main>
<footer class="site-footer">
<div class="wrap">
<p>OFFICIAL-SENSITIVE. Share what is necessary, with those who need it. If a child is in immediate danger, call 999.</p>
</div>
</footer>
${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}
</body>
</html>`}\n`;
}

/** A page with a heading and a few plain paragraphs: refusals, expired links, not signed in. */
export function messagePage(
  title: string,
  paragraphs: (string | Html)[],
  viewer?: Viewer,
  extra?: Html,
): string {
  return page({
    title,
    viewer,
    body: html`<h1>${title}</h1>
${paragraphs.map((p) => html`<p>${p}</p>\n`)}
${extra ?? ''}`,
  });
}

export function when(iso: string | null): Html | string {
  if (!iso) return 'Not set';
  return html`<time datetime="${iso}">${formatLondon(new Date(iso))}</time>`;
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

export function day(iso: string | null): Html | string {
  if (!iso) return 'Not set';
  return html`<time datetime="${iso}">${dayFormat.format(new Date(iso))}</time>`;
}

export function dayText(iso: string | null): string {
  return iso ? dayFormat.format(new Date(iso)) : 'Not set';
}

export const capital = (value: string | null | undefined, fallback = 'Not recorded') =>
  value ? value.charAt(0).toUpperCase() + value.slice(1).replace(/-/g, ' ') : fallback;

export function levelBadge(level: string | null): Html {
  const name = level ?? 'not set';
  return html`<span class="level level-${name.replace(/\s/g, '-')}">${capital(name)}</span>`;
}
