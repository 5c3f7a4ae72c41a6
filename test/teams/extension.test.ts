import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activity,
  type Connector,
  channel,
  elements,
  post,
  practitioner,
  type SentCard,
  startConnector,
  startTeamsBot,
  type TeamsBot,
} from './support';

interface TaskResponse {
  task: {
    type: 'continue' | 'message';
    value: string | { card: { contentType: string; content: SentCard } };
  };
}

const shared = '<p>Saw TE get into a silver car on Example Road &amp; drive off.</p>';

const complete = {
  immediateDanger: 'no',
  'child.name': 'Testchild Example',
  whatHappened: 'Saw TE get into a silver car on Example Road & drive off.',
  where: 'Example Road',
  whenHappened: 'Yesterday about 4pm',
  howKnown: 'saw-it',
  sourceEvaluation: 'dont-know',
  intelligenceAssessment: 'dont-know',
  handling: 'P',
  childAware: 'not-asked',
};

describe('Share as intelligence (message extension)', () => {
  let connector: Connector;
  let teams: TeamsBot;

  beforeAll(async () => {
    connector = await startConnector();
    teams = await startTeamsBot('sqlite');
  });
  afterAll(async () => {
    await teams?.close();
    await connector?.close();
  });

  const invoke = (name: string, value: Record<string, unknown>) =>
    post(teams.url, activity(connector.url, practitioner, channel, { type: 'invoke', name, value }));

  const cardIn = (response: { body: unknown }) => {
    const task = (response.body as TaskResponse).task;
    expect(task.type).toBe('continue');
    return (task.value as { card: { contentType: string; content: SentCard } }).card;
  };

  it('opens the intelligence form in a dialog with the message’s text filled in', async () => {
    const response = await invoke('composeExtension/fetchTask', {
      commandId: 'shareAsIntelligence',
      commandContext: 'message',
      messagePayload: { id: 'm-1', body: { contentType: 'html', content: shared } },
    });
    expect(response.status).toBe(200);
    const card = cardIn(response);
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.version).toBe('1.5');
    expect(elements(card.content).find((e) => e.id === 'whatHappened')?.value).toBe(complete.whatHappened);
    // The dialog is private to the person who opened it: nothing is posted in the channel.
    expect(connector.calls).toEqual([]);
  });

  it('answers a submission with the reasons beside the fields, answers kept', async () => {
    // "Where" may be "don't know" (left blank in a card); how it is known may not.
    const { howKnown: _left, ...incomplete } = complete;
    const response = await invoke('composeExtension/submitAction', {
      commandId: 'shareAsIntelligence',
      commandContext: 'message',
      data: { metbot: { action: 'share' }, ...incomplete },
    });
    const content = cardIn(response).content;
    const all = elements(content);
    const howAt = all.findIndex((e) => e.id === 'howKnown');
    expect(all[howAt]?.errorMessage).toBe('Please answer this question.');
    expect(all.slice(howAt + 1).find((e) => e.color === 'Attention')?.text).toBe(
      'Please answer this question.',
    );
    expect(all.find((e) => e.id === 'child.name')?.value).toBe('Testchild Example');
    expect(await teams.database.db.record.count()).toBe(0);
  });

  it('saves a complete submission and says its reference', async () => {
    const response = await invoke('composeExtension/submitAction', {
      commandId: 'shareAsIntelligence',
      commandContext: 'message',
      data: { metbot: { action: 'share' }, ...complete },
    });
    const task = (response.body as TaskResponse).task;
    const saved = await teams.database.db.record.findMany({ where: { type: 'intelligence' } });
    expect(saved).toHaveLength(1);
    expect(task).toEqual({
      type: 'message',
      value: expect.stringContaining(`Saved as ${saved[0]!.reference}`),
    });
    expect(String(task.value)).not.toContain('Testchild');
    expect(connector.calls).toEqual([]);
  });

  it('saves intelligence about a place with no child named from the dialog, asking for the place first (issue 16)', async () => {
    const { 'child.name': _name, childAware: _aware, ...noChild } = complete;
    const missingPlace = await invoke('composeExtension/submitAction', {
      commandId: 'shareAsIntelligence',
      commandContext: 'message',
      data: { metbot: { action: 'share' }, ...noChild, about: 'place' },
    });
    const all = elements(cardIn(missingPlace).content);
    expect(all.find((e) => e.id === 'placeList')?.errorMessage).toBe('Please give the place this is about.');
    const before = await teams.database.db.record.count();
    const response = await invoke('composeExtension/submitAction', {
      commandId: 'shareAsIntelligence',
      commandContext: 'message',
      data: {
        metbot: { action: 'share' },
        ...noChild,
        about: 'place',
        placeList: 'The flat above the chip shop, PO1 2AB',
      },
    });
    const task = (response.body as TaskResponse).task;
    expect(await teams.database.db.record.count()).toBe(before + 1);
    const [saved] = await teams.database.db.record.findMany({
      where: { type: 'intelligence' },
      orderBy: { reference: 'desc' },
      take: 1,
    });
    expect(saved!.childId).toBeNull();
    expect(task).toEqual({ type: 'message', value: expect.stringContaining(`Saved as ${saved!.reference}`) });
    expect(connector.calls).toEqual([]);
  });
});
