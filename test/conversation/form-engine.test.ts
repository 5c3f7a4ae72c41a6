import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormEngine, pruneAnswers } from '../../src/conversation/form-engine';
import { defaultPromptsDir, loadPrompts, PromptError } from '../../src/conversation/prompts';
import { answerSchemas, crossFieldIssues } from '../../src/domain/records';

const prompts = loadPrompts();
const engine = new FormEngine(prompts.messages, () => new Date('2026-11-28T14:30:00Z'));
const form = (id: string) => {
  const found = prompts.forms.get(id)!;
  return {
    form: found,
    schema: answerSchemas[found.record as keyof typeof answerSchemas],
    crossCheck: (answers: Record<string, unknown>) => crossFieldIssues(found.record as 'return', answers),
  };
};

describe('validating a whole form at once (modals and cards)', () => {
  const missing = {
    'child.name': 'Testchild Modal',
    'child.inCare': 'no',
    missingFrom: 'home',
    'lastSeen.at': '28/11/2026 09:00',
    'lastSeen.where': 'Example Park',
    description: 'Red coat',
    policeTold: 'yes',
  };

  it('accepts a complete set and gives typed values', async () => {
    const result = await engine.validateAll(form('missing'), missing);
    expect(result).toMatchObject({
      ok: true,
      values: {
        child: { name: 'Testchild Modal', inCare: false },
        lastSeen: { at: '2026-11-28T09:00:00.000Z' },
      },
    });
  });

  it('names every wrong field with the reason', async () => {
    const result = await engine.validateAll(form('missing'), {
      ...missing,
      'lastSeen.at': '29/11/2026 09:00',
      missingFrom: 'moon',
      description: '',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual({
      'lastSeen.at': expect.stringContaining('That is in the future'),
      missingFrom: "Please choose a number from 1 to 7, or type the option's words.",
      description: 'Please answer this question.',
    });
  });

  it('applies rules across fields', async () => {
    const result = await engine.validateAll(form('intelligence'), {
      immediateDanger: 'no',
      'child.name': 'Testchild Card',
      whatHappened: 'Seen with older males',
      where: 'Example Street',
      whenHappened: 'Last night',
      howKnown: 'rumour',
      sourceEvaluation: '2',
      intelligenceAssessment: 'A',
      handling: 'P',
      childAware: 'not-asked',
    });
    expect(!result.ok && result.errors.intelligenceAssessment).toContain('first-hand');
  });

  it('ignores answers to questions whose condition no longer holds', () => {
    const kept = pruneAnswers(form('intelligence').form, {
      handling: 'P',
      handlingConditions: 'Only the police',
    });
    expect(kept).toEqual({ handling: 'P' });
  });
});

describe('prompts', () => {
  it('a broken prompt stops start-up naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metbot-prompts-'));
    cpSync(defaultPromptsDir, dir, { recursive: true });
    const file = join(dir, 'forms', 'missing.yaml');
    const source = readFileSync(file, 'utf8');
    const broken = source.replace('type: datetime', 'type: moment');
    writeFileSync(file, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('type: moment')) + 1;
    expect(() => loadPrompts(dir)).toThrow(PromptError);
    expect(() => loadPrompts(dir)).toThrow(new RegExp(`missing\\.yaml:${line}: `));
  });
});

describe('risk check forms', () => {
  it.each(['cse', 'missing', 'trafficking'] as const)(
    'the %s check asks every required field once and every question fills a field',
    async (check) => {
      const { riskCheckForm } = await import('../../src/conversation/risk-check-form');
      const { riskCheckAnswersSchema } = await import('../../src/domain/risk-answers');
      const { leafPaths, schemaAt } = await import('../../src/conversation/schema-path');
      const { questionsOf, FormSchema } = await import('../../src/conversation/form-definition');
      const built = FormSchema.parse(riskCheckForm(prompts.risk, check, prompts.messages));
      const schema = riskCheckAnswersSchema(prompts.risk.checks[check]);
      const fields = questionsOf(built).map((q) => q.field);
      expect(new Set(fields).size).toBe(fields.length);
      for (const field of fields) expect(schemaAt(schema, field), field).toBeDefined();
      for (const leaf of leafPaths(schema).filter((l) => l.required)) expect(fields).toContain(leaf.path);
    },
  );
});
