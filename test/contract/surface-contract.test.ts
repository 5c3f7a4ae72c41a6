import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { type Command, type CommandName, commands, helpKeys } from '../../src/chat/commands';
import type { Clock } from '../../src/domain/clock';
import { ApiTokenService } from '../../src/people/api-tokens.service';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';
import { leaves, parseMime } from '../gateway/support/mime';
import { startSmtpServer, type TestSmtpServer } from '../gateway/support/smtp';
import { startWholeBot, type WholeBot } from '../security/whole-bot';
import { providers } from '../support/databases';
import { driversOf, type Person, type SurfaceDriver } from './drivers';
import { type AnswerBook, fillIn, plain, questionAsked } from './forms';

/**
 * The surface contract: what every door to metbot does the same way. The terminal, Slack and
 * Teams each pass it through their driver (test/contract/drivers.ts), on one bot started as
 * main.ts starts it, with a real SMTP server as the police gateway. A new surface is done when
 * it passes this suite.
 */

const surfaces = ['terminal', 'slack', 'teams'] as const;
/** Surfaces with places that many people read, and a platform that retries a delivery. */
const shared = new Set(['slack', 'teams']);

/** A child every answer book describes; the surname marks whose report it is. */
const child = (surname: string) => ({
  name: `Testchild ${surname}`,
  dob: '03/04/2012',
});

/** What a practitioner types, by the field each question fills (only invented people). */
function answers(surname: string): AnswerBook {
  const { name, dob } = child(surname);
  return {
    'child.name': name,
    'child.dateOfBirth': dob,
    'child.inCare': 'no',
    missingFrom: 'home',
    'lastSeen.at': 'yesterday 18:00',
    returnedAt: 'today 08:00',
  };
}

/**
 * The bot's clock runs from midday on a fixed day, so "today 08:00" is always in the past and
 * "yesterday 18:00" before it, whatever the machine's date, time or zone.
 */
function middayClock(): Clock {
  const started = Date.now();
  const midday = Date.parse('2026-11-30T12:00:00Z');
  return { now: () => new Date(midday + (Date.now() - started)) };
}

describe.each(providers)('the surface contract on %s', (provider) => {
  let whole: WholeBot;
  let smtp: TestSmtpServer;
  let drivers: Map<string, SurfaceDriver>;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    whole = await startWholeBot(provider, {
      keepSlackCalls: true,
      clock: middayClock(),
      env: {
        GATEWAY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        GATEWAY_EMAIL_TO: 'intel-gateway@police.example',
        GATEWAY_EMAIL_FROM: 'metbot@example.org',
        GATEWAY_SEND_MISSING: 'true',
      },
    });
    drivers = new Map(driversOf(whole).map((driver) => [driver.name, driver]));
  }, 60_000);
  afterAll(async () => {
    await whole?.stop();
    await smtp?.close();
  });

  it('sends intelligence posted to the partner API to the police gateway, once', async () => {
    const { bot } = whole;
    const tokens = new ApiTokenService(
      bot.database.db,
      bot.database.provider,
      bot.core.users,
      bot.core.clock,
    );
    const { token } = await tokens.create(
      { name: 'contract set-up', surface: 'admin' },
      { name: 'school-mis', role: 'practitioner', agency: 'Example Academy' },
    );
    const response = await fetch(`${whole.base}/api/v1/intelligence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(intelligenceAnswers()),
    });
    expect(response.status).toBe(201);
    const { reference } = (await response.json()) as { reference: string };
    await bot.deliverDue();
    expect(mailsAbout(reference)).toHaveLength(1);
  });

  it('takes intelligence with no child named from the partner API, to the police gateway once', async () => {
    const { bot } = whole;
    const tokens = new ApiTokenService(
      bot.database.db,
      bot.database.provider,
      bot.core.users,
      bot.core.clock,
    );
    const { token } = await tokens.create(
      { name: 'contract set-up', surface: 'admin' },
      { name: 'youth-service', role: 'practitioner', agency: 'Example Youth Service' },
    );
    const { child: _child, childAware: _aware, ...rest } = intelligenceAnswers();
    const response = await fetch(`${whole.base}/api/v1/intelligence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        ...rest,
        about: 'vehicle',
        vehicleList: [{ colour: 'Blue', registration: 'AB12 CDE' }],
      }),
    });
    expect(response.status).toBe(201);
    const { reference } = (await response.json()) as { reference: string };
    await bot.deliverDue();
    const mails = mailsAbout(reference);
    expect(mails).toHaveLength(1);
    expect(mailText(mails[0]!)).toContain('No child is named in this report. It is about a vehicle.');
  });

  /** The plain-text body of a mail the gateway received. */
  const mailText = (mail: (typeof smtp.received)[number]) =>
    leaves(parseMime(mail.raw)).find((part) => part.headers.get('content-type')?.startsWith('text/plain'))
      ?.body ?? '';

  const mailsAbout = (reference: string) =>
    smtp.received.filter((mail) => (parseMime(mail.raw).headers.get('subject') ?? '').includes(reference));

  /**
   * More than a page of the MET list (23 children, each nominated by a MET member), added once for
   * every surface's paging case.
   */
  let seeded: Promise<void> | undefined;
  const seedMetList = () => {
    seeded ??= (async () => {
      const { core } = whole.bot;
      const member = await core.users.ensure(
        { platform: 'console', workspace: 'local', platformUserId: 'seed-member', displayName: 'Sam Seeder' },
        'met-member',
        'Example Agency',
        'console',
      );
      for (let i = 0; i < 23; i++) {
        const { reference } = await core.submissions.submitMissing(
          member,
          missingAnswers({
            child: {
              name: `Testchild Metlist${String.fromCharCode(65 + i)}`,
              ageYears: 14,
              gender: 'girl',
              ethnicity: 'White British',
              inCare: true,
            },
          }),
        );
        await core.metList.nominate(member, { child: { reference }, level: 'high', reason: 'Sample reason' });
      }
    })();
    return seeded;
  };

  describe.each(surfaces)('%s', (surface) => {
    const driver = () => drivers.get(surface)!;
    const core = () => whole.bot.core;
    const person = (id: string, role: Person['role'], name: string): Person => ({
      id: `${surface}-${id}`,
      name,
      role,
    });
    const practitioner = person('prac', 'practitioner', 'Pat Example');
    const member = person('member', 'met-member', 'Mo Example');
    let practitionerActor: Actor;
    let memberActor: Actor;

    beforeAll(async () => {
      practitionerActor = await driver().enrol(practitioner);
      memberActor = await driver().enrol(member);
    });
    // Each case starts with no form open.
    beforeEach(async () => {
      for (const who of [practitioner, member]) await driver().say(who, 'cancel');
    });

    /** A practitioner's missing notification for the child with this surname, to the end. */
    const reportMissing = (surname: string) =>
      fillIn(driver(), practitioner, practitionerActor, core(), 'missing', 'missing', answers(surname));

    it('answers help with every line the command table names', async () => {
      const { messages } = core().prompts;
      const help = plain(await driver().say(member, 'help'));
      expect(helpKeys().length).toBeGreaterThan(10);
      for (const key of helpKeys()) expect(help).toContain(plain(messages.help.lines[key]!));
    });

    // Driven by the command table itself: a command added without a handler, or whose words fall
    // through to help or "did not understand", fails here on every surface.
    it.each((Object.entries(commands) as [CommandName, Command][]).filter(([name]) => name !== 'help'))(
      'answers %s, in each of its words, with something other than help',
      async (_name, command) => {
        const { messages } = core().prompts;
        const help = plain(messages.help.intro);
        const unknown = plain(messages.unknown);
        for (const words of command.words) {
          const answer = plain(await driver().say(member, words));
          expect(answer, words).not.toBe('');
          expect(answer, words).not.toContain(help);
          expect(answer, words).not.toContain(unknown);
          // A command that opens a form leaves it open: close it before the next one.
          await driver().say(member, 'cancel');
        }
        // Where others read (`/met` in a Slack channel, an @mention in Teams) it is known too.
        if (driver().inChannel) {
          const [words] = command.words;
          const answer = plain(await driver().inChannel!(member, words!));
          expect(answer, words).not.toContain(help);
          expect(answer, words).not.toContain(unknown);
        }
      },
    );

    it('pages a long MET list: "Showing 1–20 of N", and *more* gives the rest', async () => {
      await seedMetList();
      const first = plain(await driver().say(member, 'list'));
      const shown = /Showing 1–20 of (\d+)\. Type more for the next (\d+)\./.exec(first);
      expect(shown, first).not.toBeNull();
      const total = Number(shown![1]);
      expect(total).toBeGreaterThan(20);
      expect(total).toBeLessThanOrEqual(40);
      expect(Number(shown![2])).toBe(total - 20);
      expect(first.match(/MIS-2026-\d{6}/g)?.length).toBeGreaterThanOrEqual(20);
      const rest = plain(await driver().say(member, 'more'));
      expect(rest).toContain(`Showing 21–${total} of ${total}: that is everyone.`);
      expect(rest.match(/MIS-2026-\d{6}/g)?.length).toBeGreaterThanOrEqual(total - 20);
      // No reference is on both pages.
      const onFirst = new Set(first.match(/MIS-2026-\d{6}/g));
      for (const reference of rest.match(/MIS-2026-\d{6}/g) ?? []) expect(onFirst.has(reference)).toBe(false);
      expect(plain(await driver().say(member, 'more'))).toContain(
        plain(core().prompts.messages.lists.noMore!),
      );
    });

    it('takes a missing notification, a return and intelligence to the end, each with its reference', async () => {
      const book = answers(`${surface}Forms`);
      const missing = await fillIn(
        driver(),
        practitioner,
        practitionerActor,
        core(),
        'missing',
        'missing',
        book,
      );
      expect(missing.reference).toMatch(/^MIS-/);
      const found = await fillIn(driver(), practitioner, practitionerActor, core(), 'found', 'return', book);
      expect(found.reference).toMatch(/^RET-/);
      const intel = await fillIn(
        driver(),
        practitioner,
        practitionerActor,
        core(),
        'intel',
        'intelligence',
        book,
      );
      expect(intel.reference).toMatch(/^INT-/);
    });

    it('takes intelligence about a place with no child named to the end, and the gateway is told no child is named', async () => {
      const book: AnswerBook = {
        about: '2', // a place, with no child named
        placeList: `The flat above the ${surface} shop, PO1 2AB`,
      };
      const intel = await fillIn(
        driver(),
        practitioner,
        practitionerActor,
        core(),
        'intel',
        'intelligence',
        book,
      );
      expect(intel.reference).toMatch(/^INT-/);
      const asked = intel.transcript
        .filter((line) => !line.startsWith('> '))
        .map((said) => questionAsked(core(), practitionerActor, 'intelligence', said)?.field);
      expect(asked.filter((field) => field?.startsWith('child.'))).toEqual([]);
      await whole.bot.deliverDue();
      const [mail] = mailsAbout(intel.reference);
      expect(mail).toBeDefined();
      expect(mailText(mail!)).toContain('No child is named in this report. It is about a place.');
    });

    it('takes a return interview to the end, for the MET member who records it', async () => {
      const book = answers(`${surface}Interview`);
      await fillIn(driver(), practitioner, practitionerActor, core(), 'missing', 'missing', book);
      await fillIn(driver(), practitioner, practitionerActor, core(), 'found', 'return', book);
      const interview = await fillIn(driver(), member, memberActor, core(), 'interview', 'interview', book);
      expect(interview.reference).toMatch(/^[A-Z]{2,3}-/);
    });

    it.each([
      ['check cse', 'check-cse'],
      ['check missing', 'check-missing'],
      ['check trafficking', 'check-trafficking'],
    ])('takes the risk check "%s" to the end', async (command, formId) => {
      const book = answers(`${surface}Check`);
      const { reference } = await fillIn(
        driver(),
        practitioner,
        practitionerActor,
        core(),
        command,
        formId,
        book,
      );
      expect(reference).toMatch(/^RC-/);
    });

    it('asks a wrong answer again, with the reason', async () => {
      const { name } = child(`${surface}Wrong`);
      await driver().say(practitioner, 'missing');
      await driver().say(practitioner, name);
      await driver().say(practitioner, 'no');
      await driver().say(practitioner, 'home');
      const again = await driver().say(practitioner, 'the day after never');
      // Asked again: the same question, with a reason about the answer before it.
      expect(questionAsked(core(), practitionerActor, 'missing', again)?.field).toBe('lastSeen.at');
      const question = core().catalogue.spec('missing', practitionerActor).form.steps[1]!.questions[1]!;
      expect(plain(again).length).toBeGreaterThan(plain(question.ask).length + 20);
      expect(plain(again)).not.toContain(plain(core().prompts.messages.unknown));
      expect(plain(await driver().say(practitioner, 'cancel'))).toContain('Nothing was saved');
    });

    it('goes back, skips what may be left out, refuses to skip what is needed, and cancels', async () => {
      const { name } = child(`${surface}Controls`);
      await driver().say(practitioner, 'missing');
      const asked = (said: string) => questionAsked(core(), practitionerActor, 'missing', said)?.field;
      expect(plain(await driver().say(practitioner, 'skip'))).toContain(
        plain(core().prompts.messages.cannotSkip),
      );
      expect(asked(await driver().say(practitioner, name))).toBe('child.inCare');
      expect(asked(await driver().say(practitioner, 'back'))).toBe('child.name');
      expect(asked(await driver().say(practitioner, name))).toBe('child.inCare');
      const cancelled = plain(await driver().say(practitioner, 'cancel'));
      expect(cancelled).toContain(plain(core().prompts.messages.cancelled));
      // Nothing is left half-open: the next words are a command again.
      expect(plain(await driver().say(practitioner, 'send'))).toContain(
        plain(core().prompts.messages.unknown),
      );
    });

    it('answers the MET group’s questions asked in plain words as their commands', async () => {
      for (const [question, command] of [
        ['Who is due a return interview?', 'due'],
        ["Who's missing?", 'missing now'],
        ['Who is on the MET list at high risk?', 'list high'],
      ] as const) {
        expect(plain(await driver().say(member, question)), question).toBe(
          plain(await driver().say(member, command)),
        );
      }
    });

    it('refuses a practitioner the MET group’s questions, naming the roles that may ask', async () => {
      const refused = plain(await driver().say(practitioner, 'due'));
      expect(refused).toContain('only for duty officers and MET group members');
    });

    it('sends a report made here to the police gateway, once', async () => {
      const { reference } = await reportMissing(`${surface}Gateway`);
      await whole.bot.deliverDue();
      const mails = mailsAbout(reference);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual(['intel-gateway@police.example']);
    });

    if (shared.has(surface)) {
      it('answers a message the platform delivers twice only once', async () => {
        expect(await driver().deliveredTwice!(practitioner, 'help')).toBe(1);
      });

      it('never shows a child’s name or date of birth where others read', async () => {
        const { name, dob } = child(`${surface}Channel`);
        const { reference } = await reportMissing(`${surface}Channel`);
        const seen = [
          await driver().inChannel!(member, 'missing now'),
          await driver().inChannel!(member, 'due'),
          await driver().inChannel!(member, `history ${reference}`),
          await driver().inChannel!(practitioner, 'missing'),
        ].join('\n');
        expect(seen).not.toBe('');
        for (const secret of [name, name.split(' ')[1]!, dob, '2012-04-03', '3 Apr 2012'])
          expect(seen).not.toContain(secret);
      });
    }
  });
});
