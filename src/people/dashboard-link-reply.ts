import type { Actor } from '../access/actor';
import { authorise } from '../access/refusal';
import { type Reply, text } from '../conversation/reply';
import { formatLondon } from '../domain/london-time';
import { LINK_MINUTES } from './dashboard-link-times';
import { mayUseDashboard, signInUrl } from './dashboard-links.service';

/** What the reply needs of the dashboard links: a one-time sign-in link for a user. */
export interface SignInLinks {
  issueLink(userId: string): Promise<{ token: string; expiresAt: Date }>;
}

/**
 * What `dashboard` answers in chat (the lead wires it into chat.service.ts): a single-use link,
 * only in a private place, only to roles the dashboard is for. A refusal is thrown as
 * RefusedError, which the chat already turns into its plain answer.
 */
export async function dashboardLinkReply(
  deps: { links: SignInLinks; publicUrl?: string },
  actor: Actor,
  audience: { private: boolean },
): Promise<Reply> {
  if (!mayUseDashboard(actor.roles)) authorise(actor, 'ask-met-list');
  if (!audience.private) {
    return text('I only send sign-in links in a private chat. Message me directly and type *dashboard*.');
  }
  if (!deps.publicUrl) {
    return text(
      "The dashboard's web address isn't set up yet. Please ask your admin to set PUBLIC_URL.",
      'warning',
    );
  }
  const { token, expiresAt } = await deps.links.issueLink(actor.id);
  return text(
    [
      `Here is your link to the MET dashboard. It works once, until ${formatLondon(expiresAt)} (${LINK_MINUTES} minutes):`,
      signInUrl(deps.publicUrl, token),
      "Please don't forward it: it signs you in as you.",
    ].join('\n'),
  );
}
