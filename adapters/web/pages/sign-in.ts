import { LINK_MINUTES } from '../../../src/people/dashboard-link-times';
import { html } from '../html';
import type { Viewer } from '../session';
import { messagePage, page } from './layout';

const askTheBot = 'Ask the bot for a new link: type dashboard in a private chat with it.';

/**
 * The link opens this page; only the button uses the link up. Link previews (Slack, Teams) and
 * mail scanners fetch a link before the person clicks it: a GET must never spend it.
 */
export function signInPage(link: string, tab: boolean): string {
  return page({
    title: 'Sign in',
    teams: tab,
    body: html`<h1>Sign in to the MET dashboard</h1>
<p>This link is yours and works once. Press the button to sign in.</p>
<form method="post" action="/dashboard/sign-in">
<input type="hidden" name="link" value="${link}">
${tab ? html`<input type="hidden" name="where" value="tab">` : ''}
<button type="submit">Sign in</button>
</form>`,
  });
}

export function linkRefusedPage(reason: 'expired' | 'used'): string {
  return reason === 'expired'
    ? messagePage('This link has expired', [`Sign-in links work for ${LINK_MINUTES} minutes.`, askTheBot])
    : messagePage('This link has already been used', ['Each sign-in link works once.', askTheBot]);
}

export function signedOutPage(): string {
  return messagePage('You have signed out', [
    'To sign in again, type dashboard in a private chat with the bot.',
  ]);
}

export function notSignedInPage(reason: string): string {
  const why =
    reason === 'idle'
      ? 'You were signed out because the dashboard was not used for a while.'
      : reason === 'expired'
        ? 'You were signed out because sessions last at most 12 hours.'
        : 'You need to sign in to see the MET dashboard.';
  return messagePage('Please sign in', [
    why,
    'Type dashboard in a private chat with the bot (Slack or Teams) and it will send you a sign-in link.',
  ]);
}

export function refusedPage(viewer: Viewer, what: string, roles: string): string {
  return messagePage(
    'You can’t open this page',
    [
      `Sorry, ${what} is only for ${roles}.`,
      'If your work needs it, ask your safeguarding partnership’s admin to change your role.',
    ],
    viewer,
  );
}

export function notFoundPage(viewer: Viewer | undefined): string {
  return messagePage('Page not found', ['Check the address, or go back to the dashboard.'], viewer);
}

/** The Teams tab's first page: signs in through Teams when it can, or takes a pasted link. */
export function teamsTabPage(sso: boolean): string {
  return page({
    title: 'MET dashboard in Teams',
    teams: true,
    scripts: ['teams-tab.js'],
    bodyData: { sso: sso ? 'on' : 'off' },
    body: html`<h1>MET dashboard</h1>
<p id="tab-status" role="status">${sso ? 'Signing you in through Teams…' : 'Sign in with a link from the bot.'}</p>
<form id="paste-link" method="post" action="/dashboard/sign-in"${sso ? html` hidden` : ''}>
<input type="hidden" name="where" value="tab">
<div class="field">
<label for="link">Sign-in link</label>
<p class="hint" id="link-hint">Type dashboard in your chat with the bot, copy the link it sends, and paste it here.</p>
<input id="link" name="link" type="text" autocomplete="off" spellcheck="false" aria-describedby="link-hint" required>
</div>
<button type="submit">Sign in</button>
</form>`,
  });
}

/** The configuration page Teams shows when the dashboard is added as a tab to a channel or meeting. */
export function teamsConfigurePage(): string {
  return page({
    title: 'Add the MET dashboard tab',
    teams: true,
    scripts: ['teams-config.js'],
    body: html`<h1>Add the MET dashboard</h1>
<p>This adds the MET dashboard as a tab. Everyone who opens it signs in as themselves and sees only what their role allows: the lists and figures are for MET group members and duty officers.</p>
<p>Choose <strong>Save</strong> to add it.</p>`,
  });
}
