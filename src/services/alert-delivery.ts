import type { Logger } from '../logger';
import type { DeliveryResult, OutboxDelivery, Transport } from '../outbox/transport';
import type { Db } from '../store/database';
import type { AlertDelivery, AlertService } from './alerts.service';
import { type AlertPost, type Surfaces, type SurfaceTarget, userTargets } from './surfaces';

/**
 * The outbox transport for alerts: posts to an audience's places on every surface that is on,
 * and updates every post in place when the alert is acknowledged or escalated.
 */
export class AlertDeliveryTransport implements Transport {
  constructor(
    private readonly db: Db,
    private readonly alerts: AlertService,
    private readonly surfaces: Surfaces,
    private readonly log: Logger,
  ) {}

  async send(message: OutboxDelivery): Promise<DeliveryResult> {
    const delivery = message.payload as AlertDelivery;
    const alert = await this.db.alert.findUnique({ where: { id: delivery.alertId } });
    if (!alert) return { ok: true };
    const view = await this.alerts.view(alert.id);
    const posts = JSON.parse(alert.posts) as AlertPost[];
    // One unreachable place (a channel the bot was removed from) must not hold up the others:
    // each is tried, and the message is retried only for those that failed.
    const errors: string[] = [];
    const attempt = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    };
    if (delivery.kind === 'update') {
      for (const post of posts) {
        await attempt(async () => this.surfaces.get(post.platform)?.updateAlert(post, view));
      }
    } else {
      const targets = await this.targets(delivery.audience, alert.subjectUserId);
      if (targets.length === 0) {
        this.log.warn({ alertId: alert.id, audience: delivery.audience }, 'an alert has nowhere to go');
      }
      for (const target of targets) {
        const surface = this.surfaces.get(target.platform);
        // A retry skips the places already posted to.
        if (!surface || posts.some((p) => p.platform === target.platform && p.key === target.key)) continue;
        await attempt(async () => {
          posts.push(await surface.postAlert(target, view));
          await this.db.alert.update({ where: { id: alert.id }, data: { posts: JSON.stringify(posts) } });
        });
      }
    }
    return errors.length ? { ok: false, retry: true, error: errors.join('; ').slice(0, 1000) } : { ok: true };
  }

  /** The places an audience means. */
  async targets(audience: string, subjectUserId: string | null): Promise<SurfaceTarget[]> {
    switch (audience) {
      case 'duty':
      case 'met-coordinator': {
        const channels = await this.db.chatAddress.findMany({
          where: { purpose: audience, removedAt: null },
        });
        if (channels.length || audience === 'duty') {
          return channels.map((c) => ({
            platform: c.platform,
            kind: 'channel',
            key: c.key,
            address: c.address,
          }));
        }
        return userTargets(this.db, this.surfaces, { role: 'met-member' });
      }
      case 'interviewer':
        return subjectUserId ? userTargets(this.db, this.surfaces, { id: subjectUserId }) : [];
      case 'admins':
        return userTargets(this.db, this.surfaces, { role: 'admin' });
      default:
        // The lead professional is recorded as a name on the MET list, not as a user: not reachable.
        return [];
    }
  }
}
