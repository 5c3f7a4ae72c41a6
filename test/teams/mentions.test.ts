import { describe, expect, it } from 'vitest';
import { mentionsAsIds } from '../../adapters/teams/mentions';

describe('Teams mentions in a typed command', () => {
  it('become the neutral <@id> the core reads, the Entra id first', () => {
    const activity = {
      recipient: { id: '28:bot', name: 'metbot' },
      entities: [
        {
          type: 'mention',
          text: '<at>Sam Testworker</at>',
          mentioned: { id: '29:sam', name: 'Sam Testworker', aadObjectId: 'aad-sam' },
        },
        { type: 'mention', text: '<at>Mo Example</at>', mentioned: { id: '29:mo', name: 'Mo Example' } },
      ],
    };
    expect(mentionsAsIds(activity, 'assign MIS-2026-000001 <at>Sam Testworker</at>')).toBe(
      'assign MIS-2026-000001 <@aad-sam>',
    );
    expect(mentionsAsIds(activity, 'assign MIS-2026-000001 <at>Mo Example</at>')).toBe(
      'assign MIS-2026-000001 <@29:mo>',
    );
  });
});
