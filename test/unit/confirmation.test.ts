import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { confirmation } from '../../src/chat/confirmation';
import { loadPrompts } from '../../src/conversation/prompts';
import type { ListReply, Reply } from '../../src/conversation/reply';
import { scoreRiskCheck } from '../../src/domain/risk';
import type { Submission } from '../../src/submissions/submissions.service';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prompts = loadPrompts(resolve(root, 'prompts'));
const saved = (over: Partial<Submission>): Submission => ({
  recordId: '00000000-0000-4000-8000-000000000000',
  reference: 'RC-2026-000001',
  type: 'risk-check',
  vars: { reference: 'RC-2026-000001' },
  sentTo: [],
  ...over,
});
const said = (replies: Reply[]) => replies.filter((r) => r.kind === 'text').map((r) => r.text);
const result = (replies: Reply[]) => replies.find((r): r is ListReply => r.kind === 'list')!;
const items = (list: ListReply) =>
  Object.fromEntries(list.items.map((i) => [i.title, i.fields.map((f) => f.value)]));

describe('the confirmation of a risk check', () => {
  it('heads the result with the practitioner’s level, the suggestion beside it, and its next steps', () => {
    const risk = scoreRiskCheck(prompts.risk, 'cse', {
      selected: ['older-boyfriend'],
      ageYears: 15,
      chosen: { level: 'low', reason: 'The boyfriend is 16 and known to the family' },
    });
    const list = result(confirmation('Saved as {reference}.', saved({ risk }), prompts.messages));
    expect(list.title).toBe('Your level: *LOW* (the check suggested MEDIUM).');
    expect(items(list)['Your reason']).toEqual(['The boyfriend is 16 and known to the family']);
    expect(items(list)['What to do next:']).toEqual(prompts.risk.checks.cse.nextSteps.low);
  });

  it('says "Suggested level" when the practitioner agreed, and lists what was not known', () => {
    const risk = scoreRiskCheck(prompts.risk, 'trafficking', {
      selected: ['no-gp'],
      unknown: ['arrival', 'internal'],
    });
    const list = result(confirmation('Saved as {reference}.', saved({ risk }), prompts.messages));
    expect(list.title).toBe('Suggested level: *MEDIUM*.');
    // Age decides nothing in this check, so it is not listed.
    expect(items(list)['Not known']).toEqual(['Arrival in the UK', 'Internally trafficked']);
  });

  it('says where the record went: the coordinator and the child’s case file', () => {
    const replies = confirmation(
      'Saved as {reference}.',
      saved({ type: 'return-interview', sentTo: ['met-coordinator', 'case-file'] }),
      prompts.messages,
    );
    expect(said(replies)).toEqual([
      'Saved as RC-2026-000001.',
      "It is queued for the MET coordinator. It is queued for the child's case file.",
    ]);
  });
});
