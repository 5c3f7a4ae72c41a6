import type {
  EntityAnswerKind,
  OnlineNameEntryT,
  PersonEntryT,
  PlaceEntryT,
  VehicleEntryT,
} from '../domain/entity-answers';
import {
  extractHandles,
  extractNamesAsWritten,
  extractPhones,
  extractPostcodes,
  extractRegistrations,
  normalisePhone,
  normaliseRegistration,
  platformOf,
} from './extractors';

export type EntityParsed = { ok: true; value: unknown[] } | { ok: false; reason: string };

const no = (reason: string): EntityParsed => ({ ok: false, reason });

/** Why one item could not be read, in words for the reporter. */
class Unreadable {
  constructor(readonly reason: string) {}
}

/** One or several: one a line, or split by semicolons. */
const items = (text: string) =>
  text
    .split(/[\n;]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * A typed structured answer as the list a record holds, or a reason it can't be read. Nothing is
 * guessed: a detail is kept only when it has the shape its kind asks for.
 */
export function parseEntityAnswer(kind: EntityAnswerKind, text: string): EntityParsed {
  const given = items(text);
  if (given.length === 0) return no('Please type an answer, or "don\'t know".');
  if (given.length > 10) return no('Please give at most 10, one a line.');
  const value: unknown[] = [];
  for (const item of given) {
    const one = parsers[kind](item);
    if (one instanceof Unreadable) return no(one.reason);
    value.push(one);
  }
  return { ok: true, value };
}

const parsers: Record<EntityAnswerKind, (item: string) => unknown> = {
  people: parsePerson,
  vehicles: parseVehicle,
  phones: parsePhone,
  'online-names': parseOnlineName,
  places: parsePlace,
};

const colours = new Set(
  'black white silver grey gray red blue green yellow orange purple brown gold beige maroon pink bronze'.split(
    ' ',
  ),
);
const makes = new Map(
  [
    'Alfa Romeo',
    'Audi',
    'BMW',
    'Citroen',
    'Dacia',
    'Fiat',
    'Ford',
    'Honda',
    'Hyundai',
    'Jaguar',
    'Jeep',
    'Kia',
    'Land Rover',
    'Range Rover',
    'Lexus',
    'Mazda',
    'Mercedes',
    'Mini',
    'Mitsubishi',
    'Nissan',
    'Peugeot',
    'Renault',
    'Seat',
    'Skoda',
    'Suzuki',
    'Tesla',
    'Toyota',
    'Vauxhall',
    'Volkswagen',
    'VW',
    'Volvo',
  ].map((make) => [make.toLowerCase(), make === 'VW' ? 'Volkswagen' : make]),
);

/** "silver Vauxhall Corsa HX1?": colour and make from known words, a registration (with ? or * for unknown characters), the rest as the model. */
function parseVehicle(item: string): VehicleEntryT | Unreadable {
  let rest = ` ${item.replace(/\*/g, '?')} `;
  const vehicle: VehicleEntryT = {};
  const reg = /\s([A-Za-z?]{2}[0-9?]{2}\s?[A-Za-z?]{0,3})(?=[\s,.])/.exec(rest);
  if (reg) {
    const registration = normaliseRegistration(reg[1]!);
    if (!registration)
      return new Unreadable(
        `"${reg[1]}" is too little of a registration to go on: give at least three characters, with ? for each one you don't know, like HX1? ABC.`,
      );
    vehicle.registration = registration;
    rest = rest.replace(reg[1]!, ' ');
  }
  const words = rest.replace(/[,.]/g, ' ').split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    const two = `${word} ${words[i + 1] ?? ''}`.toLowerCase();
    if (!vehicle.colour && colours.has(word.toLowerCase()))
      vehicle.colour = word.toLowerCase().replace('gray', 'grey');
    else if (!vehicle.make && makes.has(two)) {
      vehicle.make = makes.get(two)!;
      i += 1;
    } else if (!vehicle.make && makes.has(word.toLowerCase())) vehicle.make = makes.get(word.toLowerCase())!;
    else if (/\d/.test(word) && !vehicle.registration)
      return new Unreadable(
        `"${word}" doesn't look like a UK registration. Use ? for each character you don't know, like HX1? ABC.`,
      );
    else kept.push(word);
  }
  if (kept.length) vehicle.model = kept.join(' ').slice(0, 60);
  return Object.keys(vehicle).length
    ? vehicle
    : new Unreadable('Please give a registration, make, model or colour.');
}

function parsePhone(item: string): string | Unreadable {
  const international = /^\+(?!44)[1-9][\d\s().-]{7,20}$/.test(item) ? `+${item.replace(/\D/g, '')}` : null;
  const value = normalisePhone(item) ?? (international && international.length <= 16 ? international : null);
  return (
    value ??
    new Unreadable(`"${item}" isn't a phone number I can read. Give the whole number, like 07700 900123.`)
  );
}

/** "@deano_99 on Snapchat", "deano_99 (Snapchat)", "Snapchat: deano_99". */
function parseOnlineName(item: string): OnlineNameEntryT | Unreadable {
  const platform = platformOf(item);
  const words = item
    .replace(/[(),:]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !/^(on|at|via)$/i.test(w) && !(platform && platformOf(w) === platform));
  const handle = words.find((w) => w.startsWith('@')) ?? (words.length === 1 ? words[0] : undefined);
  const clean = handle ? `@${handle.replace(/^@/, '').replace(/\.+$/, '').toLowerCase()}` : '';
  if (!/^@[a-z0-9_.]{2,30}$/.test(clean))
    return new Unreadable('Please give the name as it appears, like @name on Snapchat.');
  return platform ? { handle: clean, platform } : { handle: clean };
}

/** "Deano, about 20, tall with a red cap": a name first, an age in years, the rest as description. */
function parsePerson(item: string): PersonEntryT | Unreadable {
  const parts = item
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const person: PersonEntryT = {};
  const description: string[] = [];
  for (const [i, part] of parts.entries()) {
    const age =
      /^(?:about|around|roughly|aged|age|maybe|~)?\s*(\d{1,2})\s*(?:s|ish|years?(?: old)?|yrs?|y\/o)?$/i.exec(
        part,
      );
    if (age && person.ageApprox === undefined) person.ageApprox = Number(age[1]);
    else if (i === 0 && /^[\p{L}][\p{L}' .-]{0,59}$/u.test(part) && part.split(/\s+/).length <= 3)
      person.name = part;
    else description.push(part);
  }
  if (person.ageApprox === 0) return new Unreadable('Please give their age in years, like "about 20".');
  if (description.length) person.description = description.join(', ').slice(0, 200);
  return Object.keys(person).length
    ? person
    : new Unreadable('Please give a name, nickname, age or description.');
}

/** "The flat above the chip shop, PO1 2AB": the postcode picked out, the rest as the place. */
function parsePlace(item: string): PlaceEntryT | Unreadable {
  const postcode = extractPostcodes(item)[0];
  const place = postcode
    ? item
        .replace(new RegExp(postcode.replace(' ', '\\s?'), 'i'), ' ')
        .replace(/\s*,\s*$|^\s*,\s*/g, '')
        .replace(/\s+/g, ' ')
        .trim()
    : item;
  const entry: PlaceEntryT = {};
  if (place) entry.place = place.slice(0, 120);
  if (postcode) entry.postcode = postcode;
  return Object.keys(entry).length ? entry : new Unreadable('Please give a place or a postcode.');
}

/** A structured answer as a person reads it back, one a line. */
export function formatEntityAnswer(kind: EntityAnswerKind, value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  return value
    .map((item) => {
      switch (kind) {
        case 'vehicles': {
          const v = item as VehicleEntryT;
          return [v.colour, v.make, v.model, v.registration].filter(Boolean).join(' ');
        }
        case 'online-names': {
          const h = item as OnlineNameEntryT;
          return h.platform ? `${h.handle} on ${h.platform}` : h.handle;
        }
        case 'people': {
          const p = item as PersonEntryT;
          return [p.name, p.ageApprox === undefined ? undefined : `about ${p.ageApprox}`, p.description]
            .filter(Boolean)
            .join(', ');
        }
        case 'places': {
          const p = item as PlaceEntryT;
          return [p.place, p.postcode].filter(Boolean).join(', ');
        }
        default:
          return String(item);
      }
    })
    .join('; ');
}

/** The free-text answers each kind's suggestions come from: never the child's own details. */
const sources: Record<EntityAnswerKind, string[]> = {
  people: ['personsOfConcern'],
  vehicles: ['vehicles', 'whatHappened'],
  phones: ['phonesAndOnline', 'whatHappened', 'personsOfConcern'],
  'online-names': ['phonesAndOnline', 'whatHappened', 'personsOfConcern'],
  places: ['where', 'whatHappened'],
};

/**
 * Values found in the reporter's own free text, offered for them to confirm (typed back as the
 * answer): nothing found is kept unless they say so. Each in the form the parser reads.
 */
export function suggestEntities(
  kind: EntityAnswerKind,
  field: string,
  answers: Record<string, unknown>,
): string[] {
  const from = field === 'associatesList' ? ['associates'] : sources[kind];
  const texts = from.map((name) => answers[name]).filter((t): t is string => typeof t === 'string');
  const found = texts.flatMap((text) => finders[kind](text, answers));
  return [...new Set(found)].slice(0, 10);
}

const finders: Record<EntityAnswerKind, (text: string, answers: Record<string, unknown>) => string[]> = {
  people: extractNamesAsWritten,
  vehicles: extractRegistrations,
  phones: extractPhones,
  'online-names': (text) =>
    extractHandles(text).map((h) => (h.platform ? `${h.value} on ${h.platform}` : h.value)),
  places: (text, answers) => (text === answers.where ? [text.slice(0, 120)] : extractPostcodes(text)),
};
