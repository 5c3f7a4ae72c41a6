import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases';
import {
  activity,
  type Connector,
  cardOf,
  channel,
  elements,
  mentionText,
  metMember,
  type Person,
  personalChat,
  post,
  practitioner,
  type SentCard,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  textOf,
} from './support';

const childName = 'Testchild Example';

describe.each(providers)('Teams end to end on %s', (provider) => {
  let connector: Connector;
  let teams: TeamsBot;

  beforeAll(async () => {
    connector = await startConnector();
    teams = await startTeamsBot(provider);
    await teams.core.users.ensure(
      {
        platform: 'teams',
        workspace: 'tenant-example-1',
        platformUserId: metMember.aadObjectId,
        displayName: metMember.name,
      },
      'met-member',
      'Example Agency',
      'teams',
    );
  });
  afterAll(async () => {
    await teams?.close();
    await connector?.close();
  });

  /** Sends one activity and returns what the bot said in answer. */
  async function send(from: Person, fields: Record<string, unknown>, place = personalChat(from)) {
    const before = connector.calls.length;
    const response = await post(teams.url, activity(connector.url, from, place, fields));
    expect(response.status).toBe(200);
    return connector.calls.slice(before);
  }

  const say = (text: string, from = practitioner) => send(from, { text });

  /** The last card the bot sent, and its draft id. */
  function lastCard(calls = connector.calls): { card: SentCard; draft: string } {
    const card = [...calls].reverse().map(cardOf).find(Boolean)!;
    const submit = elements(card).find((e) => e.type === 'Action.Submit')!;
    return { card, draft: (submit.data as { metbot: { draft: string } }).metbot.draft };
  }

  const submitCard = (draft: string, step: number, inputs: Record<string, string>, action = 'next') =>
    send(practitioner, { text: undefined, value: { metbot: { draft, step, action }, ...inputs } });

  const input = (card: SentCard, id: string) => elements(card).find((e) => e.id === id);

  it('answers help in a personal chat with the jobs it does', async () => {
    const replies = await say('help');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.replyToId).toBeDefined();
    const text = textOf(replies[0]);
    for (const job of ['intel', 'missing', 'found', 'check', 'due', 'mine'])
      expect(text).toContain(`**${job}**`);
  });

  it('stores the conversation reference of the personal chat', async () => {
    const row = await teams.database.db.chatAddress.findUnique({
      where: { platform_key: { platform: 'teams', key: personalChat(practitioner).id } },
    });
    expect(row?.kind).toBe('personal');
    expect(row?.userId).toBeTruthy();
    expect(JSON.parse(row!.address)).toMatchObject({
      serviceUrl: connector.url,
      bot: { id: '28:metbot-app' },
    });
  });

  it('answers missing with an Adaptive Card, and says typing works too', async () => {
    const replies = await say('missing');
    const card = cardOf(replies[0]);
    expect(card?.version).toBe('1.5');
    expect(input(card!, 'child.name')).toMatchObject({
      type: 'Input.Text',
      label: "Child's name",
      isRequired: true,
    });
    expect(textOf(replies[1])).toContain('step by step');
    expect(textOf(replies[1])).toContain("What is the child's full name?");
  });

  it('returns the card with the reason beside a wrong date, and keeps the other answers', async () => {
    const { draft } = lastCard();
    await submitCard(draft, 0, { 'child.name': childName, 'child.inCare': 'no' });
    expect(elements(lastCard().card).some((e) => e.id === 'lastSeen.at#date')).toBe(true);
    await submitCard(draft, 1, {
      missingFrom: 'home',
      'lastSeen.at#date': '2026-11-28',
      'lastSeen.at#time': '08:30',
      'lastSeen.where': 'Example Park',
      description: 'Tall, blue hoodie, grey joggers',
      policeTold: 'yes',
      policeReference: '44260012345',
    });
    const replies = await submitCard(draft, 2, {
      'child.dateOfBirth': '2031-03-14',
      'child.gender': 'girl',
    });
    const card = cardOf(replies[0])!;
    const fields = elements(card);
    const dateAt = fields.findIndex((e) => e.id === 'child.dateOfBirth');
    expect(fields[dateAt]).toMatchObject({
      value: '2031-03-14',
      errorMessage: 'That date is in the future.',
    });
    expect(
      fields.slice(dateAt + 1).find((e) => e.type === 'TextBlock' && e.color === 'Attention')?.text,
    ).toBe('That date is in the future.');
    expect(input(card, 'child.gender')?.value).toBe('girl');
  });

  it('saves a complete card submission and confirms it with its reference', async () => {
    const { draft } = lastCard();
    await submitCard(draft, 2, {
      'child.dateOfBirth': '2012-03-14',
      'child.gender': 'girl',
      'child.ethnicity': '',
    });
    await submitCard(draft, 3, {});
    const summary = await submitCard(draft, 4, {});
    const facts = elements(cardOf(summary[0])).find((e) => e.type === 'FactSet')!.facts as {
      value: string;
    }[];
    expect(facts.map((f) => f.value)).toContain(childName);

    const sent = await submitCard(draft, 0, {}, 'send');
    const records = await teams.database.db.record.findMany({ where: { type: 'missing' } });
    expect(records).toHaveLength(1);
    expect(textOf(sent[0])).toContain(`Saved as ${records[0]!.reference}`);
    // The step-by-step conversation offered beside the card was dropped, and the card is done.
    expect(textOf((await submitCard(draft, 0, {}, 'send'))[0])).toContain('That form is closed');
    expect(textOf((await say('hello'))[0])).toContain('I can help you');
  });

  it('files a return typed step by step', async () => {
    const start = await say('found');
    expect(cardOf(start[0])).toBeDefined();
    const missing = (await teams.database.db.record.findFirst({ where: { type: 'missing' } }))!;
    expect(textOf(start[1])).toContain(missing.reference);
    let summary: Awaited<ReturnType<typeof say>> = [];
    for (const line of [
      '1',
      'today 09:30',
      "At a friend's house on Example Road",
      '1',
      '1',
      'skip all', // the carer, the interviewer and anything else
    ]) {
      summary = await say(line);
    }
    expect(textOf(summary[0])).toMatch(/please check your answers/i);
    expect(textOf(summary[0])).toContain('Returned at: Sat 28 Nov 2026, 09:30');
    const done = await say('send');
    const saved = await teams.database.db.record.findMany({ where: { type: 'return' } });
    expect(saved).toHaveLength(1);
    expect(textOf(done[0])).toContain(`Saved as ${saved[0]!.reference}`);
    // Typing dropped the cards begun beside it.
    const { draft } = lastCard(start);
    expect(textOf((await submitCard(draft, 0, {}))[0])).toContain('That form is closed');
  });

  it('runs a risk check as cards, showing the suggested level before asking for a view', async () => {
    let replies = await say('check cse');
    let sawView = false;
    for (let guard = 0; guard < 20; guard++) {
      const card = cardOf(replies[0])!;
      const submit = elements(card).find((e) => e.type === 'Action.Submit')!;
      const data = (submit.data as { metbot: { draft: string; step: number; action: string } }).metbot;
      if (data.action === 'send') break;
      if (elements(card).some((e) => e.id === 'ownLevel')) {
        expect(elements(card).some((e) => String(e.text).startsWith('The check suggests **LOW**'))).toBe(
          true,
        );
        sawView = true;
      }
      replies = await submitCard(data.draft, data.step, {});
    }
    expect(sawView).toBe(true);
    const summary = cardOf(replies[0])!;
    expect(JSON.stringify(summary)).toContain('Suggested level');
    const { draft } = lastCard(replies);
    const done = await submitCard(draft, 0, {}, 'send');
    const saved = await teams.database.db.record.findFirst({ where: { type: 'risk-check' } });
    expect(textOf(done[0])).toContain(`Saved as ${saved!.reference}`);
    expect(JSON.stringify(cardOf(done[1]))).toContain('Suggested level');
  });

  it('answers an activity sent twice only once', async () => {
    const repeated = activity(connector.url, practitioner, personalChat(practitioner), { text: 'mine' });
    const before = connector.calls.length;
    expect((await post(teams.url, repeated)).status).toBe(200);
    expect((await post(teams.url, repeated)).status).toBe(200);
    expect(connector.calls.length - before).toBe(1);
  });

  it('shows a channel a reference and initials, never the child’s name', async () => {
    const inChannel = await send(metMember, mentionText('due'), channel);
    const shown = JSON.stringify(inChannel);
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]!.conversationId).toBe(channel.id);
    expect(shown).toContain('T.E.');
    expect(shown).not.toContain(childName);
    expect(shown).not.toContain('Testchild');
    // The same question in a personal chat shows the name to the MET member.
    expect(JSON.stringify(await say('due', metMember))).toContain(childName);
  });

  it('sends forms in a channel to a personal chat instead of asking there', async () => {
    const replies = await send(practitioner, mentionText('missing'), channel);
    expect(replies).toHaveLength(1);
    expect(cardOf(replies[0])).toBeUndefined();
    expect(textOf(replies[0])).toContain('filled in privately');
    expect(await send(practitioner, { text: 'just chatting, no mention' }, channel)).toHaveLength(0);
  });
});
