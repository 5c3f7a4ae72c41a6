import { createSlackSurface, type SlackSurface } from '../../adapters/slack/index';
import type { Actor } from '../../src/access/actor';
import type { Role } from '../../src/domain/policy';
import { createLogger, type Logger } from '../../src/logger';
import { createApp, listen, type RunningServer } from '../../src/server';
import type { Provider } from '../../src/store/database';
import type { FieldCipher } from '../../src/store/field-crypto';
import { createTestCore, type TestCore } from '../support/core';
import type { TestDatabase } from '../support/databases';
import {
  type Answers,
  blockAction,
  buttonAction,
  commandBody,
  eventBody,
  interactionBody,
  type OpenView,
  type Person,
  type SendOptions,
  type Sent,
  SIGNING_SECRET,
  send,
  viewSubmission,
} from './slack-requests';
import { SlackWebApiStandIn, type WebApiCall } from './web-api-stand-in';

/** metbot with its Slack surface on a fresh database, a local Web API stand-in, over real HTTP. */
export class SlackHarness {
  private constructor(
    readonly core: TestCore,
    readonly database: TestDatabase,
    readonly slack: SlackWebApiStandIn,
    readonly surface: SlackSurface,
    readonly server: RunningServer,
    readonly cipher: FieldCipher,
  ) {}

  static async start(provider: Provider, log: Logger = createLogger('silent')): Promise<SlackHarness> {
    const { core, database, cipher } = await createTestCore(provider);
    const slack = await new SlackWebApiStandIn().start();
    const surface = createSlackSurface(
      { core, log },
      {
        signingSecret: SIGNING_SECRET,
        botToken: 'xoxb-test-token',
        apiUrl: slack.apiUrl,
        botId: 'BBOT',
        botUserId: 'UBOT',
      },
      // Retries kept short so that a test waits milliseconds, not the real backoff.
      { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 } },
    );
    const server = await listen(createApp(database, [surface.feature]), 0, '127.0.0.1', log);
    await surface.feature.start?.();
    return new SlackHarness(core, database, slack, surface, server, cipher);
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.surface.feature.stop?.();
    await this.slack.stop();
    await this.database.destroy();
  }

  /** Waits until every request in hand has been answered (its Web API calls made). */
  idle(): Promise<void> {
    return this.surface.idle();
  }

  person(user: string, role: Role, name = `Tester ${user}`): Promise<Actor> {
    return this.core.users.ensure(
      { platform: 'slack', workspace: 'T1', platformUserId: user, displayName: name },
      role,
      'Example Agency',
      'slack',
    );
  }

  async command(text: string, who: Person, channel = 'C1', options: SendOptions = {}): Promise<Sent> {
    const sent = await send(
      this.url,
      commandBody(text, who, channel, `${this.slack.url}/respond/${channel}`),
      'application/x-www-form-urlencoded',
      options,
    );
    await this.idle();
    return sent;
  }

  async interact(payload: Record<string, unknown>, options: SendOptions = {}): Promise<Sent> {
    const sent = await send(this.url, interactionBody(payload), 'application/x-www-form-urlencoded', options);
    await this.idle();
    return sent;
  }

  async event(event: Record<string, unknown>, eventId?: string, options: SendOptions = {}): Promise<Sent> {
    const sent = await send(this.url, eventBody(event, eventId), 'application/json', options);
    await this.idle();
    return sent;
  }

  /** A DM to the bot, as Slack delivers it (message.im). */
  dm(who: Person, text: string, eventId?: string, extra: Record<string, unknown> = {}): Promise<Sent> {
    return this.event(
      {
        type: 'message',
        channel: SlackWebApiStandIn.dmOf(who.user),
        channel_type: 'im',
        user: who.user,
        text,
        ts: `${Date.now() / 1000}`,
        ...extra,
      },
      eventId,
    );
  }

  /** The modal the last views.open opened, to fill in like a person. */
  openedModal(who: Person): ModalSession {
    const opened = this.slack.callsTo('views.open').at(-1);
    if (!opened) throw new Error('no modal was opened');
    const view = { ...(opened.args.view as OpenView), id: `V-open-${Date.now()}`, hash: 'hash-open' };
    return new ModalSession(this, view, who);
  }

  /** Every call whose `channel` is a channel others can read (not a DM, not a user id). */
  callsToChannels(): WebApiCall[] {
    return this.slack.calls.filter(
      (call) => call.method === 'response_url' || /^[CG]/.test(String(call.args.channel ?? '')),
    );
  }
}

/**
 * A modal as Slack holds it: a stack of views (push adds one, update replaces the top one, the
 * close button takes the top one off). Answers are submitted and the views Slack is given followed.
 */
export class ModalSession {
  private pushes = 0;
  /** The views under the one shown, oldest first. */
  private readonly below: OpenView[] = [];
  /** False once the last view is closed. */
  open = true;

  constructor(
    private readonly harness: SlackHarness,
    public view: OpenView,
    private readonly who: Person,
  ) {}

  get fields(): string[] {
    return this.view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id!);
  }

  /** How many views Slack holds for this modal. */
  get depth(): number {
    return this.open ? this.below.length + 1 : 0;
  }

  /** The step's title as the view shows it ("Step 2 of 5: Last seen and police"). */
  get stepTitle(): string {
    const context = this.view.blocks.find((b) => b.type === 'context') as
      | { elements: { text: string }[] }
      | undefined;
    return context?.elements[0]?.text ?? '';
  }

  /** A person picks an answer that other questions depend on (dispatch_action). */
  async choose(field: string, answers: Answers): Promise<void> {
    const sent = await this.harness.interact(blockAction(this.view, field, answers, this.who));
    if (sent.status !== 200) throw new Error(`block action answered ${sent.status}`);
    this.followUpdate();
  }

  /** Presses the Back button in the view, having typed these answers first. */
  async back(answers: Answers = {}): Promise<void> {
    const sent = await this.harness.interact(buttonAction(this.view, 'metbot_back', answers, this.who));
    if (sent.status !== 200) throw new Error(`Back answered ${sent.status}`);
    this.followUpdate();
  }

  /** Presses Slack's own close button ("Cancel" or "Back"): the view under it shows again. */
  close(): void {
    const under = this.below.pop();
    if (under) this.view = under;
    else this.open = false;
  }

  /** Presses the view's submit button; follows a push or an update; returns Slack's answer. */
  async submit(answers: Answers = {}): Promise<Record<string, unknown>> {
    const sent = await this.harness.interact(viewSubmission(this.view, answers, this.who));
    if (sent.status !== 200) throw new Error(`view submission answered ${sent.status}`);
    const answer = sent.text ? sent.json() : {};
    const next = answer.view as OpenView | undefined;
    if (answer.response_action === 'push' && next) {
      // Slack refuses a fourth view in a modal's stack (views.push docs).
      if (this.below.length >= 2) throw new Error('Slack holds at most three views in a modal');
      this.pushes += 1;
      this.below.push(this.view);
      this.view = { ...next, id: `V-push-${this.pushes}`, hash: `hash-push-${this.pushes}` };
    } else if (answer.response_action === 'update' && next) {
      this.view = { ...next, id: this.view.id, hash: `${this.view.hash}+` };
    } else if (answer.response_action === 'clear') {
      this.below.length = 0;
      this.open = false;
    }
    return answer;
  }

  /** The view views.update last replaced this one with. */
  private followUpdate(): void {
    const update = this.harness.slack.callsTo('views.update').at(-1);
    if (!update || update.args.view_id !== this.view.id) throw new Error('the view was not updated');
    this.view = { ...(update.args.view as OpenView), id: this.view.id, hash: `${this.view.hash}+` };
  }
}
