import { describe, expect, it } from 'vitest';
import { ALERT_ACK, ALERT_VIEW, alertMessage, detailsModal } from '../../adapters/slack/alert-blocks';
import type { AlertView } from '../../src/alerts/alerts.service';

const view: AlertView = {
  id: 'alert-1',
  category: 'Missing child at high risk',
  reference: 'MIS-2026-000007',
  initials: 'T.E.',
  level: 'high',
  raisedAt: '2026-11-28T09:48:00.000Z',
  since: '12 minutes ago',
  audience: 'duty',
  escalated: false,
  acknowledged: null,
};

const buttons = (blocks: unknown[]) =>
  (blocks as { type: string; elements?: { action_id: string }[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? [])
    .map((element) => element.action_id);

describe('an alert as Block Kit', () => {
  it('shows the category, the facts and both buttons', () => {
    const { text, blocks } = alertMessage(view);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: view.category } });
    const shown = JSON.stringify(blocks);
    for (const fact of [
      '*Reference*\\nMIS-2026-000007',
      '*Initials*\\nT.E.',
      '*Level*\\nHigh',
      '*Raised*\\n12 minutes ago',
    ])
      expect(shown).toContain(fact);
    expect(buttons(blocks)).toEqual([ALERT_ACK, ALERT_VIEW]);
    expect(text).toBe('Missing child at high risk: MIS-2026-000007 · T.E.');
  });

  it('marks an escalated alert, and puts who acknowledged it (escaped) in place of the button', () => {
    const { blocks } = alertMessage({
      ...view,
      escalated: true,
      acknowledged: 'Acknowledged by <!channel> Example at 10:45',
    });
    const shown = JSON.stringify(blocks);
    expect(shown).toContain('Escalated: nobody acknowledged it in time.');
    expect(shown).toContain('Acknowledged by &lt;!channel&gt; Example at 10:45');
    expect(shown).not.toContain('<!channel>');
    expect(buttons(blocks)).toEqual([ALERT_VIEW]);
  });

  it('fits a modal title, and says when there is no record', () => {
    const modal = detailsModal(view, null);
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(modal.blocks)).toContain('There is no record behind this alert.');
  });
});
