import type { webApi } from '@slack/bolt';
import type { Actor } from '../../src/access/actor';
import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';

type WebClient = webApi.WebClient;

export interface SlackUser {
  /** The user's own workspace. */
  teamId: string;
  userId: string;
  /**
   * The name Slack gave with the request, when it gave one: slash commands and interactions give
   * the handle ("mo.example"), so the profile's name (users.info) comes first.
   */
  name?: string;
  /**
   * The workspace the request came through, when the payload names it apart from the user's:
   * a different one means a Slack Connect guest from another organisation.
   */
  viaTeamId?: string;
}

/** The workspace an Events API callback was delivered for (the installation's). */
export function eventTeamOf(body: unknown): string {
  const envelope = body as { team_id?: string; authorizations?: { team_id?: string }[] };
  return envelope.authorizations?.[0]?.team_id ?? envelope.team_id ?? '';
}

const remembered = 5000;

/** Who a Slack user is to metbot, and whether a conversation is the user's own DM with the bot. */
export class SlackPeople {
  private readonly profiles = new Map<string, { name?: string; email?: string }>();
  private readonly botDms = new Map<string, string>();

  constructor(
    private readonly core: Core,
    private readonly log: Logger,
  ) {}

  /** The known user, enrolled if the bot is set to enrol strangers; null if unknown. */
  async actor(client: WebClient, user: SlackUser): Promise<Actor | null> {
    const profile = await this.profile(client, user.userId);
    const displayName = profile.name ?? user.name ?? user.userId;
    const guest = user.viaTeamId !== undefined && user.viaTeamId !== user.teamId;
    return this.core.users.resolve(
      {
        platform: 'slack',
        workspace: user.teamId,
        platformUserId: user.userId,
        displayName,
        guest,
        ...(user.name && { handle: user.name }),
        ...(profile.email && { email: profile.email }),
      },
      'slack',
    );
  }

  /**
   * True only in the user's own DM with the bot: there (as in a modal) a child's details may be
   * shown to an entitled user. Anywhere else, even an ephemeral reply shows initials only.
   */
  async isBotDm(client: WebClient, userId: string, channelId: string): Promise<boolean> {
    if (!channelId.startsWith('D')) return false;
    let dm = this.botDms.get(userId);
    if (!dm) {
      try {
        const opened = await client.conversations.open({ users: userId });
        dm = opened.channel?.id;
      } catch (error) {
        this.log.warn({ err: error, userId }, 'Slack: could not find the DM with this user');
      }
      if (!dm) return false;
      remember(this.botDms, userId, dm);
    }
    return dm === channelId;
  }

  /**
   * The person's name from their Slack profile (display name, else real name) and their email
   * where the app may read it (users:read.email), for a grant made by email. Remembered per user.
   */
  private async profile(client: WebClient, userId: string): Promise<{ name?: string; email?: string }> {
    const known = this.profiles.get(userId);
    if (known) return known;
    try {
      const info = await client.users.info({ user: userId });
      const name =
        info.user?.profile?.display_name?.trim() ||
        info.user?.real_name?.trim() ||
        info.user?.name ||
        undefined;
      const email = info.user?.profile?.email || undefined;
      const found = { ...(name && { name }), ...(email && { email }) };
      if (name) remember(this.profiles, userId, found);
      return found;
    } catch (error) {
      this.log.warn({ err: error, userId }, 'Slack: users.info failed; using the name the request gave');
    }
    return {};
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= remembered) map.delete(map.keys().next().value!);
  map.set(key, value);
}
