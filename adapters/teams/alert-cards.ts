import { type Activity, CardFactory } from 'botbuilder';
import type { AlertView } from '../../src/alerts/alerts.service';
import { alertFacts, type RecordDetails } from '../../src/alerts/record-details';
import { fill } from '../../src/conversation/prompts';
import { type AdaptiveCard, type CardElement, card, textBlock } from './cards';
import { teamsWords } from './words';

/** What an alert's buttons send back (Action.Submit data, as a message activity's value). */
export interface AlertSubmit {
  alert: string;
  action: 'ack' | 'view';
}

export function alertSubmitOf(value: unknown): AlertSubmit | null {
  const data = (value as { metbot?: Partial<AlertSubmit> } | null | undefined)?.metbot;
  if (typeof data?.alert !== 'string' || (data.action !== 'ack' && data.action !== 'view')) return null;
  return { alert: data.alert, action: data.action };
}

const button = (title: string, data: AlertSubmit, extra: Record<string, unknown> = {}): CardElement => ({
  type: 'Action.Submit',
  title,
  data: { metbot: data },
  ...extra,
});

const facts = (pairs: { label: string; value: string }[]): CardElement => ({
  type: 'FactSet',
  facts: pairs.map((pair) => ({ title: pair.label, value: pair.value })),
});

/**
 * An alert as a channel card: the category, then reference, initials, level and when it was
 * raised, and the buttons. Acknowledged, the Acknowledge button gives way to who and when.
 * Only what AlertView holds is shown.
 */
export function alertCard(view: AlertView): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(view.category, {
      size: 'Medium',
      weight: 'Bolder',
      color: view.acknowledged ? 'Default' : 'Attention',
    }),
  ];
  if (view.escalated) body.push(textBlock(`🚨 ${teamsWords.escalated}`, { color: 'Attention' }));
  body.push(facts(alertFacts(view)));
  if (view.acknowledged) body.push(textBlock(`✅ ${view.acknowledged}`, { color: 'Good' }));
  const actions: CardElement[] = [];
  if (!view.acknowledged) {
    actions.push(button(teamsWords.acknowledge, { alert: view.id, action: 'ack' }, { style: 'positive' }));
  }
  actions.push(button(teamsWords.viewDetails, { alert: view.id, action: 'view' }));
  return card(body, actions);
}

/** The alert card as a message, to post or to put in place of the one posted. */
export function alertActivity(view: AlertView): Partial<Activity> {
  return { type: 'message', attachments: [CardFactory.adaptiveCard(alertCard(view))] };
}

/** The alert and the record behind it: sent only to a personal chat. */
export function detailsCard(view: AlertView, details: RecordDetails | null): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(view.category, { size: 'Medium', weight: 'Bolder' }),
    facts(alertFacts(view)),
  ];
  if (view.acknowledged) body.push(textBlock(view.acknowledged, { isSubtle: true }));
  if (!details) return card([...body, textBlock(teamsWords.noRecord)]);
  body.push({
    type: 'Container',
    separator: true,
    spacing: 'Large',
    items: [
      textBlock(`${details.title} · ${details.reference}`, { weight: 'Bolder' }),
      facts(details.fields),
      textBlock(
        fill(teamsWords.sentBy, {
          name: details.sentBy,
          agency: details.agency ? ` (${details.agency})` : '',
          at: details.sentAt,
        }),
        { isSubtle: true, size: 'Small' },
      ),
    ],
  });
  return card(body);
}
