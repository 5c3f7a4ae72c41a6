import type { Place } from '../../src/people/admin.service';

/**
 * Where a message was said, as the core keeps it for "setup duty here": a DM (D…) is personal,
 * anything else (a public or private channel) a channel the bot can post alerts to.
 */
export function slackPlace(channel: string, team: string): Place {
  return {
    platform: 'slack',
    key: channel,
    kind: channel.startsWith('D') ? 'personal' : 'channel',
    address: JSON.stringify({ channel, team }),
  };
}
