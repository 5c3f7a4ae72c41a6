import { describe, expect, it } from 'vitest';
import { alertCard, alertSubmitOf, detailsCard } from '../../adapters/teams/alert-cards';
import type { AlertView } from '../../src/alerts/alerts.service';
import { microsoftCardProblems } from './microsoft-cards';
import { elements } from './support';

const view: AlertView = {
  id: 'alert-1',
  category: 'Immediate danger reported',
  reference: 'INT-2026-000003',
  initials: 'T.E.',
  level: null,
  raisedAt: '2026-11-28T09:58:00.000Z',
  since: '2 minutes ago',
  audience: 'duty',
  escalated: false,
  acknowledged: null,
};

describe('an alert as an Adaptive Card', () => {
  it('is schema 1.5 with the facts and two submit buttons', () => {
    const card = alertCard(view);
    expect(card.version).toBe('1.5');
    const facts = elements(card).find((e) => e.type === 'FactSet')!.facts;
    expect(facts).toEqual([
      { title: 'Reference', value: 'INT-2026-000003' },
      { title: 'Initials', value: 'T.E.' },
      { title: 'Raised', value: '2 minutes ago' },
    ]);
    expect(
      elements(card)
        .filter((e) => e.type === 'Action.Submit')
        .map((a) => a.data),
    ).toEqual([
      { metbot: { alert: 'alert-1', action: 'ack' } },
      { metbot: { alert: 'alert-1', action: 'view' } },
    ]);
  });

  it('marks escalation, and drops Acknowledge once acknowledged', () => {
    const card = alertCard({ ...view, escalated: true, acknowledged: 'Acknowledged by A. Example at 10:45' });
    const shown = JSON.stringify(card);
    expect(shown).toContain('Escalated');
    expect(shown).toContain('Acknowledged by A. Example at 10:45');
    expect(
      elements(card)
        .filter((e) => e.type === 'Action.Submit')
        .map((a) => a.title),
    ).toEqual(['View details']);
  });

  it("passes Microsoft's own card library at 1.5: new, escalated, acknowledged, and its details", () => {
    for (const shown of [view, { ...view, escalated: true, acknowledged: 'Acknowledged by A. Example' }]) {
      expect(microsoftCardProblems(alertCard(shown))).toEqual([]);
    }
    expect(microsoftCardProblems(detailsCard(view, null))).toEqual([]);
  });

  it('reads a button press, and only an alert button', () => {
    expect(alertSubmitOf({ metbot: { alert: 'a', action: 'view' } })).toEqual({ alert: 'a', action: 'view' });
    expect(alertSubmitOf({ metbot: { draft: 'd', action: 'next' } })).toBeNull();
    expect(alertSubmitOf({ metbot: { alert: 'a', action: 'delete' } })).toBeNull();
    expect(alertSubmitOf(undefined)).toBeNull();
  });
});
