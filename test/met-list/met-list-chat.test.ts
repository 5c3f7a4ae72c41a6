import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { destinations } from '../../src/outbox/transport';
import { chatWith, missingScript } from '../support/chat';
import { testActor, testConfig } from '../support/core';
import { createTestDatabase, providers, type TestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';

/** Issue 16: every confirmation says where the record went, MET list changes in chat too. */
describe.each(providers)('MET list changes in chat say where they went (%s)', (provider) => {
  let database: TestDatabase;
  const cipher = testCipher();
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.destroy());

  const coreWith = (routes: Record<string, string[]>) =>
    createCore({
      config: testConfig,
      database,
      cipher,
      log: createLogger('silent'),
      clock: fixedClock('2026-11-28T10:00:00Z'),
      routes,
    });

  it('names the MET coordinator when the change is queued for them, and says so when nothing is set up', async () => {
    const routed = coreWith({ 'met-list-change': [destinations.metCoordinator] });
    const practitioner = await testActor(routed, 'prac-where', 'practitioner');
    const member = await testActor(routed, 'met-where', 'met-member');
    const sent = await chatWith(routed, practitioner).script(
      missingScript('Testchild Where', 'yesterday 21:00'),
    );
    const reference = /MIS-\d{4}-\d+/.exec(sent)![0];
    const nominated = await chatWith(routed, member).say(
      `nominate ${reference} medium Seen with older males`,
    );
    expect(nominated).toContain('nominated for the MET list');
    expect(nominated).toContain('It is queued for the MET coordinator.');
    expect(nominated).not.toContain('police');

    const unrouted = coreWith({});
    const level = await chatWith(unrouted, member).say(`level ${reference} high Missing overnight again`);
    expect(level).toContain('It is kept here, but nothing is set up to send it on');
  });
});
