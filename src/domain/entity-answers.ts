import { z } from 'zod';

/**
 * Structured answers about who and what is around a child (issue 19): each question takes one
 * or several, as a list. Every one is optional, and every item needs at least one detail.
 */
const Detail = (max: number) => z.string().trim().min(1).max(max);

/** A registration normalised to the UK format, "?" for each unknown character: "HX1? ???". */
const Registration = z
  .string()
  .regex(/^[A-Z?]{2}[0-9?]{2} [A-Z?]{3}$/, 'Please give a UK registration, like HX15 ABC.');

export const VehicleEntry = z
  .object({
    colour: Detail(30).optional(),
    make: Detail(40).optional(),
    model: Detail(60).optional(),
    registration: Registration.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Please give a registration, make, model or colour.');

/** E.164: a plus and up to 15 digits. */
export const PhoneEntry = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, 'Please give a phone number, like 07700 900123.');

export const OnlineNameEntry = z
  .object({ handle: z.string().regex(/^@[a-z0-9_.]{2,30}$/), platform: Detail(30).optional() })
  .strict();

export const PersonEntry = z
  .object({
    name: Detail(60).optional(),
    ageApprox: z.number().int().min(1).max(99).optional(),
    description: Detail(200).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Please give a name, nickname, age or description.');

export const PlaceEntry = z
  .object({
    place: Detail(120).optional(),
    postcode: z
      .string()
      .regex(/^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/)
      .optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Please give a place or a postcode.');

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(10, 'Please give at most 10.');

/** The optional structured fields, spread into a record's answers. */
export const entityAnswerFields = {
  personsOfConcernList: list(PersonEntry).optional(),
  associatesList: list(PersonEntry).optional(),
  vehicleList: list(VehicleEntry).optional(),
  phoneList: list(PhoneEntry).optional(),
  onlineNameList: list(OnlineNameEntry).optional(),
  placeList: list(PlaceEntry).optional(),
};

export type VehicleEntryT = z.infer<typeof VehicleEntry>;
export type OnlineNameEntryT = z.infer<typeof OnlineNameEntry>;
export type PersonEntryT = z.infer<typeof PersonEntry>;
export type PlaceEntryT = z.infer<typeof PlaceEntry>;

/** Which structured answer a question takes: its parser, its suggestions, how it reads back. */
export const entityAnswerKinds = ['people', 'vehicles', 'phones', 'online-names', 'places'] as const;
export type EntityAnswerKind = (typeof entityAnswerKinds)[number];
