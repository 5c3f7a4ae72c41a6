import { type RiskCheckId, type RiskRules, UNKNOWN } from '../domain/risk';
import type { Form } from './form-definition';
import { fill, type Messages } from './prompts';

/** The form for a quick risk check, built from its rules so a board edits one file. */
export function riskCheckForm(rules: RiskRules, check: RiskCheckId, messages: Messages): Form {
  const spec = rules.checks[check];
  const words = messages.riskCheck;
  const word = (key: string) => {
    const value = words[key];
    if (!value) throw new Error(`prompts/messages.yaml: riskCheck.${key} is missing`);
    return value;
  };
  return {
    id: `check-${check}`,
    title: spec.title,
    record: 'risk-check',
    intro: fill(word('intro'), { description: spec.description, disclaimer: rules.disclaimer }),
    done: 'Saved as {reference}.',
    steps: [
      {
        title: 'The child',
        questions: [
          {
            field: 'child.name',
            label: word('childNameLabel'),
            ask: word('childName'),
            type: 'text',
            optional: true,
          },
          {
            field: 'child.ageYears',
            label: word('ageYearsLabel'),
            ask: word('ageYears'),
            type: 'number',
            optional: true,
          },
          ...spec.context.map((question) => ({
            field: `context.${question.id}`,
            label: question.label,
            ask: question.ask,
            help: question.help,
            type: 'choice' as const,
            options: question.options,
            // "Don't know" (or skip) is an answer: it is stored as unknown.
            optional: true,
          })),
        ],
      },
      ...spec.groups.map((group) => ({
        title: group.name.slice(0, 24),
        questions: [
          {
            field: `indicators.${group.id}`,
            label: group.name.slice(0, 48),
            ask: group.ask,
            help: group.help,
            type: 'multichoice' as const,
            options: [
              ...group.indicators.map((indicator) => ({ value: indicator.id, label: indicator.label })),
              { value: UNKNOWN, label: word('dontKnow') },
            ],
            // Skipping a list, or choosing "Don't know", is stored as unknown; "none" is an empty list.
            optional: true,
            ...(group.askWhen && {
              when: { field: `context.${group.askWhen.context}`, in: group.askWhen.in },
            }),
          },
        ],
      })),
      {
        title: 'Your view',
        questions: [
          {
            field: 'ownLevel',
            label: word('ownLevelLabel'),
            ask: word('ownLevel'),
            type: 'choice',
            options: [
              { value: 'agree', label: word('ownLevelAgree') },
              { value: 'low', label: 'Low' },
              { value: 'medium', label: 'Medium' },
              { value: 'high', label: 'High' },
            ],
            optional: true,
          },
          {
            field: 'ownReason',
            label: word('ownReasonLabel'),
            ask: word('ownReason'),
            type: 'longtext',
            optional: false,
            when: { field: 'ownLevel', in: ['low', 'medium', 'high'] },
          },
        ],
      },
    ],
  };
}
