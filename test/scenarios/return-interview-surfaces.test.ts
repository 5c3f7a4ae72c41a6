import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timerHandlers } from '../../src/alerts/timer-handlers';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { Scheduler } from '../../src/scheduler/scheduler';
import { driversOf, type Person, type SurfaceDriver } from '../contract/drivers';
import { startWholeBot, type WholeBot } from '../security/whole-bot';
import { providers } from '../support/databases';

/**
 * The return interview's story told through each surface's contract driver (the terminal, a Slack
 * DM, a Teams personal chat), on one bot started as main.ts starts it: a residential worker
 * reports a child in care missing for the fourth time in 90 days and records his return; the MET
 * coordinator assigns an interviewer the bot has not met; she is matched when she first speaks,
 * reminded at 48 hours, and records the interview. The bot's clock is moved by hand.
 */
const surfaces = ['terminal', 'slack', 'teams'] as const;

describe.each(providers)('the return interview on every surface, on %s', (provider) => {
  let whole: WholeBot;
  let drivers: Map<string, SurfaceDriver>;
  let scheduler: Scheduler;
  const clock = fixedClock('2026-11-20T22:00:00Z');

  beforeAll(async () => {
    whole = await startWholeBot(provider, { keepSlackCalls: true, clock });
    drivers = new Map(driversOf(whole).map((driver) => [driver.name, driver]));
    const { bot } = whole;
    scheduler = new Scheduler(
      bot.database.db,
      bot.database.provider,
      clock,
      timerHandlers(bot.core.alerts),
      createLogger('silent'),
    );
  }, 60_000);
  afterAll(async () => {
    await whole?.stop();
  });

  describe.each(surfaces)('%s', (surface) => {
    const driver = () => drivers.get(surface)!;
    const db = () => whole.bot.database.db;
    const worker: Person = { id: `${surface}-rw`, name: 'Testworker Residential', role: 'practitioner' };
    const coordinator: Person = { id: `${surface}-coord`, name: 'Testcoord Example', role: 'met-member' };
    const interviewer: Person = { id: `${surface}-sam`, name: 'Sam Testworker', role: 'practitioner' };
    // How each surface types a mention of someone: Slack's <@U…>, an @id elsewhere.
    const mention = (person: Person) => (surface === 'slack' ? `<@${person.id}>` : `@${person.id}`);
    const say = async (person: Person, lines: string[]) => {
      let last = '';
      for (const line of lines) last = await driver().say(person, line);
      return last;
    };
    let reference = '';

    beforeAll(async () => {
      clock.set('2026-11-20T22:00:00Z');
      await driver().enrol(worker);
      await driver().enrol(coordinator);
    });

    it('the residential worker reports him missing the fourth time in 90 days: repeat missing', async () => {
      const saved = await say(worker, [
        'missing',
        `Testchild ${surface}`,
        'yes',
        'Residential care',
        'today 21:30',
        'Outside the home on Example Road',
        'Tall, black puffer jacket',
        'yes',
        'skip',
        'skip',
        'skip',
        '3', // three other times in the last 90 days
        'skip all',
        'send',
      ]);
      reference = /MIS-2026-\d{6}/.exec(saved)![0];
      const rules = (await db().alert.findMany({ where: { reference } })).map((a) => a.rule).sort();
      expect(rules).toEqual(['missing-high-risk', 'repeat-missing']);
    });

    it('two days later he is back, the carer named; the coordinator assigns someone not on the bot yet', async () => {
      clock.set('2026-11-22T22:00:00Z');
      const found = await say(worker, [
        'found',
        reference,
        'today 21:00',
        'Walked back to the home',
        'they came back',
        'not yet',
        'Testcarer Residential',
        'skip all',
        'send',
      ]);
      expect(found).toMatch(/Saved as RET-2026-\d{6}/);
      const assigned = await driver().say(coordinator, `assign ${reference} ${mention(interviewer)}`);
      expect(assigned).toContain('not on metbot yet');
    });

    it('she is matched when she first speaks, reminded at 48 hours, and records the interview', async () => {
      clock.set('2026-11-23T09:00:00Z');
      const sam = await driver().enrol(interviewer);
      expect(await driver().say(interviewer, 'due')).toContain(reference);
      clock.set('2026-11-24T21:00:00Z');
      await scheduler.tick();
      const reminder = await db().alert.findFirstOrThrow({
        where: { rule: 'interview-due-soon', reference },
      });
      expect(reminder).toMatchObject({ audience: 'interviewer', subjectUserId: sam.id });

      clock.set('2026-11-25T12:00:00Z');
      const done = await say(interviewer, [
        'interview',
        reference,
        'today 10:00',
        'in person',
        'yes',
        'today 10:30',
        'skip',
        'At a flat on Example Street',
        'Older boys',
        'skip',
        'skip',
        'He held packages for them',
        'He wants to stay at the home',
        'skip all',
        'send',
      ]);
      expect(done).toMatch(/Saved as RI-2026-\d{6}/);
      expect(done).toContain('check cce');
      clock.set('2026-11-25T21:00:00Z');
      await scheduler.tick();
      expect(await db().alert.count({ where: { rule: 'interview-overdue', reference } })).toBe(0);
    });
  });
});
