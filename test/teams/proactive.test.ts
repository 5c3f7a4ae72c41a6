import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTeamsFeatureWith, type TeamsFeature } from '../../adapters/teams/index';
import { loadConfig } from '../../src/config';
import { text } from '../../src/conversation/reply';
import { createLogger } from '../../src/logger';
import {
  activity,
  bot,
  type Connector,
  channel,
  personalChat,
  post,
  practitioner,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  textOf,
} from './support';

describe('proactive messages from stored conversation references', () => {
  let connector: Connector;
  let teams: TeamsBot;
  const chat = personalChat(practitioner).id;

  beforeAll(async () => {
    connector = await startConnector();
    teams = await startTeamsBot('sqlite');
  });
  afterAll(async () => {
    await teams?.close();
    await connector?.close();
  });
  beforeEach(() => {
    connector.calls.length = 0;
  });

  const installed = (place = personalChat(practitioner), id = place.id) =>
    post(
      teams.url,
      activity(
        connector.url,
        practitioner,
        { ...place, id },
        { type: 'conversationUpdate', membersAdded: [bot] },
      ),
    );

  it('stores the reference when the bot is installed, and says hello', async () => {
    expect((await installed()).status).toBe(200);
    expect(textOf(connector.calls[0])).toContain('I can help you');
    expect((await installed(channel, `${channel.id};messageid=1700000000000`)).status).toBe(200);
    const rows = await teams.database.db.chatAddress.findMany({ orderBy: { kind: 'asc' } });
    expect(rows.map((row) => [row.kind, row.key])).toEqual([
      ['channel', channel.id],
      ['personal', chat],
    ]);
    expect(JSON.parse(rows[0]!.address).conversation.id).toBe(channel.id);
  });

  it('writes into a stored conversation, also from a fresh start of the bot', async () => {
    expect(await teams.feature.sendProactive(chat, [text('Your report *arrived*.')])).toEqual({
      delivered: true,
      attempts: 1,
    });
    // Another instance (or the same after a restart) knows the conversation from the database.
    const log = createLogger('silent');
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: teams.database.url });
    const fresh = await createTeamsFeatureWith()({
      env: { TEAMS_UNAUTHENTICATED_LOCAL: 'true' },
      config,
      core: teams.core,
      log,
    });
    if (!fresh.on) throw new Error('Teams is off');
    const other = fresh.feature as TeamsFeature;
    expect(await other.sendProactive(channel.id, [text('A new alert')])).toMatchObject({ delivered: true });
    expect(connector.calls.map((call) => [call.conversationId, textOf(call)])).toEqual([
      [chat, 'Your report **arrived**.'],
      [channel.id, 'A new alert'],
    ]);
    expect(connector.calls.every((call) => call.replyToId === undefined)).toBe(true);
  });

  it('tries again after 429 and 412, a few times at most', async () => {
    connector.fail(429, 412);
    expect(await teams.feature.sendProactive(chat, [text('Again')])).toEqual({
      delivered: true,
      attempts: 3,
    });
    expect(connector.calls).toHaveLength(3);

    connector.calls.length = 0;
    connector.fail(429, 429, 429, 429, 429);
    expect(await teams.feature.sendProactive(chat, [text('Busy')])).toMatchObject({
      delivered: false,
      reason: 'failed',
      status: 429,
      attempts: 5,
    });
    expect(connector.calls).toHaveLength(5);
  });

  it('gets a message through a 502', async () => {
    connector.calls.length = 0;
    connector.fail(502);
    const result = await teams.feature.sendProactive(chat, [text('Through')]);
    expect(result).toMatchObject({ delivered: true });
    expect(textOf(connector.calls.at(-1))).toBe('Through');
  });

  it('stops writing to a conversation the bot was removed from (403) until it is added back', async () => {
    connector.calls.length = 0;
    connector.fail(403);
    expect(await teams.feature.sendProactive(channel.id, [text('Hello')])).toMatchObject({
      delivered: false,
      reason: 'removed',
      attempts: 1,
    });
    const row = await teams.database.db.chatAddress.findFirst({ where: { key: channel.id } });
    expect(row?.removedAt).toBeInstanceOf(Date);
    expect(await teams.feature.sendProactive(channel.id, [text('Hello?')])).toMatchObject({
      delivered: false,
      reason: 'removed',
      attempts: 0,
    });
    expect(connector.calls).toHaveLength(1);

    await installed(channel);
    expect(await teams.feature.sendProactive(channel.id, [text('Back again')])).toMatchObject({
      delivered: true,
    });
    expect(await teams.feature.sendProactive('19:never-met@thread.tacv2', [text('x')])).toMatchObject({
      delivered: false,
      reason: 'no-address',
    });
    expect(await teams.feature.personalChatOf((await teams.database.db.user.findFirstOrThrow()).id)).toBe(
      chat,
    );
  });
});
