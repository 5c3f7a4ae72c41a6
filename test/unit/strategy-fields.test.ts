import { describe, expect, it } from 'vitest';
import { loadPrompts } from '../../src/conversation/prompts';
import { IntelligenceAnswers, MissingAnswers } from '../../src/domain/records';
import { intelligenceAnswers, missingAnswers } from '../gateway/support/fixtures';

/** Issue 16: the fields a police analyst or the MET group needs, each optional. */
describe('the fields the strategy asks for', () => {
  const forms = loadPrompts().forms;
  const question = (form: string, field: string) =>
    forms
      .get(form)!
      .steps.flatMap((step) => step.questions)
      .find((q) => q.field === field)!;

  it("takes the FIB1 sender's call-back details, optionally", () => {
    expect(question('intelligence', 'callBack').optional).toBe(true);
    const answers = { ...intelligenceAnswers(), callBack: '023 9200 0000' };
    expect(IntelligenceAnswers.parse(answers).callBack).toBe('023 9200 0000');
    expect(IntelligenceAnswers.safeParse(intelligenceAnswers()).success).toBe(true);
  });

  it('asks the basis for sharing only when the child has not agreed (DPA 2018 Sch. 1 para. 18)', () => {
    const asked = question('intelligence', 'sharingBasis');
    expect(asked.optional).toBe(true);
    expect(asked.when).toEqual({
      field: 'childAware',
      in: ['knows-not-agreed', 'does-not-know', 'not-asked'],
    });
    const answers = { ...intelligenceAnswers(), childAware: 'does-not-know', sharingBasis: 'safeguarding' };
    expect(IntelligenceAnswers.parse(answers).sharingBasis).toBe('safeguarding');
    expect(IntelligenceAnswers.safeParse({ ...answers, sharingBasis: 'because' }).success).toBe(false);
  });

  it("takes the police's grading of a missing episode, optionally, after the required questions", () => {
    const asked = question('missing', 'policeRiskGrading');
    expect(asked.optional).toBe(true);
    expect(
      MissingAnswers.parse({ ...missingAnswers(), policeRiskGrading: 'no-apparent-risk' }),
    ).toMatchObject({
      policeRiskGrading: 'no-apparent-risk',
    });
    expect(MissingAnswers.safeParse({ ...missingAnswers(), policeRiskGrading: 'very' }).success).toBe(false);
  });

  it('already takes the legal status of a child in care on the FIB1 (section 20, 31, 38)', () => {
    expect(question('intelligence', 'child.careStatus').optional).toBe(true);
  });
});
