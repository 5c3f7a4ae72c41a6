import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Form, FormSchema } from '../../src/conversation/form-definition';
import {
  buildStepView,
  buildWholeFormView,
  type FieldView,
  type FormSpec,
  fieldsOfStep,
  nothingToChoose,
  noticesFor,
  stepAfter,
  stepBefore,
  stepOfField,
  stepsThatApply,
} from '../../src/conversation/form-view';

/** Three steps: the second asks only when the first answer is yes, and so does a question in the first. */
const form: Form = FormSchema.parse({
  id: 'sighting',
  title: 'Sighting',
  record: 'missing',
  intro: 'Tell us what you saw.',
  done: 'Thank you.',
  steps: [
    {
      title: 'What you saw',
      questions: [
        { field: 'seen', label: 'Seen', ask: 'Did you see them?', type: 'yesno' },
        {
          field: 'where',
          label: 'Where',
          ask: 'Where?',
          type: 'text',
          help: 'A street or a park.',
          example: 'Testpark Road',
          when: { field: 'seen', equals: true },
        },
        {
          field: 'signs',
          label: 'Signs',
          ask: 'Which of these did you see?',
          type: 'multichoice',
          options: [
            { value: 'injury', label: 'An injury' },
            { value: 'new-phone', label: 'A new phone' },
          ],
        },
        { field: 'count', label: 'Times', ask: 'How many times?', type: 'number', dontKnow: true },
        {
          field: 'episode',
          label: 'Episode',
          ask: 'Which report?',
          type: 'episode',
          help: 'Choose from the list, or type the reference.',
        },
        {
          field: 'at',
          label: 'When',
          ask: 'When?',
          type: 'datetime',
          help: 'For example: today 14:30.',
        },
        {
          field: 'level',
          label: 'Level',
          ask: 'The check suggests {level}. What level?',
          type: 'choice',
          options: [
            { value: 'low', label: 'Low' },
            { value: 'high', label: 'High' },
          ],
          notice: { when: 'high', text: 'Call 999 now.' },
        },
      ],
    },
    {
      title: 'More',
      questions: [
        {
          field: 'more',
          label: 'More',
          ask: 'Anything more?',
          type: 'longtext',
          optional: true,
          when: { field: 'seen', equals: true },
        },
      ],
    },
    {
      title: 'Last',
      questions: [{ field: 'last', label: 'Last', ask: 'Last?', type: 'text', optional: true }],
    },
  ],
});

const episodes = [{ value: 'MIS-2026-000001', label: 'MIS-2026-000001 · T.E.' }];
const spec: FormSpec = {
  form,
  schema: z.object({}),
  hooks: {
    options: async () => episodes,
    vars: () => ({ level: 'HIGH' }),
    notes: () => [{ label: 'Suggested level', value: 'HIGH' }],
  },
};
const words = { yes: 'Yes', no: 'No' };
const byField = (fields: FieldView[]) => new Map(fields.map((field) => [field.field, field]));

describe('the form step view (one for every surface)', () => {
  it('shows the questions of a step that apply, and which decide others', async () => {
    const view = await buildStepView(spec, 0, {}, { words, layout: 'live' });
    expect(view.fields.map((field) => field.field)).toEqual([
      'seen',
      'signs',
      'count',
      'episode',
      'at',
      'level',
    ]);
    expect(view).toMatchObject({ formTitle: 'Sighting', stepTitle: 'What you saw', position: 1, of: 2 });
    expect(view).toMatchObject({ first: true, last: false, intro: 'Tell us what you saw.', notes: [] });
    const fields = byField(view.fields);
    expect(fields.get('seen')).toMatchObject({
      input: 'yesno',
      required: true,
      controlsOthers: true,
      options: [
        { value: 'yes', label: 'Yes' },
        { value: 'no', label: 'No' },
      ],
    });
    expect(fields.get('level')?.controlsOthers).toBe(false);

    const seen = await buildStepView(spec, 0, { seen: true }, { words, layout: 'live' });
    expect(seen.fields.map((field) => field.field)).toContain('where');
    expect(byField(seen.fields).get('where')).toMatchObject({
      required: true,
      dependsOnSameStep: true,
      hint: 'A street or a park.',
      example: 'Testpark Road',
      maxLength: 200,
    });
    expect(seen.of).toBe(3);
  });

  it('on a fixed layout shows a question that depends on the same step, required only by the engine', async () => {
    const view = await buildStepView(spec, 0, {}, { words, layout: 'fixed' });
    expect(byField(view.fields).get('where')).toMatchObject({ required: false, dependsOnSameStep: true });
    expect(byField(view.fields).get('seen')?.required).toBe(true);
    // A question on a later step is not on this card at all.
    const next = await buildStepView(spec, 1, {}, { words, layout: 'fixed' });
    expect(next.fields).toEqual([]);
  });

  it('says which may be left, which take several, and which take "don\'t know"', async () => {
    const fields = byField((await buildStepView(spec, 0, {}, { words, layout: 'live' })).fields);
    expect(fields.get('signs')).toMatchObject({ multiple: true, required: false });
    expect(fields.get('signs')?.options.map((option) => option.value)).toEqual(['injury', 'new-phone']);
    expect(fields.get('count')).toMatchObject({ dontKnow: true, required: false, multiple: false });
    expect(fields.get('level')).toMatchObject({ multiple: false, required: true });
  });

  it('finds run-time choices, fills worked-out values, and keeps typing help off pickers', async () => {
    const fields = byField(
      (await buildStepView(spec, 0, { level: 'high' }, { words, layout: 'live' })).fields,
    );
    expect(fields.get('episode')?.options).toEqual(episodes);
    expect(fields.get('episode')).toMatchObject({
      typingHint: 'Choose from the list, or type the reference.',
    });
    expect(fields.get('episode')?.hint).toBeUndefined();
    expect(fields.get('at')?.hint).toBeUndefined();
    expect(fields.get('level')).toMatchObject({
      ask: 'The check suggests HIGH. What level?',
      askShowsValue: true,
      hasNotice: true,
      notice: 'Call 999 now.',
    });
    expect(fields.get('seen')).toMatchObject({
      ask: 'Did you see them?',
      askShowsValue: false,
      hasNotice: false,
    });
    expect(await nothingToChoose(spec)).toBe(false);
    expect(await nothingToChoose({ ...spec, hooks: { options: async () => [] } })).toBe(true);
  });

  it('passes by a step none of whose questions apply, forwards and back', async () => {
    expect(stepsThatApply(spec, { seen: false })).toEqual([0, 2]);
    expect(stepAfter(spec, -1, { seen: false })).toBe(0);
    expect(stepAfter(spec, 0, { seen: false })).toBe(2);
    expect(stepAfter(spec, 2, { seen: false })).toBeUndefined();
    expect(stepBefore(spec, 2, { seen: false })).toBe(0);
    expect(stepBefore(spec, 3, { seen: false })).toBe(2);
    expect(stepAfter(spec, 0, { seen: true })).toBe(1);
    expect(stepBefore(spec, 2, { seen: true })).toBe(1);
    expect(stepBefore(spec, 0, { seen: true })).toBeUndefined();
    const last = await buildStepView(spec, 2, { seen: false }, { words, layout: 'live' });
    expect(last).toMatchObject({ position: 2, of: 2, first: false, last: true });
    expect(last.intro).toBeUndefined();
    expect(last.notes).toEqual([{ label: 'Suggested level', value: 'HIGH' }]);
  });

  it('shows the whole form at once with every conditional question left to the engine', async () => {
    const steps = await buildWholeFormView(spec, words);
    expect(steps.map((step) => step.stepTitle)).toEqual(['What you saw', 'More', 'Last']);
    const fields = byField(steps.flatMap((step) => step.fields));
    expect(fields.size).toBe(9);
    expect(fields.get('where')?.required).toBe(false);
    expect(fields.get('more')?.required).toBe(false);
    expect(fields.get('seen')?.required).toBe(true);
    // Nothing is answered yet: a worked-out value is not shown.
    expect(fields.get('level')?.askShowsValue).toBe(false);
  });

  it('names the fields of a step, the step of a field, and what to say at once', () => {
    expect(fieldsOfStep(spec, 1)).toEqual([{ field: 'more', input: 'longtext' }]);
    expect(stepOfField(spec, 'last')).toBe(2);
    expect(stepOfField(spec, 'nowhere')).toBeUndefined();
    expect(noticesFor(spec, { level: 'high' })).toEqual(['Call 999 now.']);
    expect(noticesFor(spec, { level: 'high' }, 2)).toEqual([]);
    expect(noticesFor(spec, { level: 'low' })).toEqual([]);
  });
});
