import { Writable } from 'node:stream';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleNames } from '../../src/domain/policy';
import { createLogger } from '../../src/logger';
import { totalRoundTrips } from '../../src/ops/request-context';
import { createApp, listen } from '../../src/server';
import { SlackHarness } from '../slack/harness';
import { SlackWebApiStandIn } from '../slack/web-api-stand-in';
import { createTestDatabase, providers } from '../support/databases';
import {
  activity,
  type Connector,
  type Person,
  personalChat,
  post,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  textOf,
} from '../teams/support';

/**
 * Database round trips per activity on the hot path (issue 20), counted from Prisma's query
 * events (a transaction's BEGIN counted with its COMMIT). Counts, not times: a change that adds a
 * statement to a message, a typed step or `/met due` fails here. Each is measured once the
 * person has spoken before (enrolled, name known, conversation remembered), as most messages are.
 */
async function roundTripsOf(act: () => Promise<unknown>): Promise<number> {
  const before = totalRoundTrips();
  await act();
  return totalRoundTrips() - before;
}

/**
 * Before issue 20 (both databases): Teams help 7, a typed step 8, a Slack DM 4, `/met due` 6.
 * Now the delivery's claim and the drafts are one statement on PostgreSQL and two on SQLite
 * (where a "round trip" is a call into the embedded library, not the network). `/met due` grew to
 * 7 with the features merged after the cuts (its replay key, the interviews assigned before the
 * person used the bot, "mine to do"); now it is its replay key (trigger_id) and one read: both
 * lists, with their children and references, and any assignments waiting for the person.
 */
const expected = {
  sqlite: { teamsHelp: 2, teamsTypedStep: 3, slackDm: 2, slackDue: 2 },
  postgresql: { teamsHelp: 1, teamsTypedStep: 2, slackDm: 1, slackDue: 2 },
};

describe.each(providers)('round trips on the hot path (%s)', (provider) => {
  it('are written on the request log line', async () => {
    const database = await createTestDatabase(provider);
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = createLogger('info', stream);
    const reads = {
      mount(app: Express) {
        app.get('/two-reads', async (_req, res) => {
          await database.db.user.count();
          await database.db.agency.count();
          res.json({ ok: true });
        });
      },
    };
    const server = await listen(createApp(database, [reads], { log }), 0, '127.0.0.1', log);
    try {
      await (await fetch(`http://127.0.0.1:${server.port}/two-reads`)).json();
      await new Promise((resolve) => setImmediate(resolve));
      const line = lines.find((l) => l.msg === 'request' && l.path === '/two-reads');
      expect(line?.roundTrips).toBe(2);
    } finally {
      await server.close();
      await database.destroy();
    }
  });

  describe('Teams', () => {
    let bot: TeamsBot;
    let connector: Connector;
    const person: Person = { id: '29:hot-1', aadObjectId: 'aad-hot-1', name: 'Testworker Example' };
    const say = (text: string) =>
      post(bot.url, activity(connector.url, person, personalChat(person), { text }));

    beforeAll(async () => {
      connector = await startConnector();
      bot = await startTeamsBot(provider);
      await say('hello');
    });
    afterAll(async () => {
      await bot?.close();
      await connector?.close();
    });

    it('help: the claim and the drafts, nothing else', async () => {
      const trips = await roundTripsOf(() => say('help'));
      expect(textOf(connector.calls.at(-1))).toContain('intel');
      expect(trips).toBe(expected[provider].teamsHelp);
    });

    it('writes the conversation reference again only when it changed', async () => {
      const stored = async () =>
        (
          await bot.database.db.chatAddress.findUniqueOrThrow({
            where: { platform_key: { platform: 'teams', key: personalChat(person).id } },
          })
        ).address;
      expect(await stored()).toContain(connector.url);
      // The same connector under another name: Teams moved the conversation to another serviceUrl.
      const moved = connector.url.replace('127.0.0.1', 'localhost');
      const trips = await roundTripsOf(() =>
        post(bot.url, activity(moved, person, personalChat(person), { text: 'help' })),
      );
      expect(trips).toBe(expected[provider].teamsHelp + 1);
      expect(await stored()).toContain(moved);
      await post(bot.url, activity(connector.url, person, personalChat(person), { text: 'help' }));
      expect(await stored()).toContain(connector.url);
    });

    it('a typed step of a form: the claim and the drafts, then the draft saved', async () => {
      await say('intel');
      await say('no');
      await say('1'); // about a child
      const trips = await roundTripsOf(() => say('Testchild Example'));
      expect(textOf(connector.calls.at(-1))).toMatch(/date of birth/i);
      expect(trips).toBe(expected[provider].teamsTypedStep);
    });
  });

  describe('Slack', () => {
    let slack: SlackHarness;
    const who = { user: 'UHOT1', name: 'Testmember Example' };

    beforeAll(async () => {
      slack = await SlackHarness.start(provider);
      await slack.person(who.user, 'met-member', 'Testmember Example');
      await slack.dm(who, 'hello');
      await slack.command('due', who, SlackWebApiStandIn.dmOf(who.user));
    });
    afterAll(async () => {
      await slack?.stop();
    });

    it('a DM answered: the claim and the draft', async () => {
      const trips = await roundTripsOf(() => slack.dm(who, 'help'));
      const answer = slack.slack.callsTo('chat.postMessage').at(-1);
      expect(String(answer?.args.text)).toContain('intel');
      expect(trips).toBe(expected[provider].slackDm);
    });

    it('/met due: no claim (Slack never resends a command) and no draft', async () => {
      const trips = await roundTripsOf(() => slack.command('due', who, SlackWebApiStandIn.dmOf(who.user)));
      expect(slack.slack.calls.at(-1)?.method).toMatch(/response_url|chat\.postEphemeral/);
      expect(trips).toBe(expected[provider].slackDue);
    });

    it('keeps a person a few seconds, but a role an admin changes counts at once', async () => {
      const changing = { user: 'UHOT2', name: 'Testchanging Example' };
      const person = await slack.person(changing.user, 'met-member', 'Testchanging Example');
      const admin = await slack.person('UHOTADMIN', 'admin', 'Testadmin Example');
      const due = async () => {
        await slack.command('due', changing, SlackWebApiStandIn.dmOf(changing.user));
        return JSON.stringify(slack.slack.calls.at(-1)?.args);
      };
      expect(await due()).not.toContain(roleNames['duty-officer']);
      // A grant adds a role: the MET member role is taken away for the refusal to show.
      await slack.core.admin.grant(admin, { userId: person.id }, 'practitioner');
      await slack.core.admin.revoke(admin, { userId: person.id }, 'met-member');
      expect(await due()).toContain(roleNames['duty-officer']);
    });
  });
});
