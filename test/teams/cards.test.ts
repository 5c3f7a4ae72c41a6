import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawAnswers } from '../../adapters/teams/card-inputs';
import { type AdaptiveCard, formCard, listCard, stepActions, summaryCard } from '../../adapters/teams/cards';
import { teamsBold, toTeamsMarkdown } from '../../adapters/teams/markdown';
import { ShareForm } from '../../adapters/teams/share-form';
import type { Actor } from '../../src/access/actor';
import { questionsOf } from '../../src/conversation/form-definition';
import {
  buildStepView,
  buildWholeFormView,
  type FormSpec,
  fieldsOfForm,
} from '../../src/conversation/form-view';
import { createCore } from '../../src/core';
import { fixedClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { testCipher } from '../support/keys';
import { microsoftCardProblems } from './microsoft-cards';
import { elements } from './support';

/** Elements Teams renders in Adaptive Cards (schema 1.5 and below), and the actions it supports. */
const teamsSupported = new Set([
  'AdaptiveCard',
  'TextBlock',
  'Container',
  'ColumnSet',
  'Column',
  'FactSet',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
  'Action.Submit',
  'Action.Execute',
  'Action.OpenUrl',
  'Action.ShowCard',
]);

function checkForTeams(card: AdaptiveCard): void {
  expect(Number(card.version)).toBeLessThanOrEqual(1.5);
  const types = elements(card).map((element) => element.type as string);
  expect(types.filter((type) => !teamsSupported.has(type))).toEqual([]);
  const ids = elements(card)
    .map((element) => element.id)
    .filter(Boolean);
  expect(new Set(ids).size).toBe(ids.length);
  // Teams refuses a message over 40 KB.
  expect(JSON.stringify(card).length).toBeLessThan(40_000);
  expect(microsoftCardProblems(card)).toEqual([]);
}

/** The fields of one step as a card shows them: a card's layout is fixed. */
async function cardFields(spec: FormSpec, step: number, values: Record<string, unknown>) {
  const words = { yes: 'Yes', no: 'No' };
  return (await buildStepView(spec, step, values, { words, layout: 'fixed' })).fields;
}

/** Every question of the form in sections, as the share dialog shows it. */
async function wholeForm(spec: FormSpec) {
  const steps = await buildWholeFormView(spec, { yes: 'Yes', no: 'No' });
  return steps.map((step) => ({ title: step.stepTitle, fields: step.fields }));
}

/** The whole form in one card, nothing answered yet. */
async function blankCard(spec: FormSpec) {
  return formCard({ title: 't', sections: await wholeForm(spec), inputs: {}, errors: {}, actions: [] });
}

describe('Adaptive Cards from the forms', () => {
  let database: TestDatabase;
  let core: ReturnType<typeof createCore>;
  let actor: Actor;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    core = createCore({
      config: {
        DRAFT_EXPIRY_HOURS: 24,
        ENROL_NEW_USERS: 'practitioner',
        ENROL_SLACK_TEAMS: [],
        ENROL_TEAMS_TENANTS: [],
        METBOT_ADMINS: new Set(),
        REPEAT_MISSING_THRESHOLD: 3,
        REPEAT_MISSING_DAYS: 90,
      },
      database,
      cipher: testCipher(),
      log: createLogger('silent'),
      clock: fixedClock('2026-11-28T10:00:00Z'),
    });
    actor = await core.users.ensure(
      { platform: 'teams', workspace: 't', platformUserId: 'u1', displayName: 'Testworker Example' },
      'met-member',
      'Example Agency',
      'teams',
    );
  });
  afterAll(() => database?.destroy());

  it('renders every step of every form at schema 1.5 or lower, with only elements Teams supports', async () => {
    const ids = core.catalogue.ids();
    expect(ids).toEqual(expect.arrayContaining(['intelligence', 'missing', 'return', 'check-cse']));
    for (const formId of ids) {
      const spec = core.catalogue.spec(formId, actor);
      for (let step = 0; step < spec.form.steps.length; step++) {
        const fields = await cardFields(spec, step, {});
        const card = formCard({
          title: spec.form.title,
          sections: [{ fields }],
          inputs: {},
          errors: Object.fromEntries(fields.map((f) => [f.field, 'A reason.'])),
          actions: stepActions({ draft: 'd', step, last: false, canGoBack: true }),
        });
        checkForTeams(card);
        // The same step coming back with answers in it (a resubmitted card keeps them).
        const answered = Object.fromEntries(
          fields.map((f) => [f.field, f.input === 'number' ? '14' : 'yes']),
        );
        checkForTeams(
          formCard({
            title: spec.form.title,
            sections: [{ fields }],
            inputs: answered,
            errors: {},
            actions: stepActions({ draft: 'd', step, last: true, canGoBack: false }),
          }),
        );
      }
      const whole = formCard({
        title: spec.form.title,
        sections: await wholeForm(spec),
        inputs: {},
        errors: {},
        actions: [],
      });
      checkForTeams(whole);
      // Every question of the form has its input(s) in the whole-form card.
      const inputs = elements(whole).filter((e) => String(e.type).startsWith('Input.'));
      expect(inputs.length).toBeGreaterThanOrEqual(questionsOf(spec.form).length);
      for (const input of inputs) expect(input.label).toBeTruthy();
    }
  });

  it('renders each step of intelligence with no child named (issue 16), with its own questions', async () => {
    const spec = core.catalogue.spec('intelligence', actor);
    const lists = { place: 'placeList', vehicle: 'vehicleList', person: 'personsOfConcernList' };
    for (const [about, list] of Object.entries(lists)) {
      const shown: string[] = [];
      for (let step = 0; step < spec.form.steps.length; step++) {
        const fields = await cardFields(spec, step, { about });
        if (fields.length === 0) continue;
        shown.push(...fields.map((f) => f.field));
        checkForTeams(
          formCard({
            title: spec.form.title,
            sections: [{ fields }],
            inputs: { about },
            errors: Object.fromEntries(fields.map((f) => [f.field, 'A reason.'])),
            actions: stepActions({ draft: 'd', step, last: false, canGoBack: step > 0 }),
          }),
        );
      }
      expect(shown, about).toContain(list);
      expect(
        shown.filter((field) => /^(associates|childAware|sharingBasis)$/.test(field)),
        about,
      ).toEqual([]);
    }
  });

  it('maps question types onto Teams inputs', async () => {
    const spec = core.catalogue.spec('missing', actor);
    const card = await blankCard(spec);
    const byId = new Map(elements(card).map((e) => [e.id, e]));
    expect(byId.get('child.name')).toMatchObject({ type: 'Input.Text', isRequired: true, maxLength: 200 });
    expect(byId.get('description')).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 3000 });
    expect(byId.get('child.inCare')).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded' });
    expect(byId.get('child.dateOfBirth')).toMatchObject({ type: 'Input.Date', isRequired: false });
    expect(byId.get('lastSeen.at#date')).toMatchObject({ type: 'Input.Date', isRequired: true });
    expect(byId.get('lastSeen.at#time')).toMatchObject({ type: 'Input.Time', isRequired: true });
    expect(byId.get('missingFrom')).toMatchObject({ type: 'Input.ChoiceSet', style: 'compact' });
    expect(byId.get('risks')).toMatchObject({
      type: 'Input.ChoiceSet',
      isMultiSelect: true,
      isRequired: false,
    });
    expect(byId.get('child.ageYears')).toMatchObject({ type: 'Input.Number' });
    const risks = elements(card).findIndex((e) => e.id === 'risks');
    expect(elements(card)[risks + 1]).toMatchObject({ type: 'TextBlock', text: 'Choose all that apply.' });
  });

  it('says "Choose all that apply" once under every list where several may be chosen', async () => {
    for (const check of ['cse', 'missing', 'trafficking']) {
      const spec = core.catalogue.spec(`check-${check}`, actor);
      const card = await blankCard(spec);
      const multiple = (await wholeForm(spec))
        .flatMap((section) => section.fields)
        .filter((field) => field.multiple);
      expect(multiple.length, check).toBeGreaterThan(0);
      const text = JSON.stringify(card).toLowerCase();
      const times = text.split('choose all that apply').length - 1;
      expect(times, check).toBe(multiple.length);
    }
  });

  it('sends an age as a number, and never a choice set with nothing to choose', async () => {
    const spec = core.catalogue.spec('missing', actor);
    const sections = await wholeForm(spec);
    const card = formCard({
      title: 't',
      sections,
      inputs: { 'child.ageYears': '14' },
      errors: {},
      actions: [],
    });
    expect(elements(card).find((e) => e.id === 'child.ageYears')).toMatchObject({ value: 14 });
    const missingFrom = sections.flatMap((s) => s.fields).find((f) => f.field === 'missingFrom')!;
    const bare = formCard({
      title: 't',
      sections: [{ fields: [{ ...missingFrom, options: [] }] }],
      inputs: {},
      errors: {},
      actions: [],
    });
    expect(elements(bare).find((e) => e.id === 'missingFrom')).toMatchObject({ type: 'Input.Text' });
    expect(microsoftCardProblems(bare)).toEqual([]);
  });

  it('shows typing help only where the answer is typed, never under a date, time or list picker', async () => {
    const spec = core.catalogue.spec('missing', actor);
    const card = await blankCard(spec);
    const said = elements(card).map((e) => String(e.text ?? ''));
    expect(said.filter((text) => text.startsWith('For example:'))).toEqual([]);
    expect(said).toContain('Height, build, hair, clothing and anything that stands out.');
    const returned = core.catalogue.spec('return', actor);
    const episode = (await wholeForm(returned)).flatMap((s) => s.fields).find((f) => f.field === 'episode')!;
    const card2 = (options: { value: string; label: string }[]) =>
      formCard({
        title: 't',
        sections: [{ fields: [{ ...episode, options }] }],
        inputs: {},
        errors: {},
        actions: [],
      });
    const typeIt = 'Choose from the children reported missing, or type the reference of the report.';
    // With no report to choose from the reference is typed, and the help says so.
    const typed = card2([]);
    expect(elements(typed).find((e) => e.id === 'episode')).toMatchObject({ type: 'Input.Text' });
    expect(elements(typed).map((e) => e.text)).toContain(typeIt);
    const picked = card2([{ value: 'MIS-2026-000001', label: 'MIS-2026-000001 · T.E.' }]);
    expect(elements(picked).find((e) => e.id === 'episode')).toMatchObject({ type: 'Input.ChoiceSet' });
    expect(elements(picked).map((e) => e.text)).not.toContain(typeIt);
    expect(microsoftCardProblems(typed)).toEqual([]);
  });

  it('reads card inputs as the engine reads answers', async () => {
    const spec = core.catalogue.spec('missing', actor);
    const raw = rawAnswers(fieldsOfForm(spec), {
      'lastSeen.at#date': '2026-11-28',
      'lastSeen.at#time': '08:30',
      risks: 'exploitation,self-harm',
      'child.name': 'Testchild Example',
    });
    expect(raw).toMatchObject({
      'lastSeen.at': '2026-11-28 08:30',
      risks: ['exploitation', 'self-harm'],
      'child.name': 'Testchild Example',
    });
    const checked = await core.engine.validateAll(spec, raw);
    expect(checked.ok).toBe(false);
    // 08:30 UK time on 28 November is 08:30 UTC (no summer time).
    expect((checked.values as { lastSeen?: { at?: string } }).lastSeen?.at).toBe('2026-11-28T08:30:00.000Z');
  });

  it('renders the summary, a list and the share dialog for Teams', async () => {
    checkForTeams(
      summaryCard(
        {
          kind: 'summary',
          formId: 'missing',
          title: 'Report a child missing',
          fields: [{ field: 'child.name', label: "Child's name", value: 'Testchild Example' }],
          notes: [{ label: 'Suggested level', value: 'HIGH' }],
          prompt: '',
        },
        'draft-1',
      ),
    );
    checkForTeams(
      listCard({
        kind: 'list',
        title: 'Return interviews due',
        items: [{ title: 'MIS-2026-000001 · T.E.', fields: [{ label: 'Due', value: '1 Dec 2026, 10:00' }] }],
        empty: 'None',
      }),
    );
    const dialog = await new ShareForm(core).open(actor, 'Saw TE get into a silver car');
    checkForTeams(dialog);
    expect(elements(dialog).find((e) => e.id === 'whatHappened')?.value).toBe('Saw TE get into a silver car');
  });

  it('turns the prompts’ *bold* into Teams markdown', () => {
    expect(teamsBold('Type *help* or *check cse*.')).toBe('Type **help** or **check cse**.');
    expect(teamsBold('2 * 3 * 4')).toBe('2 * 3 * 4');
    expect(toTeamsMarkdown('Pick one:\n  1. Home\n  2. School')).toBe('Pick one:\n\n1. Home\n\n2. School');
  });
});
