import type { Transporter } from 'nodemailer';
import type { AlertView } from '../../src/alerts/alerts.service';
import type { AlertPost, Surface, SurfaceTarget } from '../../src/alerts/surfaces';
import { formatLondon } from '../../src/domain/london-time';
import type { Place } from '../../src/people/admin.service';

/** DUTY_EMAIL as a duty place: one place, whatever the addresses are set to today. */
export const dutyMailbox: Place = { platform: 'email', key: 'duty-email', kind: 'channel', address: '{}' };

export interface DutyEmailOptions {
  mailer: Transporter;
  from: string;
  to: string[];
  /** PUBLIC_URL: the email links to the dashboard when it is set. */
  publicUrl?: string;
}

/**
 * The duty mailbox (DUTY_EMAIL), a place alerts are posted to like a duty channel, through the
 * gateway's SMTP client and the outbox, so a send that fails is retried. Like a channel post, it
 * carries the category, the reference, the initials and a link: never the child's name or date
 * of birth, which only entitled people see, in the bot or on the dashboard.
 */
export class DutyEmailSurface implements Surface {
  readonly platform = dutyMailbox.platform;

  constructor(private readonly options: DutyEmailOptions) {}

  async postAlert(target: SurfaceTarget, view: AlertView): Promise<AlertPost> {
    const { mailer, from, to, publicUrl } = this.options;
    const reference = view.reference ?? view.id.slice(0, 8);
    const messageId = `<${view.id}.duty-email@metbot>`;
    const lines = [
      view.category,
      '',
      `Reference: ${reference}`,
      `Child: ${view.initials ?? 'not known'}`,
      ...(view.level ? [`Level: ${view.level}`] : []),
      `Raised: ${formatLondon(new Date(view.raisedAt))}`,
      '',
      `Nobody has acknowledged it yet. A duty officer can acknowledge it in chat by typing: ack ${reference}`,
      ...(publicUrl ? [`Open alerts on the dashboard: ${new URL('/dashboard/alerts', publicUrl)}`] : []),
      '',
      "The child's details are shown only in metbot, to people entitled to see them.",
    ];
    // Thrown on failure: the outbox tries again later, with the same Message-ID.
    await mailer.sendMail({
      from,
      to,
      subject: `OFFICIAL-SENSITIVE: ${view.category}: ${reference} (${view.initials ?? 'no initials'})`,
      text: `${lines.join('\n')}\n`,
      messageId,
      priority: 'high',
      headers: { 'X-Metbot-Alert-Id': view.id, 'X-Metbot-Reference': reference },
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return { platform: this.platform, key: target.key, messageId };
  }

  /** A sent email cannot be changed: an acknowledgement shows in chat, in `alerts` and on the dashboard. */
  async updateAlert(): Promise<void> {}

  /** Nobody's own chat is the duty mailbox: it is sent alerts only. */
  async tell(): Promise<void> {}
}
