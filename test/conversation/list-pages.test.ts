import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/store/audit';
import { missingAnswers } from '../gateway/support/fixtures';
import { chatWith } from '../support/chat';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * Chat's lists are pages of the same queries the dashboard reads: "1–20 of 57, type *more*"
 * (issue 14), each row titled with the reference the next command takes.
 */
describe.each(providers)('a long list in chat, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  const names = Array.from({ length: 23 }, (_, i) => `Testchild Pagina${String.fromCharCode(65 + i)}`);

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider));
    const reporter = await testActor(core, 'res-1', 'practitioner', 'Rhea Residential');
    for (const [i, name] of names.entries()) {
      await core.submissions.submitMissing(
        reporter,
        missingAnswers({
          child: { name, ageYears: 14, gender: 'girl', ethnicity: 'White British', inCare: true },
          lastSeen: { at: new Date(Date.UTC(2026, 10, 27, 8, i)).toISOString(), where: 'Example Road' },
        }),
      );
    }
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('shows 20, says how many there are, and gives the rest on *more*', async () => {
    const duty = chatWith(core, await testActor(core, 'duty-1', 'duty-officer', 'Dev Duty'), 'dm');
    const first = await duty.say('missing now');
    expect(first.match(/MIS-2026-\d{6}/g)).toHaveLength(20);
    expect(first).toContain('Showing 1–20 of 23. Type *more* for the next 3.');
    // Longest missing first: the first child reported is on the first page, the last on the next.
    expect(first).toContain(names[0]);
    expect(first).not.toContain(names[22]);

    const second = await duty.say('more');
    expect(second.match(/MIS-2026-\d{6}/g)).toHaveLength(3);
    expect(second).toContain(names[22]);
    expect(second).toContain('Showing 21–23 of 23: that is everyone.');
    expect(await duty.say('more')).toContain('There is no list to go on with.');
  });

  it('ends the list when something else is typed, and answers that instead', async () => {
    const duty = chatWith(core, await testActor(core, 'duty-2', 'duty-officer', 'Dana Duty'), 'dm');
    expect(await duty.say('missing now')).toContain('Type *more*');
    expect(await duty.say('help')).toContain('missing');
    expect(await duty.say('more')).toContain('There is no list to go on with.');
  });

  it('shows initials and references, never names, in a channel, and audits each child listed', async () => {
    const officer = await testActor(core, 'duty-3', 'duty-officer', 'Dom Duty');
    const channel = chatWith(core, officer, 'channel-1', false);
    const page = await channel.say('missing now');
    expect(page).toMatch(/T\.P\. · MIS-2026-\d{6}/);
    for (const name of names) expect(page).not.toContain(name);
    const reads = await database.db.auditEvent.count({
      where: { actorId: officer.id, action: 'read', recordType: 'person', detail: 'missing now' },
    });
    expect(reads).toBe(20);
    // Appended in one statement, each still sealed in order after the one before it.
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, events: expect.any(Number) });
  });
});
