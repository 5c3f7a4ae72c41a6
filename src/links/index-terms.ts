import type { EntityKind } from './extractors';

/**
 * The index terms of one entity value: `stored` are kept (as blind indexes) for later reports to
 * find; `sought` are looked up to find earlier ones. Equal values meet on an exact term.
 *
 * Partial registrations meet through fragments. A whole registration stores its prefixes
 * ("HX1|", "HX15|", …) and prefix-with-last-three fragments ("HX1|ABC"); a partial one is
 * reduced to its known prefix and, when known, its last three ("HX1?" → "HX1|") and stores and
 * seeks that one fragment. So "HX1?" and "HX15 ABC" meet on "HX1|", whichever came first, while
 * two whole registrations meet only when they are equal.
 */
export interface IndexTerms {
  stored: string[];
  sought: string[];
}

const none: IndexTerms = { stored: [], sought: [] };

export function indexTerms(kind: EntityKind, value: string): IndexTerms {
  switch (kind) {
    case 'vehicle':
      return registrationTerms(value);
    case 'phone':
      return same(`tel:${value}`);
    case 'handle':
      return same(`at:${value}`);
    case 'postcode':
      return same(`pc:${value.replace(/\s+/g, '')}`);
    case 'person':
      return same(`nick:${value}`);
    case 'place':
      // Counted for the Places page, never sought: a place alone does not make a link.
      return { stored: [`place:${value.toLowerCase()}`], sought: [] };
  }
}

function same(term: string): IndexTerms {
  return { stored: [term], sought: [term] };
}

function registrationTerms(value: string): IndexTerms {
  const seven = value.replace(/\s+/g, '');
  if (seven.length !== 7) return none;
  if (!seven.includes('?')) {
    const fragments = [
      ...[3, 4, 5, 6].map((length) => `${seven.slice(0, length)}|`),
      ...[2, 3, 4].map((length) => `${seven.slice(0, length)}|${seven.slice(4)}`),
    ];
    return {
      stored: [`reg:${seven}`, ...fragments.map((f) => `regf:${f}`)],
      sought: [`reg:${seven}`, ...fragments.map((f) => `regp:${f}`)],
    };
  }
  const fragment = partialFragment(seven);
  return fragment ? { stored: [`regp:${fragment}`], sought: [`regf:${fragment}`, `regp:${fragment}`] } : none;
}

/** "HX1????" → "HX1|", "HX1?ABC" → "HX1|ABC", "HX??ABC" → "HX|ABC"; null when too vague to link. */
export function partialFragment(seven: string): string | null {
  const firstUnknown = seven.indexOf('?');
  const prefix = seven.slice(0, firstUnknown);
  const last = seven.slice(4);
  const suffix = firstUnknown < 4 && !last.includes('?') ? last : '';
  if (prefix.length < 2 || (prefix.length < 3 && !suffix)) return null;
  return `${prefix}|${suffix}`;
}
