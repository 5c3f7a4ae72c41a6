import {
  type Activity,
  CardFactory,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import type { Actor } from '../../src/access/actor';
import { RefusedError, refusalText } from '../../src/access/refusal';
import { helpText } from '../../src/chat/commands';
import type { Core } from '../../src/core';
import type { Logger } from '../../src/logger';
import type { Place } from '../../src/people/admin.service';
import { addressOf, identityOf, isCardSubmit, isPersonal } from './activity';
import type { ChatAddresses } from './addresses';
import type { TeamsAlertActions } from './alert-actions';
import { alertSubmitOf } from './alert-cards';
import { type CardForms, cardChannel, typedChannel } from './card-forms';
import type { AdaptiveCard } from './cards';
import type { TeamsChat } from './chat';
import { type Outgoing, say, toActivity } from './render';
import { messageText, type ShareForm } from './share-form';
import { teamsWords } from './words';

export const shareCommandId = 'shareAsIntelligence';

/** Where a typed message's delivery key waits to be claimed with the person's drafts (turnState). */
export const deliveryKey = Symbol('metbot delivery key');

/** A message typed (not a card's button): its claim is made by the bot, with the drafts it needs. */
export const isTypedMessage = (activity: Partial<Activity>): boolean =>
  activity.type === 'message' && !isCardSubmit(activity.value);

export interface BotDeps {
  core: Core;
  chat: TeamsChat;
  cards: CardForms;
  share: ShareForm;
  addresses: ChatAddresses;
  alerts: TeamsAlertActions;
  log: Logger;
}

/** Teams activities in, core calls out: messages, card submissions, installs, the message extension. */
export class MetbotTeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const added = context.activity.membersAdded ?? [];
      if (added.some((member) => member.id === context.activity.recipient.id)) await this.installed(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      const personal = isPersonal(context.activity);
      await this.remember(context.activity, personal ? await this.actor(context) : null);
      await next();
    });
  }

  private async actor(context: TurnContext): Promise<Actor | null> {
    const identity = identityOf(context.activity);
    identity.displayName ??= await this.rosterName(context);
    return this.deps.core.users.resolve(identity, 'teams');
  }

  /**
   * The person's name from the conversation's roster (the connector's member look-up), for an
   * activity that carries none, such as an install. Without it the name comes with their first message.
   */
  private async rosterName(context: TurnContext): Promise<string | undefined> {
    const userId = context.activity.from?.id;
    if (!userId) return undefined;
    try {
      const member = await TeamsInfo.getMember(context, userId);
      return member.name?.trim() || undefined;
    } catch (error) {
      this.deps.log.warn({ err: error }, 'Teams: the roster look-up failed; the name will come later');
      return undefined;
    }
  }

  /**
   * Other people @mentioned (`admin grant <at>Sam</at> met-member`, `assign … <at>Sam</at>`) are
   * written as `<@object-id|Sam>`, the form the chat reads: the Entra ID object id is how metbot
   * knows a Teams person. It comes from the mention, else from the roster (TeamsInfo.getMember).
   */
  private async mentionsAsIds(context: TurnContext, text: string): Promise<string> {
    let out = text;
    for (const mention of TurnContext.getMentions(context.activity)) {
      const who = mention.mentioned as { id?: string; name?: string; aadObjectId?: string } | undefined;
      if (
        !who?.id ||
        who.id === context.activity.recipient?.id ||
        !mention.text ||
        !out.includes(mention.text)
      )
        continue;
      let objectId = who.aadObjectId;
      if (!objectId) {
        try {
          objectId = (await TeamsInfo.getMember(context, who.id)).aadObjectId;
        } catch (error) {
          this.deps.log.warn({ err: error }, 'Teams: the roster look-up for a mention failed');
        }
      }
      if (objectId)
        out = out.replace(mention.text, `<@${objectId}|${(who.name ?? '').replace(/[|>]/g, '')}>`);
    }
    return out;
  }

  /** Keeps the conversation reference, so the bot can write here later, even after a restart. */
  private async remember(activity: Partial<Activity>, actor: Actor | null): Promise<void> {
    const { key, kind, reference } = addressOf(activity);
    if (!key) return;
    await this.deps.addresses.remember(
      key,
      kind,
      kind === 'personal' ? (actor?.id ?? null) : null,
      reference,
    );
  }

  private async installed(context: TurnContext): Promise<void> {
    const actor = isPersonal(context.activity) ? await this.actor(context) : null;
    await this.remember(context.activity, actor);
    await send(context, [say(helpText(this.deps.core.prompts.messages))]);
  }

  private async message(context: TurnContext): Promise<void> {
    const { activity } = context;
    const personal = isPersonal(activity);
    const mentioned = TurnContext.getMentions(activity).some(
      (m) => m.mentioned?.id === activity.recipient.id,
    );
    // Teams sends a channel message to a bot only when it is @mentioned; anything else is not for us.
    if (!personal && !mentioned && !isCardSubmit(activity.value)) return;
    const actor = await this.actor(context);
    await this.remember(activity, actor);
    const { conversations, clock } = this.deps.core;
    const key = context.turnState.get(deliveryKey) as string | undefined;
    if (!actor) {
      const turn = await conversations.claimAndFind(key, '', [], clock.now());
      if (!turn.claimed) return this.repeated(key);
      return send(context, [say(this.deps.core.prompts.messages.notKnown)]);
    }
    const address = addressOf(activity);
    const conversationId = address.key;
    if (isCardSubmit(activity.value)) {
      const alert = alertSubmitOf(activity.value);
      if (alert) return send(context, await this.deps.alerts.handle(context, actor, alert, personal));
      // Form cards are only ever sent to personal chats.
      const out = personal
        ? await this.deps.cards.submit(actor, conversationId, activity.value)
        : [say(teamsWords.formClosed)];
      return send(context, out);
    }
    const channels = [typedChannel(conversationId), cardChannel(conversationId)];
    const turn = await conversations.claimAndFind(key, actor.id, channels, clock.now());
    if (!turn.claimed) return this.repeated(key);
    const said = (mentioned ? TurnContext.removeRecipientMention(activity) : activity.text) ?? '';
    const text = await this.mentionsAsIds(context, said);
    // Where it was said, for "setup duty here" (after an @mention in a channel).
    const place: Place = {
      platform: 'teams',
      key: conversationId,
      kind: address.kind,
      address: JSON.stringify(address.reference),
    };
    const out = await this.deps.chat.handle(actor, conversationId, personal, text.trim(), place, turn.drafts);
    await send(context, out);
  }

  private repeated(key: string | undefined): void {
    this.deps.log.info({ key }, 'Teams: a repeated activity was ignored');
  }

  protected override async handleTeamsMessagingExtensionFetchTask(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const actor = await this.actor(context);
    if (!actor) return taskMessage(this.deps.core.prompts.messages.notKnown);
    if (action.commandId !== shareCommandId) return taskMessage(this.deps.core.prompts.messages.unknown);
    const body = action.messagePayload?.body;
    return dialog(await this.deps.share.open(actor, messageText(body?.content, body?.contentType)));
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const actor = await this.actor(context);
    if (!actor) return taskMessage(this.deps.core.prompts.messages.notKnown);
    const value = typeof action.data === 'object' && action.data !== null ? action.data : {};
    try {
      const result = await this.deps.share.submit(actor, value);
      return result.saved ? taskMessage(result.text) : dialog(result.card);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      return taskMessage(refusalText(error, this.deps.core.prompts.messages));
    }
  }
}

function dialog(card: AdaptiveCard): MessagingExtensionActionResponse {
  return {
    task: {
      type: 'continue',
      value: {
        title: teamsWords.extensionTitle,
        height: 'large',
        width: 'large',
        card: CardFactory.adaptiveCard(card),
      },
    },
  };
}

function taskMessage(text: string): MessagingExtensionActionResponse {
  return { task: { type: 'message', value: text } };
}

async function send(context: TurnContext, out: Outgoing[]): Promise<void> {
  if (out.length) await context.sendActivities(out.map(toActivity));
}
