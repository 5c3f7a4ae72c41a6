import { terminalSession } from '../../adapters/console/session';
import type { Actor } from '../../src/access/actor';
import { timerHandlers } from '../../src/alerts/timer-handlers';
import { fixedClock, HOUR } from '../../src/domain/clock';
import type { Role } from '../../src/domain/policy';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import type { Provider } from '../../src/store/database';
import { driversOf, type Person, type SurfaceDriver, textsIn } from '../contract/drivers';
import { type AnswerBook, fillIn, plain } from '../contract/forms';
import { parseMime } from '../gateway/support/mime';
import { startSmtpServer, type TestSmtpServer } from '../gateway/support/smtp';
import { startWholeBot, type WholeBot } from '../security/whole-bot';
import { tenant } from '../teams/support';

/**
 * A small language for telling the practice's story through one surface, as the MET group would
 * read it: people who say things (`dsl.says('intelligence', …)`), ask things (`asks('due')`), and
 * a clock that passes (`clock.passes(hours(48))`). Underneath is one bot started as main.ts starts
 * it, with a real SMTP server as the police gateway, the MET coordinator's and the case file's
 * mailboxes, and the local Slack Web API and Teams connector stand-ins. Every name is invented.
 */

export const hours = (count: number) => count * HOUR;

export type Surface = 'terminal' | 'slack' | 'teams';

/** The mailboxes reports are delivered to: one SMTP server, one address each. */
export const mailboxes = {
  police: 'fib-gateway@police.example',
  coordinator: 'met-coordinator@partnership.example',
  caseFile: 'case-file@council.example',
} as const;

/** The channel each contract driver speaks in where many read (a Slack channel, a Teams channel). */
export const dutyChannel = { slack: 'C0CONTRACT', teams: '19:contract@thread.tacv2' } as const;

/** The forms a practitioner fills in, by the words the practice uses for them. */
const forms = {
  intelligence: { command: 'intel', formId: 'intelligence' },
  missing: { command: 'missing', formId: 'missing' },
  return: { command: 'found', formId: 'return' },
  'return interview': { command: 'interview', formId: 'interview' },
  'trafficking check': { command: 'check trafficking', formId: 'check-trafficking' },
  'CSE check': { command: 'check cse', formId: 'check-cse' },
} as const;
export type FormName = keyof typeof forms;

/** A report as it was sent: its reference, what the bot said at the end, and the whole exchange. */
export interface Sent {
  reference: string;
  said: string;
  transcript: string[];
}

export interface Practitioner {
  person: Person;
  actor: Actor;
  /** Fills in a form as a person would: the book's answers, `skip` for what it leaves out. */
  says(form: FormName, book: AnswerBook): Promise<Sent>;
  /** Words typed in private (a terminal, a DM, a personal chat); the bot's answer, plainly. */
  asks(text: string): Promise<string>;
  /** Words typed where everyone present reads (a Slack channel, a Teams channel). */
  inChannel(text: string): Promise<string>;
}

export interface Story {
  surface: Surface;
  whole: WholeBot;
  smtp: TestSmtpServer;
  clock: ReturnType<typeof fixedClock> & {
    passes(ms: number): Promise<void>;
    at(iso: string): Promise<void>;
  };
  /** Someone who uses metbot on this surface, with their role and agency. */
  person(id: string, name: string, role: Role, agency: string): Promise<Practitioner>;
  /** Delivers whatever is due on the outbox (reports, alert posts), as the worker would. */
  delivered(): Promise<void>;
  /** The mails the gateway's SMTP peer received about a reference, by who they went to. */
  mailsAbout(reference: string): { to: string[]; subject: string }[];
  /** The duty channel's posts that name a reference (new posts, not updates in place). */
  dutyPostsAbout(reference: string): number;
  /** Messages the bot posted in a person's direct chat on Slack or Teams that hold all these words. */
  directPostsTo(person: Person, ...words: string[]): number;
  stop(): Promise<void>;
}

/**
 * The story's bot, on a fresh database, with no duty place yet: the bot's clock is fixed and
 * passes only when the story says so; the scheduler's timers run as the clock passes them.
 */
export async function startStory(provider: Provider, surface: Surface, start: string): Promise<Story> {
  const smtp = await startSmtpServer();
  const base = fixedClock(start);
  const whole = await startWholeBot(provider, {
    keepSlackCalls: true,
    clock: base,
    env: {
      GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      GATEWAY_EMAIL_TO: mailboxes.police,
      GATEWAY_EMAIL_FROM: 'metbot@partnership.example',
      GATEWAY_SEND_MISSING: 'true',
      MET_COORDINATOR_EMAIL: mailboxes.coordinator,
      CASE_FILE_EMAIL: mailboxes.caseFile,
    },
  });
  const drivers = new Map(driversOf(whole).map((driver) => [driver.name, driver]));
  // The terminal as adapters/console runs it, for the person as they were enrolled (the contract
  // driver enrols everyone at one agency; the figures count reports by agency).
  const sessions = new Map<string, ReturnType<typeof terminalSession>>();
  const driver: SurfaceDriver =
    surface === 'terminal'
      ? {
          name: 'terminal',
          enrol: () => Promise.reject(new Error('enrol through the story')),
          async say(person, text) {
            return (await sessions.get(person.id)!.answer(text)).join('\n');
          },
        }
      : drivers.get(surface)!;
  // The terminal has no channel: its partnership's duty place is a Slack channel.
  const channelDriver: SurfaceDriver = surface === 'terminal' ? drivers.get('slack')! : driver;
  const { bot } = whole;
  const scheduler = new Scheduler(
    bot.database.db,
    bot.database.provider,
    base,
    timerHandlers(bot.core.alerts),
    createLogger('silent'),
  );
  const delivered = async () => {
    await bot.idle();
    await bot.deliverDue();
    await bot.idle();
  };
  const clock = Object.assign(base, {
    async passes(ms: number) {
      base.advance(ms);
      await scheduler.tick();
      await delivered();
    },
    async at(iso: string) {
      base.set(iso);
      await scheduler.tick();
      await delivered();
    },
  });

  const identity = (person: Person, on: Surface) =>
    on === 'slack'
      ? { platform: 'slack', workspace: 'T1', platformUserId: person.id }
      : on === 'teams'
        ? { platform: 'teams', workspace: tenant, platformUserId: person.id }
        : { platform: 'console', workspace: 'local', platformUserId: person.id };

  const story: Story = {
    surface,
    whole,
    smtp,
    clock,
    delivered,
    async person(id, name, role, agency) {
      const person: Person = { id: `${surface}-${id}`, name, role };
      const actor = await bot.core.users.ensure(
        { ...identity(person, surface), displayName: name },
        role,
        agency,
        surface === 'terminal' ? 'console' : surface,
      );
      if (surface === 'terminal') sessions.set(person.id, terminalSession(bot.core, actor));
      let inChannelToo = channelDriver === driver;
      return {
        person,
        actor,
        async says(form, book) {
          const { command, formId } = forms[form];
          const { reference, transcript } = await fillIn(
            driver,
            person,
            actor,
            bot.core,
            command,
            formId,
            book,
          );
          await delivered();
          return { reference, said: plain(transcript[transcript.length - 1]!), transcript };
        },
        async asks(text) {
          return plain(await driver.say(person, text));
        },
        async inChannel(text) {
          // A terminal user who speaks in the partnership's Slack channel is known there too.
          if (!inChannelToo)
            await bot.core.users.ensure(
              { ...identity(person, 'slack'), displayName: name },
              role,
              agency,
              'slack',
            );
          inChannelToo = true;
          return plain(await channelDriver.inChannel!(person, text));
        },
      };
    },
    mailsAbout(reference) {
      return smtp.received
        .map((mail) => ({ to: mail.to, subject: parseMime(mail.raw).headers.get('subject') ?? '' }))
        .filter((mail) => mail.subject.includes(reference));
    },
    dutyPostsAbout(reference) {
      const on = surface === 'teams' ? 'teams' : 'slack';
      if (on === 'slack')
        return whole.slack.calls.filter(
          (call) =>
            call.method === 'chat.postMessage' &&
            call.args.channel === dutyChannel.slack &&
            textsIn(call.args).join('\n').includes(reference),
        ).length;
      return whole.connector.calls.filter(
        (call) =>
          call.method === 'POST' &&
          call.conversationId.startsWith(dutyChannel.teams) &&
          textsIn({ text: call.body.text, attachments: call.body.attachments })
            .join('\n')
            .includes(reference),
      ).length;
    },
    directPostsTo(person, ...words) {
      const holds = (text: string) => words.every((word) => plain(text).includes(word));
      if (surface === 'slack')
        return whole.slack.calls.filter(
          (call) =>
            call.method === 'chat.postMessage' &&
            // The bot writes first to the member id, which Slack opens as the direct chat.
            [person.id, `D${person.id}`].includes(String(call.args.channel)) &&
            holds(textsIn(call.args).join('\n')),
        ).length;
      if (surface === 'teams')
        return whole.connector.calls.filter(
          (call) =>
            call.method === 'POST' &&
            call.conversationId === `a:personal-${person.id}` &&
            holds(textsIn({ text: call.body.text, attachments: call.body.attachments }).join('\n')),
        ).length;
      return 0;
    },
    async stop() {
      await whole.stop();
      await smtp.close();
    },
  };
  return story;
}
