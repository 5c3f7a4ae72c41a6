import type { Actor } from '../access/actor';
import type { FormSpec } from '../conversation/form-engine';
import type { Prompts } from '../conversation/prompts';
import { riskCheckForm } from '../conversation/risk-check-form';
import { formatLondon } from '../domain/london-time';
import { answerSchemas, crossFieldIssues } from '../domain/records';
import { type RiskCheckId, scoreRiskCheck } from '../domain/risk';
import { type RiskCheckAnswers, riskCheckAnswersSchema, selectedIndicators } from '../domain/risk-answers';
import type { SubmissionService } from './submissions.service';

export const riskChecks: RiskCheckId[] = ['cse', 'missing', 'trafficking'];

/** Every form, with its schema and run-time hooks, ready for the engine. */
export class FormCatalogue {
  constructor(
    private readonly prompts: Prompts,
    private readonly submissions: SubmissionService,
  ) {
    for (const id of ['intelligence', 'missing', 'return', 'interview']) {
      if (!prompts.forms.has(id)) throw new Error(`prompts/forms: the ${id} form is missing`);
    }
  }

  ids(): string[] {
    return [...this.prompts.forms.keys(), ...riskChecks.map((check) => `check-${check}`)];
  }

  spec(formId: string, actor: Actor): FormSpec {
    const check = /^check-(cse|missing|trafficking)$/.exec(formId)?.[1] as RiskCheckId | undefined;
    if (check) return this.riskSpec(check);
    const form = this.prompts.forms.get(formId);
    if (!form || form.record === 'risk-check') throw new Error(`No form ${formId}`);
    const record = form.record;
    return {
      form,
      schema: answerSchemas[record],
      crossCheck: (answers) => crossFieldIssues(record, answers),
      hooks: {
        options: async () =>
          (record === 'return-interview'
            ? await this.submissions.awaitingInterview(actor)
            : await this.submissions.openEpisodes(actor)
          ).map((episode) => ({
            value: episode.reference,
            label: `${episode.reference} · ${episode.initials} · last seen ${formatLondon(episode.lastSeenAt)}`,
          })),
      },
    };
  }

  private riskSpec(check: RiskCheckId): FormSpec {
    const rules = this.prompts.risk;
    const words = this.prompts.messages.riskCheck;
    const suggest = (answers: Record<string, unknown>) => {
      const given = answers as Partial<RiskCheckAnswers>;
      return scoreRiskCheck(rules, check, {
        selected: selectedIndicators(given),
        ageYears: given.child?.ageYears,
      }).suggestedLevel;
    };
    return {
      form: riskCheckForm(rules, check, this.prompts.messages),
      schema: riskCheckAnswersSchema(rules.checks[check]),
      hooks: {
        vars: (answers) => ({ level: suggest(answers).toUpperCase() }),
        notes: (answers) => [
          { label: words.suggested ?? 'Suggested level', value: suggest(answers).toUpperCase() },
        ],
      },
    };
  }
}
