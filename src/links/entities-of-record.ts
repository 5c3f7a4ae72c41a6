import type { OnlineNameEntryT, PersonEntryT, PlaceEntryT, VehicleEntryT } from '../domain/entity-answers';
import { type Extracted, extractEntities, normaliseNickname, normalisePlace } from './extractors';

/** An entity with the answer it came from ("personsOfConcern", "associates", "where", …). */
export type FoundEntity = Extracted & { field?: string };

/** The answers that name where something happened: kept as places for the Places page. */
const placeFields = new Set(['where', 'whereFound']);

/**
 * The entities in a record's answers: every typed text except the child's own details (their
 * name, school and address identify the child, not who or what is around them). Each once,
 * with the top-level answer it was first found in.
 */
export function entitiesOfAnswers(answers: Record<string, unknown>): FoundEntity[] {
  const texts: { field: string; text: string }[] = [];
  collect(answers, texts, 0, '');
  const seen = new Map<string, FoundEntity>();
  const add = (entity: FoundEntity) => {
    const key = `${entity.kind}:${entity.kind === 'place' ? entity.value.toLowerCase() : entity.value}`;
    if (!seen.has(key)) seen.set(key, entity);
  };
  for (const entity of structured(answers)) add(entity);
  for (const { field, text } of texts) {
    for (const entity of extractEntities(text)) add({ ...entity, field });
  }
  for (const { field, text, key } of places(answers, 0, '')) {
    const value = normalisePlace(text);
    if (value && placeFields.has(key)) add({ kind: 'place', value, field });
  }
  return [...seen.values()];
}

const notAboutOthers = new Set(['child', 'interviewer', 'episode', 'check']);

function collect(
  value: unknown,
  texts: { field: string; text: string }[],
  depth: number,
  field: string,
): void {
  if (depth > 6) return;
  if (typeof value === 'string') texts.push({ field, text: value });
  else if (Array.isArray(value)) for (const item of value) collect(item, texts, depth + 1, field);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (depth === 0 && notAboutOthers.has(key)) continue;
      collect(item, texts, depth + 1, depth === 0 ? key : field);
    }
  }
}

/** Every string answer with its own key and top-level field, outside the child's details. */
function places(
  value: unknown,
  depth: number,
  field: string,
): { field: string; key: string; text: string }[] {
  if (depth > 3 || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    if (depth === 0 && notAboutOthers.has(key)) return [];
    const top = depth === 0 ? key : field;
    return typeof item === 'string' ? [{ field: top, key, text: item }] : places(item, depth + 1, top);
  });
}

const listOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** The structured answers (issue 19), as the reporter confirmed them: already normalised. */
function structured(answers: Record<string, unknown>): FoundEntity[] {
  const found: FoundEntity[] = [];
  for (const field of ['personsOfConcernList', 'associatesList']) {
    for (const person of listOf<PersonEntryT>(answers[field])) {
      const value = person.name ? normaliseNickname(person.name) : null;
      if (value) found.push({ kind: 'person', value, field });
    }
  }
  for (const vehicle of listOf<VehicleEntryT>(answers.vehicleList)) {
    if (vehicle.registration)
      found.push({ kind: 'vehicle', value: vehicle.registration, field: 'vehicleList' });
  }
  for (const phone of listOf<string>(answers.phoneList))
    found.push({ kind: 'phone', value: phone, field: 'phoneList' });
  for (const name of listOf<OnlineNameEntryT>(answers.onlineNameList)) {
    found.push({
      kind: 'handle',
      value: name.handle,
      ...(name.platform && { platform: name.platform }),
      field: 'onlineNameList',
    });
  }
  for (const place of listOf<PlaceEntryT>(answers.placeList)) {
    const value = place.place ? normalisePlace(place.place) : null;
    if (value) found.push({ kind: 'place', value, field: 'placeList' });
    if (place.postcode) found.push({ kind: 'postcode', value: place.postcode, field: 'placeList' });
  }
  return found;
}
