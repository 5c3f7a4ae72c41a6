import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDisplayName } from '../../src/store/staff-names';
import { chatWith } from '../support/chat';
import { testActor } from '../support/core';
import {
  activity,
  bot,
  type Connector,
  type Person,
  personalChat,
  post,
  startConnector,
  startTeamsBot,
  type TeamsBot,
  textOf,
} from './support';

/** Teams people are named as soon as Teams gives a name (issue 15, item 6). */
describe('Teams names', () => {
  let connector: Connector;
  let teams: TeamsBot;
  const sam: Person = { id: '29:user-sam', aadObjectId: 'aad-user-sam', name: 'Sam Example' };
  const kit: Person = { id: '29:user-kit', aadObjectId: 'aad-user-kit', name: 'Kit Example' };

  beforeAll(async () => {
    connector = await startConnector();
    teams = await startTeamsBot('sqlite');
  });
  afterAll(async () => {
    await teams?.close();
    await connector?.close();
  });

  /** An activity from this person with no name on it, as Teams sends an install. */
  const nameless = (who: Person, fields: Record<string, unknown>) => {
    const sent = activity(connector.url, who, personalChat(who), fields);
    return { ...sent, from: { id: who.id, aadObjectId: who.aadObjectId } };
  };
  /** The name stored for them: sealed in the row (issue 17), so opened here. */
  const stored = async (who: Person) => {
    const user = await teams.database.db.user.findFirstOrThrow({
      where: { platformUserId: who.aadObjectId },
    });
    expect(user.displayName).not.toContain(who.name);
    return openDisplayName(teams.cipher, user);
  };

  it('keeps a placeholder for an install with no name, and the first name given replaces it', async () => {
    expect(
      (await post(teams.url, nameless(sam, { type: 'conversationUpdate', membersAdded: [bot] }))).status,
    ).toBe(200);
    expect(connector.lookups).toEqual([sam.id]);
    expect(await stored(sam)).toBe('Teams user');

    await post(teams.url, activity(connector.url, sam, personalChat(sam), { text: 'help' }));
    expect(await stored(sam)).toBe('Sam Example');
    // A later activity with no name keeps the name: it is never put back to the placeholder.
    await post(teams.url, nameless(sam, { text: 'help' }));
    expect(await stored(sam)).toBe('Sam Example');
  });

  it('acknowledges an alert in the name learned, never as "Teams user"', async () => {
    await teams.database.db.user.updateMany({
      where: { platformUserId: sam.aadObjectId },
      data: { role: 'duty-officer' },
    });
    // Changed behind the services' backs: the person the bot keeps for a few seconds is dropped by hand.
    teams.core.users.cache.clear();
    const reporter = await testActor(teams.core, 'p-names', 'practitioner');
    await chatWith(teams.core, reporter, 'names').script([
      'missing',
      'Testchild Example',
      'yes', // in care: an alert
      '3',
      'today 07:00',
      'Example Road',
      'Green coat',
      'yes',
      'skip all',
      'send',
    ]);
    const alert = await teams.database.db.alert.findFirstOrThrow({ where: { rule: 'missing-high-risk' } });
    const before = connector.calls.length;
    // A card's button press with no name on the activity.
    await post(teams.url, nameless(sam, { value: { metbot: { alert: alert.id, action: 'ack' } } }));
    const said = connector.calls.slice(before).map(textOf).join('\n');
    expect(said).toContain('Acknowledged by Sam Example');
    expect(said).not.toContain('Teams user');
    const acknowledged = await teams.database.db.alert.findUniqueOrThrow({ where: { id: alert.id } });
    // Sealed, bound to the alert (issue 17): opened, it is the name learned.
    expect(acknowledged.acknowledgedBy).not.toContain('Sam Example');
    expect(teams.cipher.open('Alert', 'acknowledgedBy', alert.id, acknowledged.acknowledgedBy!)).toBe(
      'Sam Example',
    );
  });

  it('names a person from the roster when the install carries no name', async () => {
    connector.roster.set(kit.id, { id: kit.id, aadObjectId: kit.aadObjectId, name: kit.name });
    await post(teams.url, nameless(kit, { type: 'conversationUpdate', membersAdded: [bot] }));
    expect(await stored(kit)).toBe('Kit Example');
  });

  it('puts the name learned on a return interview assigned while the person was unnamed', async () => {
    const lee = { platform: 'teams', workspace: 'tenant-example-1', platformUserId: 'aad-user-lee' };
    const unnamed = await teams.core.users.resolve(lee, 'teams');
    expect(unnamed?.displayName).toBe('Teams user');
    const reporter = await testActor(teams.core, 'p-names', 'practitioner');
    const saved = await chatWith(teams.core, reporter, 'names-2').script([
      'missing',
      'Testchild Assigned',
      'no',
      '1',
      'today 07:00',
      'Example Road',
      'Green coat',
      'yes',
      'skip all',
      'send',
    ]);
    const reference = /MIS-2026-\d{6}/.exec(saved)![0];
    const record = await teams.database.db.record.findUniqueOrThrow({ where: { reference } });
    await teams.database.db.missingEpisode.update({
      where: { missingRecordId: record.id },
      data: { interviewerId: unnamed!.id, interviewerName: 'Teams user' },
    });
    await teams.core.users.resolve({ ...lee, displayName: 'Lee Example' }, 'teams');
    const episode = await teams.database.db.missingEpisode.findUniqueOrThrow({
      where: { missingRecordId: record.id },
    });
    expect(teams.cipher.open('MissingEpisode', 'interviewerName', episode.id, episode.interviewerName!)).toBe(
      'Lee Example',
    );
  });

  it('grants a role to a person @mentioned whom the bot has not met, found by the roster; it applies when they first speak', async () => {
    const nia: Person = { id: '29:user-nia', aadObjectId: 'aad-user-nia', name: 'Nia Example' };
    connector.roster.set(nia.id, { id: nia.id, aadObjectId: nia.aadObjectId, name: nia.name });
    await teams.database.db.user.updateMany({
      where: { platformUserId: sam.aadObjectId },
      data: { role: 'admin' },
    });
    teams.core.users.cache.clear(); // changed behind the services' back
    const at = `<at>${nia.name}</at>`;
    const before = connector.calls.length;
    await post(
      teams.url,
      activity(connector.url, sam, personalChat(sam), {
        text: `admin grant ${at} admin`,
        entities: [{ type: 'mention', mentioned: { id: nia.id, name: nia.name }, text: at }],
      }),
    );
    const said = connector.calls.slice(before).map(textOf).join('\n');
    expect(said).toContain('Nia Example will be an admin when they first speak to me.');
    expect(said).not.toContain('Admin commands:');
    const grant = await teams.database.db.pendingGrant.findFirstOrThrow({
      where: { platformUserId: nia.aadObjectId },
    });
    expect(grant).toMatchObject({ platform: 'teams', role: 'admin' });
    expect(teams.cipher.open('PendingGrant', 'grantedBy', grant.id, grant.grantedBy)).toBe('Sam Example');
    const next = connector.calls.length;
    await post(teams.url, activity(connector.url, nia, personalChat(nia), { text: 'admin deadletters' }));
    // The answer is a card: read its JSON.
    expect(JSON.stringify(connector.calls.slice(next))).toContain('Nothing has failed to deliver.');
    expect(await stored(nia)).toBe('Nia Example');
  });
});
