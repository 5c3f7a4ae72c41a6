import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor';
import { fixedClock } from '../../src/domain/clock';
import { dayPeriod } from '../../src/links/periods';
import { createTestCore, type TestCore, testActor } from '../support/core';
import { providers, type TestDatabase } from '../support/databases';

/**
 * Issue 16: a report naming no child (a flat, a car, an adult who hangs around a park) feeds the
 * intelligence picture and joins possible links with the reports about children it shares an
 * entity with. Two such reports alone make no link: no child joins them.
 */
describe.each(providers)('intelligence with no child named in the picture, on %s', (provider) => {
  let core: TestCore;
  let database: TestDatabase;
  let school: Actor;
  let youth: Actor;
  let met: Actor;
  const clock = fixedClock('2026-11-28T10:00:00Z');
  const grading = {
    immediateDanger: false,
    howKnown: 'saw-it',
    sourceEvaluation: '2',
    intelligenceAssessment: 'A',
    handling: 'P',
  };

  beforeAll(async () => {
    ({ core, database } = await createTestCore(provider, { clock }));
    school = await testActor(core, 'nc-school', 'practitioner');
    youth = await testActor(core, 'nc-youth', 'practitioner');
    met = await testActor(core, 'nc-met', 'met-member');
  });
  afterAll(() => database.destroy());

  it('makes no link between two reports that name no child', async () => {
    for (const who of [school, youth]) {
      await core.submissions.submitIntelligence(who, {
        ...grading,
        about: 'place',
        whatHappened: 'Older men take girls into the flat.',
        placeList: [{ place: 'The flat above the chip shop', postcode: 'PO1 2AB' }],
      });
    }
    expect(await database.db.link.count()).toBe(0);
    const mentions = await database.db.linkMention.findMany({ where: { kind: 'postcode' } });
    expect(mentions.map((m) => m.childId)).toEqual([null, null]);
  });

  it("links a child's report to an earlier one about the same car with no child named", async () => {
    const car = await core.submissions.submitIntelligence(youth, {
      ...grading,
      about: 'vehicle',
      whatHappened: 'A car waits outside the school at home time.',
      vehicleList: [{ colour: 'Silver', make: 'Vauxhall', registration: 'HX15 ABC' }],
    });
    const child = await core.submissions.submitIntelligence(school, {
      ...grading,
      child: { name: 'Testchild Nochildlink' },
      childAware: 'not-asked',
      whatHappened: 'Got into a silver Corsa HX15 ABC after school.',
    });
    const links = await core.links.list(met);
    expect(links).toHaveLength(1);
    const [link] = links;
    expect(link!.kinds).toEqual(['vehicle']);
    // Saved at the same moment of the fixed clock: compared in reference order.
    const reports = [...link!.reports].sort((a, b) => a.reference.localeCompare(b.reference));
    expect(reports.map((r) => [r.reference, r.childId === null, r.initials === 'no child named'])).toEqual([
      [car.reference, true, true],
      [child.reference, false, false],
    ]);
    expect(link!.entities).toHaveLength(1);
    expect(link!.entities[0]).toMatchObject({ kind: 'vehicle', value: 'HX15 ABC' });
    expect([...link!.entities[0]!.references].sort()).toEqual([car.reference, child.reference]);
    // The alert in the duty channel: references and initials only.
    const alert = await database.db.alert.findUniqueOrThrow({ where: { id: link!.id } });
    expect(alert.reference?.split(', ').sort()).toEqual([car.reference, child.reference]);
  });

  it('joins a later report naming no child to the link the car already raised', async () => {
    const again = await core.submissions.submitIntelligence(youth, {
      ...grading,
      about: 'person',
      whatHappened: 'The driver of HX15 ABC hangs around Example Park.',
      personsOfConcernList: [{ name: 'Deano', ageApprox: 20 }],
    });
    const links = await core.links.list(met);
    expect(links).toHaveLength(1);
    expect(links[0]!.reports.map((r) => r.reference)).toContain(again.reference);
  });

  it('counts its places in the picture', async () => {
    const places = await core.picture.places(met, dayPeriod('2026-11-01', '2026-11-30'));
    expect(places.find((row) => row.value === 'PO1 2AB')).toMatchObject({ reports: 2 });
  });
});
