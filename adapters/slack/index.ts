import { webApi } from '@slack/bolt';
import type { Feature, FeatureDeps, FeatureFactory } from '../../src/feature';
import { registerAlertActions } from './alert-actions';
import { SlackAlertSurface } from './alerts';
import { type BoltOptions, createBolt } from './bolt-app';
import { registerCommand } from './commands';
import { registerDirectMessages } from './direct-messages';
import { registerHome } from './home';
import { exactlyOnce, WorkInHand } from './inbound';
import { registerModals } from './interactions';
import { ModalFlow } from './modal-flow';
import type { SlackParts } from './parts';
import { SlackPeople } from './people';
import { guardSlackRequests } from './request-guard';
import { slackRequestErrors } from './request-shape';
import { readSlackSettings, type SlackSettings, slackOffReason } from './settings';
import { registerShortcut } from './shortcut';

export interface SlackSurface {
  feature: Feature;
  /** Resolves when every request in hand has been answered. */
  idle(): Promise<void>;
}

/** Slack: on when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set. */
export const createSlackFeature: FeatureFactory = async (deps) => {
  const settings = readSlackSettings(deps.env);
  if (!settings) {
    return { on: false, name: 'slack', why: slackOffReason };
  }
  return { on: true, feature: createSlackSurface(deps, await whoIsTheBot(settings, deps), {}).feature };
};

/** The Slack surface with its settings already read (tests pass short retries). */
export function createSlackSurface(
  deps: Pick<FeatureDeps, 'core' | 'log'>,
  settings: SlackSettings,
  options: BoltOptions,
): SlackSurface {
  const log = deps.log.child({ surface: 'slack' });
  const { app, receiver } = createBolt(settings, log, options);
  const people = new SlackPeople(deps.core, log);
  const parts: SlackParts = { core: deps.core, log, people, modals: new ModalFlow(deps.core, people, log) };
  const work = new WorkInHand();
  app.use(work.middleware(log));
  app.use(exactlyOnce(deps.core.inbound, log));
  registerCommand(app, parts);
  registerModals(app, parts);
  registerShortcut(app, parts);
  registerDirectMessages(app, parts);
  registerHome(app, parts);
  registerAlertActions(app, parts);
  app.error(async (error) => {
    // Logged without the request: it holds what people typed.
    log.error({ err: error }, 'Slack: a request could not be handled');
  });

  const feature: Feature = {
    name: settings.appToken ? 'slack (Socket Mode)' : 'slack',
    mount(express) {
      if (!receiver) return;
      express.use('/slack/events', guardSlackRequests(log));
      express.use(receiver.router);
      express.use('/slack/events', slackRequestErrors);
    },
    // Alerts, updates in place and receipts, through the outbox.
    surface: new SlackAlertSurface(app.client),
    async start() {
      if (settings.dutyChannel) {
        // As an admin's "setup duty here" would: the open alerts are posted there too.
        const channel = settings.dutyChannel;
        await deps.core.alerts.addPlace({ platform: 'slack', key: channel, kind: 'channel', address: '{}' });
        log.info({ channel }, 'Slack: DUTY_SLACK_CHANNEL is a duty channel');
      }
      if (settings.appToken) await app.start();
    },
    idle: () => work.idle(),
    async stop() {
      if (settings.appToken) await app.stop();
      await work.idle();
    },
  };
  return { feature, idle: () => work.idle() };
}

/** Bolt needs the bot's ids to ignore its own messages; without them set, ask Slack once. */
async function whoIsTheBot(settings: SlackSettings, deps: FeatureDeps): Promise<SlackSettings> {
  if (settings.botId && settings.botUserId) return settings;
  const client = new webApi.WebClient(settings.botToken, {
    ...(settings.apiUrl && { slackApiUrl: settings.apiUrl }),
    retryConfig: { retries: 2 },
    timeout: 10_000,
  });
  try {
    const me = await client.auth.test();
    return {
      ...settings,
      botId: settings.botId ?? me.bot_id ?? '',
      botUserId: settings.botUserId ?? me.user_id ?? '',
    };
  } catch (error) {
    // Bots' messages are still ignored (by their bot_id); Slack is not needed to start the bot.
    deps.log.error(
      { err: error },
      'Slack: auth.test failed; set SLACK_BOT_ID and SLACK_BOT_USER_ID to skip it',
    );
    return { ...settings, botId: settings.botId ?? '', botUserId: settings.botUserId ?? '' };
  }
}
