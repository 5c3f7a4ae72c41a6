import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeView } from '../../adapters/slack/home';
import { modalLimits, stepView, summaryView } from '../../adapters/slack/modals';
import type { Question } from '../../src/conversation/form-definition';
import type { FormSpec, FormState } from '../../src/conversation/form-engine';
import { buildStepView, stepsThatApply } from '../../src/conversation/form-view';
import type { ListReply } from '../../src/conversation/reply';
import { setPath } from '../../src/conversation/schema-path';
import { createTestCore, type TestCore, testActor } from '../support/core';
import type { TestDatabase } from '../support/databases';

type Json = Record<string, unknown>;

/** Every limit Slack puts on a view, checked over the whole block tree. */
function slackProblems(view: Json): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  const text = (value: unknown) => String((value as { text?: string } | undefined)?.text ?? '');
  if (view.type === 'modal') {
    check(text(view.title).length <= modalLimits.title, `title over 24: ${text(view.title)}`);
    check(text(view.submit).length <= modalLimits.button, 'submit over 24');
    check(text(view.close).length <= modalLimits.button, 'close over 24');
    check(
      String(view.private_metadata ?? '').length <= modalLimits.privateMetadata,
      'private_metadata over 3000',
    );
    check(String(view.callback_id ?? '').length <= modalLimits.id, 'callback_id over 255');
  }
  const blocks = view.blocks as Json[];
  check(blocks.length <= modalLimits.blocks, `${blocks.length} blocks`);
  const ids = blocks.map((b) => b.block_id).filter(Boolean);
  check(new Set(ids).size === ids.length, 'block ids repeat');
  for (const block of blocks) {
    const id = `${block.type} ${block.block_id ?? ''}`;
    check(String(block.block_id ?? '').length <= modalLimits.id, `${id}: block_id over 255`);
    if (block.type === 'section') {
      if (block.text) check(text(block.text).length <= 3000, `${id}: text over 3000`);
      const fields = (block.fields as Json[] | undefined) ?? [];
      check(fields.length <= 10, `${id}: over 10 fields`);
      for (const field of fields) check(text(field).length <= 2000, `${id}: field over 2000`);
      check(Boolean(block.text) || fields.length > 0, `${id}: empty section`);
    }
    if (block.type === 'header') check(text(block.text).length <= 150, `${id}: header over 150`);
    if (block.type !== 'input') continue;
    check(text(block.label).length > 0 && text(block.label).length <= modalLimits.label, `${id}: label`);
    if (block.hint) check(text(block.hint).length <= modalLimits.hint, `${id}: hint over 2000`);
    const element = block.element as Json;
    check(String(element.action_id).length <= modalLimits.id, `${id}: action_id over 255`);
    if (element.placeholder) {
      check(text(element.placeholder).length <= modalLimits.placeholder, `${id}: placeholder over 150`);
    }
    const options = (element.options as Json[] | undefined) ?? [];
    if (/select|radio|checkboxes/.test(String(element.type))) check(options.length > 0, `${id}: no options`);
    const most = /radio|checkboxes/.test(String(element.type)) ? 10 : 100;
    check(options.length <= most, `${id}: ${options.length} options for ${element.type}`);
    for (const option of options) {
      check(text(option.text).length <= modalLimits.optionText, `${id}: option text over 75`);
      check(String(option.value).length <= modalLimits.optionValue, `${id}: option value over 150`);
    }
    if (typeof element.initial_value === 'string' && typeof element.max_length === 'number') {
      check(element.initial_value.length <= element.max_length, `${id}: initial value over max_length`);
    }
  }
  return problems;
}

/** The form with every condition dropped: the most a step can ever show. */
function everything(spec: FormSpec): FormSpec {
  const steps = spec.form.steps.map((step) => ({
    ...step,
    questions: step.questions.map((question) => ({ ...question, when: undefined })),
  }));
  return { ...spec, form: { ...spec.form, steps } };
}

/** Answers at their longest, to fill a summary. */
function longest(question: Question): unknown {
  const first = question.options?.[0]?.value ?? 'x';
  switch (question.type) {
    case 'longtext':
      return 'A long narrative & <!channel> '.repeat(100).slice(0, 3000);
    case 'multichoice':
      return (question.options ?? []).map((o) => o.value);
    case 'yesno':
      return true;
    case 'number':
      return 14;
    case 'date':
      return '2012-03-14';
    case 'datetime':
      return '2026-11-28T09:00:00.000Z';
    case 'choice':
    case 'episode':
      return first;
    default:
      return 'T'.repeat(200);
  }
}

const episodes = Array.from({ length: 25 }, (_, i) => ({
  value: `MIS-2026-${String(i + 1).padStart(6, '0')}`,
  label: `MIS-2026-${String(i + 1).padStart(6, '0')} · TE · last seen Sat 28 Nov 2026, 09:00`,
}));

/** The form with more missing episodes to choose from than a radio group holds. */
const withEpisodes = (spec: FormSpec): FormSpec => ({
  ...spec,
  hooks: { ...spec.hooks, options: async () => episodes },
});

describe('every form as Slack modals', () => {
  let core: TestCore;
  let database: TestDatabase;
  beforeAll(async () => ({ core, database } = await createTestCore('sqlite')));
  afterAll(() => database.destroy());

  it('has a checker that catches what Slack would refuse', () => {
    const input = (element: Json) => ({ type: 'input', block_id: 'b', label: { text: 'L' }, element });
    const many = Array.from({ length: 11 }, (_, i) => ({ text: { text: `o${i}` }, value: `${i}` }));
    expect(slackProblems({ type: 'modal', title: { text: 'T'.repeat(25) }, blocks: [] })).toHaveLength(1);
    expect(slackProblems({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })).toHaveLength(
      1,
    );
    expect(
      slackProblems({ blocks: [input({ type: 'checkboxes', action_id: 'a', options: many })] }),
    ).toHaveLength(1);
    const long = [{ text: { text: 'o'.repeat(76) }, value: 'v' }];
    expect(
      slackProblems({ blocks: [input({ type: 'static_select', action_id: 'a', options: long })] }),
    ).toHaveLength(1);
  });

  it('covers every form in prompts/ and the risk checks', () => {
    expect(core.catalogue.ids()).toEqual(
      expect.arrayContaining([
        'intelligence',
        'missing',
        'return',
        'check-cse',
        'check-missing',
        'check-trafficking',
      ]),
    );
  });

  it('renders each step of each form within Slack limits, as first shown and with every question', async () => {
    const actor = await testActor(core, 'limits', 'met-member');
    const messages = core.prompts.messages;
    let views = 0;
    for (const formId of core.catalogue.ids()) {
      const spec = withEpisodes(core.catalogue.spec(formId, actor));
      for (const shape of [spec, everything(spec)]) {
        for (let step = 0; step < shape.form.steps.length; step += 1) {
          const view = stepView({
            view: await buildStepView(shape, step, {}, { words: messages, layout: 'live' }),
            draftId: randomUUID(),
            raw: {},
            problems: { somewhere: 'A reason to check this answer.' },
          });
          expect(slackProblems(view as unknown as Json), `${formId} step ${step + 1}`).toEqual([]);
          views += 1;
        }
      }
      const answers: Record<string, unknown> = {};
      for (const step of everything(spec).form.steps) {
        for (const question of step.questions) setPath(answers, question.field, longest(question));
      }
      const state: FormState = {
        formId,
        phase: 'summary',
        answers,
        skipped: [],
        history: [],
        returnToSummary: false,
      };
      const summary = summaryView(core.engine.summary(everything(spec), state), randomUUID(), 'Check this.');
      expect(slackProblems(summary as unknown as Json), `${formId} summary`).toEqual([]);
    }
    expect(views).toBeGreaterThan(12);
  });

  it('renders each step of intelligence with no child named within Slack limits (issue 16)', async () => {
    const actor = await testActor(core, 'limits-no-child', 'practitioner');
    const spec = core.catalogue.spec('intelligence', actor);
    const words = core.prompts.messages;
    for (const about of ['place', 'vehicle', 'person']) {
      const shown: string[] = [];
      for (const step of stepsThatApply(spec, { about })) {
        const here = await buildStepView(spec, step, { about }, { words, layout: 'live' });
        const view = stepView({
          view: here,
          draftId: randomUUID(),
          raw: { about },
          problems: { placeList: 'Please give the place this is about.' },
        });
        expect(slackProblems(view as unknown as Json), `${about} step ${step + 1}`).toEqual([]);
        shown.push(...here.fields.map((field) => field.field));
      }
      expect(shown.filter((field) => /^(child\.|associates|childAware|sharingBasis)/.test(field))).toEqual(
        [],
      );
    }
  });

  it('shows typing help under typed answers only, never under a date, time or list picker', async () => {
    const actor = await testActor(core, 'typing-help', 'met-member');
    const words = core.prompts.messages;
    const inputs: Json[] = [];
    for (const formId of ['missing', 'return']) {
      const spec = withEpisodes(everything(core.catalogue.spec(formId, actor)));
      for (let step = 0; step < spec.form.steps.length; step += 1) {
        const view = stepView({
          view: await buildStepView(spec, step, {}, { words, layout: 'live' }),
          draftId: randomUUID(),
          raw: {},
        });
        inputs.push(...(view.blocks as unknown as Json[]).filter((block) => block.type === 'input'));
      }
    }
    const hint = (id: string) => {
      const block = inputs.find((input) => input.block_id === id);
      expect(block, id).toBeDefined();
      return (block?.hint as { text?: string } | undefined)?.text;
    };
    expect(hint('lastSeen.at')).toBeUndefined();
    expect(hint('child.dateOfBirth')).toBeUndefined();
    expect(hint('episode')).toBeUndefined();
    expect(hint('description')).toBe('Height, build, hair, clothing and anything that stands out.');
    const typing = inputs.filter((input) =>
      /For example: today|type the reference/.test(JSON.stringify(input)),
    );
    expect(typing).toEqual([]);
  });

  it('says "Choose all that apply" once under every list where several may be chosen', async () => {
    const actor = await testActor(core, 'choose-all', 'met-member');
    const words = core.prompts.messages;
    for (const check of ['cse', 'missing', 'trafficking']) {
      const spec = everything(core.catalogue.spec(`check-${check}`, actor));
      let lists = 0;
      for (let step = 0; step < spec.form.steps.length; step += 1) {
        const view = stepView({
          view: await buildStepView(spec, step, {}, { words, layout: 'live' }),
          draftId: randomUUID(),
          raw: {},
        });
        for (const block of view.blocks as unknown as Json[]) {
          const element = block.element as Json | undefined;
          if (block.type !== 'input' || !/^(checkboxes|multi_static_select)$/.test(String(element?.type)))
            continue;
          lists += 1;
          const said = `${JSON.stringify(block.label)} ${JSON.stringify(block.hint ?? '')}`.toLowerCase();
          expect(said.split('choose all that apply').length - 1, `${check} ${block.block_id}`).toBe(1);
        }
      }
      expect(lists, check).toBeGreaterThan(0);
    }
  });

  it('keeps App Home within 100 blocks however long the lists', () => {
    const list: ListReply = {
      kind: 'list',
      title: 'Missing now',
      empty: '',
      items: Array.from({ length: 200 }, (_, i) => ({
        title: `TE · MIS-2026-${i}`,
        fields: [{ label: 'Last seen', value: 'Sat 28 Nov 2026, 09:00' }],
      })),
    };
    const view = homeView([list, list], core) as unknown as Json;
    expect(slackProblems(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('more not shown here');
  });
});
