import type { FormSpec } from '../../src/conversation/form-engine';
import { fill } from '../../src/conversation/prompts';
import { type Reply, text } from '../../src/conversation/reply';
import type { Core } from '../../src/core';
import type { Submission } from '../../src/services/submissions.service';

/** What the submitter is told once a form is saved: its `done` words and any risk result. */
export function submitted(spec: FormSpec, submission: Submission, core: Core): Reply[] {
  const replies: Reply[] = [text(fill(spec.form.done, submission.vars), 'success')];
  const risk = submission.risk;
  if (!risk) return replies;
  const words = core.prompts.messages.riskCheck;
  replies.push(
    {
      kind: 'list',
      title: fill(words.result ?? '{title}: {level}', {
        title: 'Suggested level',
        level: risk.level.toUpperCase(),
      }),
      items: [
        { title: words.reasons ?? 'Why', fields: risk.reasons.map((value) => ({ label: '•', value })) },
        {
          title: words.nextSteps ?? 'What to do next',
          fields: risk.nextSteps.map((value) => ({ label: '•', value })),
        },
      ],
      empty: '',
    },
    text(risk.disclaimer),
  );
  return replies;
}
