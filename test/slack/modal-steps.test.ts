import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { nextStep, previousStep, shownSteps } from '../../adapters/slack/modals';
import { type Form, FormSchema } from '../../src/conversation/form-definition';
import type { FormSpec } from '../../src/conversation/form-engine';

/** Three steps; the middle one asks only when the first answer is yes. */
const form: Form = FormSchema.parse({
  id: 'steps',
  title: 'Steps',
  record: 'missing',
  intro: 'Intro',
  done: 'Done',
  steps: [
    { title: 'One', questions: [{ field: 'first', label: 'First', ask: 'First?', type: 'yesno' }] },
    {
      title: 'Two',
      questions: [
        {
          field: 'second',
          label: 'Second',
          ask: 'Second?',
          type: 'text',
          when: { field: 'first', equals: true },
        },
      ],
    },
    { title: 'Three', questions: [{ field: 'third', label: 'Third', ask: 'Third?', type: 'text' }] },
  ],
});
const spec: FormSpec = { form, schema: z.object({}) };

describe('Slack modal steps', () => {
  it('passes by a step none of whose questions apply, forwards and back', () => {
    expect(shownSteps(spec, { first: false })).toEqual([0, 2]);
    expect(nextStep(spec, 0, { first: false })).toBe(2);
    expect(previousStep(spec, { kind: 'step', step: 2 }, { first: false })).toBe(0);
    expect(previousStep(spec, { kind: 'summary' }, { first: false })).toBe(2);
    expect(nextStep(spec, 2, { first: false })).toBeUndefined();
  });

  it('shows each step when it applies, and Back goes to the one just before', () => {
    expect(nextStep(spec, 0, { first: true })).toBe(1);
    expect(previousStep(spec, { kind: 'step', step: 2 }, { first: true })).toBe(1);
    expect(previousStep(spec, { kind: 'step', step: 1 }, { first: true })).toBe(0);
    expect(previousStep(spec, { kind: 'step', step: 0 }, { first: true })).toBeUndefined();
  });
});
