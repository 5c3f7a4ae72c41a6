import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldCipher } from '../../src/store/field-crypto';
import { missingAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * Issue 15, "The MET group decides": the MET coordinator's decisions, as the practice would read
 * them. A risk check proposes; MET members accept or decline and set the level; a removal reason
 * is checked against what is known, and prompts the handover.
 */
describe.each(providers)('the MET group decides, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let cipher: FieldCipher;

  beforeAll(async () => {
    // createTestCore's clock: 2026-11-28 10:00 UTC.
    ({ core, database, cipher } = await createTestCore(provider));
  });
  afterAll(async () => {
    await database.destroy();
  });

  /** A CSE check with significant signs, as a health visitor would type it: high. */
  async function highCheck(name: string): Promise<{ reference: string; said: string }> {
    const visitor = await testActor(core, 'hv-1', 'practitioner', 'Hana Visitor');
    const chat = chatWith(core, visitor, `check-${name}`);
    await chat.script(['check cse', name, '14', '1,2,3', '1', '1,2,3', '1']);
    const said = await chat.script(['skip', 'send']);
    return { reference: /RC-\d{4}-\d{6}/.exec(said)![0], said };
  }
  const entryOf = async (reference: string) => {
    const record = await database.db.record.findUniqueOrThrow({ where: { reference } });
    return database.db.metListEntry.findUniqueOrThrow({ where: { childId: record.childId! } });
  };

  it('a risk check proposes the child and tells the proposer the group will decide; it sets no level', async () => {
    const { reference, said } = await highCheck('Testchild Jayden');
    expect(said).toContain('The MET group will decide at its next meeting');
    // Advice never tells a practitioner to do what their role does not allow.
    expect(said).not.toContain('Nominate the child');
    expect(await entryOf(reference)).toMatchObject({
      status: 'proposed',
      level: null,
      proposedLevel: 'high',
    });
    // A second check on the same child changes nothing: it is already before the group.
    await highCheck('Testchild Jayden');
    expect(
      await database.db.metLevelChange.count({ where: { entryId: (await entryOf(reference)).id } }),
    ).toBe(1);
  });

  it('lets MET members, and only them, accept a proposal and set the level, which is never pre-empted', async () => {
    const { reference } = await highCheck('Testchild Kai');
    const visitor = await testActor(core, 'hv-1', 'practitioner', 'Hana Visitor');
    expect(await chatWith(core, visitor).say(`accept ${reference}`)).toContain(
      'changing the MET list is only for MET group members',
    );
    const coordinator = await testActor(core, 'met-coord', 'met-member', 'Mira Coordinator');
    const chat = chatWith(core, coordinator);
    const list = await chat.say('list');
    expect(list).toContain('Proposed by risk checks, for the MET group to decide');
    expect(list).toMatch(new RegExp(`${reference}[\\s\\S]*Suggested level: high`));
    // The coordinator's raise works: the check set no level ("The level is already high." before).
    expect(await chat.say(`level ${reference} high Seen with older males at the meeting`)).toContain(
      'is now proposed for the MET list, for the group to decide, high risk',
    );
    const accepted = await chat.say(`accept ${reference}`);
    expect(accepted).toMatch(/is now on the MET list, high risk, review by/);
    expect(await entryOf(reference)).toMatchObject({ status: 'active', level: 'high', proposedLevel: null });
    // The group may accept at another level than the check suggested.
    const other = await highCheck('Testchild Lowen');
    expect(await chat.say(`accept ${other.reference} medium`)).toContain('on the MET list, medium risk');
  });

  it('lets the group decline a proposal with a reason', async () => {
    const { reference } = await highCheck('Testchild Nomore');
    const coordinator = await testActor(core, 'met-coord', 'met-member', 'Mira Coordinator');
    const chat = chatWith(core, coordinator);
    expect(await chat.say(`decline ${reference}`)).toContain('Please say why the nomination was declined.');
    expect(await chat.say(`decline ${reference} Known to the team, no exploitation signs`)).toContain(
      'is now declined from the MET list',
    );
    expect(await entryOf(reference)).toMatchObject({ status: 'declined', level: null, proposedLevel: null });
    const history = await chat.say(`history ${reference}`);
    expect(history).toContain('proposed → declined');
  });

  it('checks "turned 18" against the date of birth, and prompts the handover on removal', async () => {
    const coordinator = await testActor(core, 'met-coord', 'met-member', 'Mira Coordinator');
    const worker = await testActor(core, 'rw-1', 'practitioner', 'Rory Worker');
    const young = await core.submissions.submitMissing(
      worker,
      missingAnswers({
        child: { name: 'Testchild Fourteen', dateOfBirth: '2012-05-01', inCare: true },
      }),
    );
    const grown = await core.submissions.submitMissing(
      worker,
      missingAnswers({
        child: { name: 'Testchild Grown', dateOfBirth: '2008-01-15', inCare: true },
      }),
    );
    const chat = chatWith(core, coordinator);
    for (const saved of [young, grown]) {
      await chat.say(`nominate ${saved.reference} medium Missing from care, seen with older males`);
      await chat.say(`accept ${saved.reference}`);
    }
    // The issue: a 14-year-old whose date of birth is on file was removed with "turned 18".
    const refused = await chat.say(`remove ${young.reference} Turned 18`);
    expect(refused).toContain('The date of birth on file makes this child 14, so they have not turned 18.');
    expect(await entryOf(young.reference)).toMatchObject({ status: 'active' });
    const moved = await chat.say(`remove ${young.reference} Moved out of the area to Exampleshire`);
    expect(moved).toContain('is now removed from the MET list');
    expect(moved).toContain("They have moved: tell the new area's children's services and MET lead");

    const adult = await chat.say(`remove ${grown.reference} Turned 18`);
    expect(adult).toContain('is now removed from the MET list');
    expect(adult).toContain('Now they are 18, hand over to adult services');
    const removed = await entryOf(grown.reference);
    expect(removed.status).toBe('removed');
    // The reason is sealed in its row, like every free-text reason.
    expect(cipher.openOptional('MetListEntry', 'removalReason', removed.id, removed.removalReason)).toBe(
      'Turned 18',
    );
  });

  it('refuses "turned 18" when no date of birth is on file', async () => {
    const { reference } = await highCheck('Testchild Nodob');
    const coordinator = await testActor(core, 'met-coord', 'met-member', 'Mira Coordinator');
    const chat = chatWith(core, coordinator);
    await chat.say(`accept ${reference}`);
    expect(await chat.say(`remove ${reference} turned 18 last month`)).toContain(
      'There is no date of birth on file',
    );
  });
});
