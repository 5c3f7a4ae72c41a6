import { type Extracted, extractEntities } from './extractors';

/**
 * The entities in a record's answers: every typed text except the child's own details (their
 * name, school and address identify the child, not who or what is around them). Each once.
 */
export function entitiesOfAnswers(answers: Record<string, unknown>): Extracted[] {
  const texts: string[] = [];
  collect(answers, texts, 0);
  const seen = new Map<string, Extracted>();
  for (const text of texts) {
    for (const entity of extractEntities(text)) {
      const key = `${entity.kind}:${entity.value}`;
      if (!seen.has(key)) seen.set(key, entity);
    }
  }
  return [...seen.values()];
}

const notAboutOthers = new Set(['child', 'interviewer', 'episode', 'check']);

function collect(value: unknown, texts: string[], depth: number): void {
  if (depth > 6) return;
  if (typeof value === 'string') texts.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, texts, depth + 1);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (depth === 0 && notAboutOthers.has(key)) continue;
      collect(item, texts, depth + 1);
    }
  }
}
