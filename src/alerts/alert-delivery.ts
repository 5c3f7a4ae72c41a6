import type { Logger } from '../logger';
import type { DeliveryResult, OutboxDelivery, Transport } from '../outbox/transport';
import type { Db } from '../store/database';
import type { AlertDelivery, AlertService } from './alerts.service';
import type { AlertPost } from './surfaces';

/**
 * The outbox transport for alerts: posts to an audience's places on every surface that is on,
 * and updates every post in place when the alert is acknowledged or escalated. A post counts as
 * delivered only when a person or a place received it; until then it is retried, and the alert
 * stays open where duty officers look (`alerts`).
 */
export class AlertDeliveryTransport implements Transport {
  constructor(
    private readonly db: Db,
    private readonly alerts: AlertService,
    private readonly log: Logger,
  ) {}

  async send(message: OutboxDelivery): Promise<DeliveryResult> {
    const delivery = message.payload as AlertDelivery;
    const alert = await this.db.alert.findUnique({ where: { id: delivery.alertId } });
    if (!alert) return { ok: true };
    const view = await this.alerts.view(alert.id);
    const posts = JSON.parse(alert.posts) as AlertPost[];
    const surfaces = this.alerts.surfaces;
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
        await attempt(async () => surfaces.get(post.platform)?.updateAlert(post, view));
      }
    } else {
      const targets = await this.alerts.targets(delivery.audience, alert.subjectUserId);
      if (targets.length === 0) {
        this.log.warn(
          { alertId: alert.id, audience: delivery.audience },
          'an alert has nobody to go to yet: it stays open',
        );
        return {
          ok: false,
          retry: true,
          error: `Nobody to send it to: no ${delivery.audience} place or person can be reached yet. The alert stays open.`,
        };
      }
      for (const target of targets) {
        const surface = surfaces.get(target.platform);
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
}
