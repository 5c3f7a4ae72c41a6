import type { Reply } from '../../src/conversation/reply';
import type { Feature, FeatureFactory } from '../../src/feature';
import { inboundKey } from './activity';
import { TeamsAlertActions } from './alert-actions';
import { TeamsAlertSurface } from './alerts';
import { deliveryKey, isTypedMessage, MetbotTeamsBot } from './bot';
import { CardForms } from './card-forms';
import { TeamsChat } from './chat';
import { createTeamsAdapter, mountMessages } from './http';
import { createProactive, type ProactiveOptions, type ProactiveResult } from './proactive';
import { readTeamsSettings } from './settings';
import { ShareForm } from './share-form';

export interface TeamsFeature extends Feature {
  /** Sends replies to a stored Teams conversation (its id), e.g. a confirmation or a duty alert. */
  sendProactive(addressKey: string, replies: Reply[]): Promise<ProactiveResult>;
  /** The personal chat with a user (metbot's user id), if the bot has one. */
  personalChatOf(userId: string): Promise<string | null>;
}

export interface TeamsFeatureOptions {
  proactive?: ProactiveOptions;
  /**
   * Bot Framework endpoints to use instead of Microsoft's (ToBotFromChannelOpenIdMetadataUrl and
   * the rest of ConfigurationBotFrameworkAuthentication's options): for tests only.
   */
  endpoints?: Record<string, string>;
}

/** Microsoft Teams through the Bot Framework: on with MicrosoftAppId, or TEAMS_UNAUTHENTICATED_LOCAL=true on loopback. */
export function createTeamsFeatureWith(options: TeamsFeatureOptions = {}): FeatureFactory {
  return ({ env, config, core, log }) => {
    const read = readTeamsSettings(env, config);
    if (!read.on) return { on: false, name: 'teams', why: read.why };
    const { settings } = read;
    if (!settings.authenticated) {
      log.warn(
        'Teams is running WITHOUT authentication (TEAMS_UNAUTHENTICATED_LOCAL=true and no MicrosoftAppId): ' +
          `/api/messages on ${config.HOST} believes whatever it is sent. Use this only for a local trial.`,
      );
    }
    const adapter = createTeamsAdapter(settings, log, options.endpoints);
    const addresses = core.addressesOn('teams');
    const cards = new CardForms(core, log);
    const proactive = createProactive(
      { adapter, appId: settings.appId, addresses, messages: core.prompts.messages, clock: core.clock, log },
      options.proactive,
    );
    const bot = new MetbotTeamsBot({
      core,
      chat: new TeamsChat(core, cards),
      cards,
      share: new ShareForm(core),
      addresses,
      alerts: new TeamsAlertActions({ core, addresses, proactive, log }),
      log,
    });
    const feature: TeamsFeature = {
      name: 'teams',
      mount(app) {
        mountMessages(
          app,
          adapter,
          settings.allowedTenants,
          async (context) => {
            // Teams resends an activity it got no answer to within 15 seconds: answer each once,
            // recorded in the database so that every instance agrees.
            const key = inboundKey(context.activity);
            // A typed message claims its key with the person's drafts, in one round trip (bot.ts).
            if (key && isTypedMessage(context.activity)) {
              context.turnState.set(deliveryKey, key);
              await bot.run(context);
              return;
            }
            if (key && !(await core.inbound.claim(key))) {
              log.info({ key }, 'Teams: a repeated activity was ignored');
              if (context.activity.type === 'invoke') {
                await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: {} } });
              }
              return;
            }
            await bot.run(context);
          },
          log,
        );
      },
      sendProactive: proactive.send,
      // Alerts, updates in place and receipts, through the outbox.
      surface: new TeamsAlertSurface(proactive, log),
      personalChatOf: (userId) => addresses.personalChatOf(userId),
    };
    return { on: true, feature };
  };
}

export const createTeamsFeature: FeatureFactory = createTeamsFeatureWith();
