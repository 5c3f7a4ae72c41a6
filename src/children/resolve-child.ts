import { randomUUID } from 'node:crypto';
import { referencePattern } from '../domain/references';
import type { ChildDetails } from '../store/children';
import type { Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type ChildFacts, type ChildKeyKind, childKeys, childKeysToFind, nameParts } from './child-keys';
import {
  ageBandOf,
  type Demographics,
  demographicColumns,
  openEthnicity,
  openInitials,
  openYearOfBirth,
  yearOfBirthFields,
} from './demographics';

export interface ResolvedChild {
  id: string;
  initials: string;
  created: boolean;
  /** Known children this one may be, when a new record was made: for the reporter or the queue. */
  candidates: Candidate[];
}

export interface Candidate {
  childId: string;
  reasons: string[];
}

/** At most this many possible matches are raised for one report, strongest first. */
const MAX_CANDIDATES = 3;

/** Someone whose record can name a child by reference: they must be able to see that record. */
export interface Reporter {
  agencyId: string | null;
  maySee(submittedById: string): boolean;
}

/**
 * Finds the child a report is about, or makes a new record for them. Only facts that cannot
 * belong to two children join silently: the same full name and date of birth, the same full name
 * with no date of birth that contradicts it, or the reference of an earlier report. A nickname, a
 * close name, a date of birth alone, or initials and age at the same agency make a new record and
 * come back as candidates, for the reporter to answer or the MET group to merge or keep apart:
 * children who share initials are never joined silently.
 */
export async function resolveChild(
  tx: Tx,
  cipher: FieldCipher,
  reporter: Reporter,
  child: ChildDetails,
  now: Date,
): Promise<ResolvedChild> {
  const byReference = await childByReference(tx, cipher, reporter, child.name);
  if (byReference) {
    await addKnownFacts(tx, cipher, byReference.id, { ...child, name: '' }, now);
    return { ...byReference, created: false, candidates: [] };
  }
  const parts = nameParts(child.name);
  const facts = factsOf(child, now);
  const yearOfBirth = child.dateOfBirth ? Number(child.dateOfBirth.slice(0, 4)) : facts.yearsOfBirth[0];

  if (!parts.initialsOnly) {
    const exact = await tx.person.findFirst({
      where: { kind: 'child', lookupHash: { in: cipher.lookupHashes(exactKey(child)) } },
      select: { id: true },
    });
    if (exact) return joined(tx, cipher, await survivor(tx, exact.id), child, now);
  }

  const found = await findCandidates(tx, cipher, reporter, facts, now);
  const sameName = found.filter((c) => c.reasons.includes('name') && !c.conflict);
  if (
    !parts.initialsOnly &&
    sameName.length === 1 &&
    found.every((c) => c.childId === sameName[0]!.childId || !c.reasons.includes('name'))
  ) {
    return joined(tx, cipher, sameName[0]!.childId, child, now);
  }

  const id = randomUUID();
  await tx.person.create({
    data: {
      id,
      kind: 'child',
      initials: cipher.seal('Person', 'initials', id, parts.initials),
      nameEnc: cipher.seal('Person', 'nameEnc', id, child.name),
      dateOfBirthEnc: cipher.sealOptional('Person', 'dateOfBirthEnc', id, child.dateOfBirth),
      lookupHash: parts.initialsOnly ? null : cipher.lookupHash(exactKey(child)),
      ...demographicColumns(cipher, id, { ...child, yearOfBirth }, now),
    },
    select: { id: true },
  });
  await writeKeys(tx, cipher, id, facts);
  const candidates = found
    .sort((a, b) => b.reasons.length - a.reasons.length)
    .slice(0, MAX_CANDIDATES)
    .map(({ childId, reasons }) => ({ childId, reasons }));
  return { id, initials: parts.initials, created: true, candidates };
}

/** The child a merged record now belongs to (merges can chain). */
export async function survivor(tx: Tx, childId: string): Promise<string> {
  let id = childId;
  for (let hops = 0; hops < 20; hops++) {
    const person = await tx.person.findUnique({ where: { id }, select: { mergedIntoId: true } });
    if (!person?.mergedIntoId) return id;
    id = person.mergedIntoId;
  }
  return id;
}

function exactKey(child: ChildDetails): string {
  return `${child.name}|${child.dateOfBirth ?? ''}`;
}

function factsOf(child: ChildDetails, now: Date): ChildFacts {
  const year = now.getUTCFullYear();
  const yearsOfBirth = child.dateOfBirth
    ? [Number(child.dateOfBirth.slice(0, 4))]
    : child.ageYears !== undefined
      ? [year - child.ageYears, year - child.ageYears - 1]
      : [];
  return { name: child.name, dateOfBirth: child.dateOfBirth, yearsOfBirth };
}

async function joined(tx: Tx, cipher: FieldCipher, id: string, child: ChildDetails, now: Date) {
  await addKnownFacts(tx, cipher, id, child, now);
  const person = await tx.person.findUniqueOrThrow({ where: { id }, select: { id: true, initials: true } });
  return { id, initials: openInitials(cipher, person), created: false, candidates: [] };
}

/**
 * What this report newly tells about a known child: a date of birth, gender, care, a nickname.
 * Nothing new, nothing written: the child's row stays unlocked for other reports about them.
 */
async function addKnownFacts(tx: Tx, cipher: FieldCipher, id: string, child: ChildDetails, now: Date) {
  const person = await tx.person.findUniqueOrThrow({
    where: { id },
    select: {
      ...yearOfBirthFields,
      dateOfBirthEnc: true,
      ageBand: true,
      ethnicity: true,
      gender: true,
      accommodation: true,
      inCare: true,
    },
  });
  const knownYear = openYearOfBirth(cipher, person);
  const yearOfBirth = child.dateOfBirth
    ? Number(child.dateOfBirth.slice(0, 4))
    : (knownYear ?? factsOf(child, now).yearsOfBirth[0]);
  const newYear =
    yearOfBirth !== undefined &&
    (yearOfBirth !== knownYear || !person.yearOfBirthEnc || person.ageBand !== ageBandOf(yearOfBirth, now));
  const changed: Demographics = {
    ...(newYear && { yearOfBirth }),
    ...(child.ethnicity &&
      child.ethnicity !== openEthnicity(cipher, person) && { ethnicity: child.ethnicity }),
    ...(child.gender && child.gender !== person.gender && { gender: child.gender }),
    ...(child.accommodation &&
      child.accommodation !== person.accommodation && { accommodation: child.accommodation }),
    ...(child.inCare !== undefined && child.inCare !== person.inCare && { inCare: child.inCare }),
  };
  const data = {
    ...demographicColumns(cipher, id, changed, now),
    ...(child.dateOfBirth &&
      !person.dateOfBirthEnc && {
        dateOfBirthEnc: cipher.seal('Person', 'dateOfBirthEnc', id, child.dateOfBirth),
      }),
  };
  if (Object.keys(data).length) await tx.person.update({ where: { id }, data });
  if (child.name || child.dateOfBirth) await writeKeys(tx, cipher, id, factsOf(child, now));
}

export async function writeKeys(tx: Tx, cipher: FieldCipher, childId: string, facts: ChildFacts) {
  const keys = facts.name || facts.dateOfBirth ? childKeys(cipher, facts) : [];
  if (!keys.length) return;
  const have = await tx.childKey.findMany({
    where: { childId, hash: { in: keys.map((k) => k.hash) } },
    select: { kind: true, hash: true },
  });
  const known = new Set(have.map((k) => `${k.kind}:${k.hash}`));
  const fresh = keys.filter((k) => !known.has(`${k.kind}:${k.hash}`));
  for (const key of fresh) await tx.childKey.create({ data: { childId, ...key } });
}

async function childByReference(tx: Tx, cipher: FieldCipher, reporter: Reporter, name: string) {
  const reference = name.trim().toUpperCase();
  if (!referencePattern.test(reference)) return null;
  const record = await tx.record.findUnique({
    where: { reference },
    select: { childId: true, submittedById: true },
  });
  if (!record?.childId || !reporter.maySee(record.submittedById)) return null;
  const id = await survivor(tx, record.childId);
  const person = await tx.person.findUniqueOrThrow({ where: { id }, select: { id: true, initials: true } });
  return { id, initials: openInitials(cipher, person) };
}

interface Found extends Candidate {
  /** The dates of birth, or the ages, cannot be the same child's. */
  conflict: boolean;
}

async function findCandidates(
  tx: Tx,
  cipher: FieldCipher,
  reporter: Reporter,
  facts: ChildFacts,
  _now: Date,
): Promise<Found[]> {
  const parts = nameParts(facts.name);
  const wanted = childKeysToFind(cipher, facts);
  if (!wanted.length) return [];
  const kindOf = new Map(wanted.map((k) => [k.hash, k.kind]));
  const rows = await tx.childKey.findMany({
    where: { hash: { in: wanted.map((k) => k.hash) } },
    select: { childId: true, kind: true, hash: true },
    take: 500,
  });
  // One query for whether each matched record was merged; only merged ones follow their chain.
  const mergedInto = new Map(
    (
      await tx.person.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.childId))] }, mergedIntoId: { not: null } },
        select: { id: true },
      })
    ).map((p) => [p.id, true]),
  );
  const byChild = new Map<string, Set<ChildKeyKind>>();
  for (const row of rows) {
    if (kindOf.get(row.hash) !== row.kind) continue;
    const id = mergedInto.has(row.childId) ? await survivor(tx, row.childId) : row.childId;
    const kinds = byChild.get(id) ?? new Set<ChildKeyKind>();
    kinds.add(row.kind as ChildKeyKind);
    byChild.set(id, kinds);
  }
  const found: Found[] = [];
  for (const [childId, kinds] of byChild) {
    const person = await tx.person.findUnique({
      where: { id: childId },
      select: { ...yearOfBirthFields, dateOfBirthEnc: true, kind: true },
    });
    if (person?.kind !== 'child') continue;
    const reasons: string[] = [];
    if (kinds.has('dob')) reasons.push('dob');
    if (kinds.has('name')) reasons.push('name');
    else if (kinds.has('initial-surname')) reasons.push('initial-surname');
    // A shared first name between two full names with different surnames is not a match; a
    // report that gives only one name, or a nickname, is.
    if (kinds.has('first') && (parts.main.length < 2 || parts.nicknames.length > 0)) reasons.push('first');
    if (kinds.has('initials-yob') && reporter.agencyId) {
      const sameAgency = await tx.record.findFirst({
        where: { childId, agencyId: reporter.agencyId },
        select: { id: true },
      });
      if (sameAgency) reasons.push('initials-age-agency');
    }
    if (!reasons.length) continue;
    const dobConflict =
      !!facts.dateOfBirth &&
      !!person.dateOfBirthEnc &&
      cipher.open('Person', 'dateOfBirthEnc', childId, person.dateOfBirthEnc) !== facts.dateOfBirth;
    const knownYear = openYearOfBirth(cipher, person);
    const ageConflict =
      knownYear !== null &&
      facts.yearsOfBirth.length > 0 &&
      facts.yearsOfBirth.every((year) => Math.abs(year - knownYear) > 1);
    const conflict = dobConflict || ageConflict;
    // A first name or close name with an age or date of birth that cannot match is another child.
    if (conflict && !reasons.includes('name') && !reasons.includes('dob')) continue;
    found.push({ childId, reasons, conflict });
  }
  return found;
}
