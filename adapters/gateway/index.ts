import type { Surface } from '../../src/alerts/surfaces';
import { parseSettings } from '../../src/config';
import type { FeatureFactory } from '../../src/feature';
import { deliveryRoutes, GatewaySettingsSchema } from '../../src/outbox/settings';
import { destinations, type Transports } from '../../src/outbox/transport';
import { DutyEmailSurface, dutyMailbox } from './duty-email';
import { createEmailTransport, createMailer } from './email';
import { createWebhookTransport } from './webhook';

const name = 'Police gateway';

/**
 * The police gateway: email (nodemailer) and an HTTPS webhook, each on when its settings are set.
 * It adds its transports to `transports`, the map the outbox worker (src/outbox/feature.ts)
 * delivers through. With neither set, records are still kept, and start-up says nothing is sent.
 */
export function gatewayFeature(transports: Transports): FeatureFactory {
  return ({ env, config, core, log }) => {
    const settings = parseSettings(GatewaySettingsSchema, env);
    if (!settings.GATEWAY_SMTP_URL && !settings.GATEWAY_WEBHOOK_URL) {
      return {
        on: false,
        name,
        why: 'nothing is being sent to the police: set GATEWAY_SMTP_URL, GATEWAY_EMAIL_TO and GATEWAY_EMAIL_FROM, or GATEWAY_WEBHOOK_URL and GATEWAY_WEBHOOK_SECRET; reports are still kept',
      };
    }
    const on: string[] = [];
    const closers: (() => void)[] = [];
    let dutyEmail: Surface | undefined;
    if (settings.GATEWAY_SMTP_URL) {
      const mailer = createMailer({ url: settings.GATEWAY_SMTP_URL });
      closers.push(() => mailer.close());
      const email = { mailer, from: settings.GATEWAY_EMAIL_FROM![0]!, prompts: core.prompts };
      /** One mailbox, one destination, through the same SMTP client. */
      const mailbox = (destination: string, to: string[], what: string) => {
        transports.set(destination, createEmailTransport({ ...email, to, destination }));
        on.push(`${what} ${to.join(', ')}`);
      };
      mailbox(destinations.gatewayEmail, settings.GATEWAY_EMAIL_TO!, 'email to');
      if (settings.MET_COORDINATOR_EMAIL)
        mailbox(destinations.metCoordinator, settings.MET_COORDINATOR_EMAIL, 'MET coordinator');
      if (settings.CASE_FILE_EMAIL) mailbox(destinations.caseFile, settings.CASE_FILE_EMAIL, 'case file');
      if (settings.DUTY_EMAIL) {
        dutyEmail = new DutyEmailSurface({ ...email, to: settings.DUTY_EMAIL, publicUrl: config.PUBLIC_URL });
        on.push(`duty alerts to ${settings.DUTY_EMAIL.join(', ')}`);
      }
    }
    if (settings.GATEWAY_WEBHOOK_URL) {
      transports.set(
        destinations.gatewayWebhook,
        createWebhookTransport({
          url: settings.GATEWAY_WEBHOOK_URL,
          secret: settings.GATEWAY_WEBHOOK_SECRET!,
        }),
      );
      on.push(`webhook to ${new URL(settings.GATEWAY_WEBHOOK_URL).host}`);
    }
    const routes = Object.entries(deliveryRoutes(settings)).map(
      ([type, list]) => `${type} → ${list.join(', ')}`,
    );
    return {
      on: true,
      feature: {
        name: `${name} (${on.join('; ')})`,
        // The duty mailbox is a duty place: alerts reach it through the outbox, like a channel.
        ...(dutyEmail && { surface: dutyEmail }),
        async start() {
          // Open alerts are emailed when the mailbox is first set (once each: the outbox key says so).
          if (dutyEmail) await core.alerts.addPlace(dutyMailbox);
          log.info({ routes }, `${name}: ${routes.length ? routes.join('; ') : 'no record type is routed'}`);
        },
        // Runs after the outbox worker has stopped (features stop in order), so no send is cut off.
        async stop() {
          for (const close of closers) close();
        },
      },
    };
  };
}
