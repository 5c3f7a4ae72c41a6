import { createRequire } from 'node:module';
import type { AdaptiveCard } from '../../adapters/teams/cards';
import { elements } from './support';

// The npm package's ES build imports files without extensions, which Node cannot load: use its bundle.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

/**
 * What Microsoft's own `adaptivecards` library says of a card at schema 1.5 (parse warnings and
 * `validateProperties` failures), plus what it accepts but Teams renders badly: an Input.Number
 * whose value is a string (the box shows blank) and a choice set with nothing to choose.
 */
export function microsoftCardProblems(card: AdaptiveCard): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  for (const element of elements(card)) {
    if (element.type === 'Input.Number' && 'value' in element && typeof element.value !== 'number')
      problems.push(`Input.Number "${element.id}" has a value that is not a number`);
    if (element.type === 'Input.ChoiceSet' && !(element.choices as unknown[] | undefined)?.length)
      problems.push(`Input.ChoiceSet "${element.id}" has no choices`);
  }
  return problems;
}
