import type { webApi } from '@slack/bolt';
import type { AlertView } from '../../src/alerts/alerts.service';
import type { AlertPost, Surface, SurfaceTarget } from '../../src/alerts/surfaces';
import { alertMessage } from './alert-blocks';
import { escapeMrkdwn } from './escape';

type WebClient = webApi.WebClient;

/** A Slack user id (U…, or W… on Enterprise Grid), as opposed to a channel id. */
const isUserId = (key: string) => /^[UW][A-Z0-9]+$/.test(key);

/**
 * How the bot speaks first in Slack: alerts with buttons in a channel or a DM, updated in place,
 * and direct messages to one person. A failure is thrown: the outbox tries again later.
 */
export class SlackAlertSurface implements Surface {
  readonly platform = 'slack';

  constructor(private readonly client: WebClient) {}

  /** A channel posts as is; a person is written to in their DM with the bot. */
  async postAlert(target: SurfaceTarget, view: AlertView): Promise<AlertPost> {
    const channel = await this.channelOf(target.key);
    const posted = await this.client.chat.postMessage({ channel, ...alertMessage(view) });
    if (!posted.ts) throw new Error('Slack: chat.postMessage gave no ts for the alert');
    // The key stays the target's, so that a retry of this delivery knows it was posted here.
    return { platform: this.platform, key: target.key, messageId: posted.ts };
  }

  async updateAlert(post: AlertPost, view: AlertView): Promise<void> {
    const channel = await this.channelOf(post.key);
    await this.client.chat.update({ channel, ts: post.messageId, ...alertMessage(view) });
  }

  /** Text for one person, in their DM with the bot. Our own words: escaped all the same. */
  async tell(target: SurfaceTarget, text: string): Promise<void> {
    const channel = await this.channelOf(target.key);
    await this.client.chat.postMessage({ channel, text: escapeMrkdwn(text), mrkdwn: true });
  }

  /** A channel id as it is; a user's DM with the bot opened (or found) with conversations.open. */
  private async channelOf(key: string): Promise<string> {
    if (!isUserId(key)) return key;
    const opened = await this.client.conversations.open({ users: key });
    const id = opened.channel?.id;
    if (!id) throw new Error('Slack: conversations.open gave no channel');
    return id;
  }
}
