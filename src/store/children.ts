import { randomUUID } from 'node:crypto';
import { initialsOf } from '../domain/references';
import type { Tx } from './database';
import type { FieldCipher } from './field-crypto';

export interface ChildDetails {
  name: string;
  dateOfBirth?: string;
  ageYears?: number;
  gender?: string;
  ethnicity?: string;
  inCare?: boolean;
  accommodation?: string;
}

/**
 * Finds the child by a keyed hash of name and date of birth (so no name is ever searched in
 * clear), or creates them; what is newly known (gender, care) is added.
 */
export async function findOrCreateChild(
  tx: Tx,
  cipher: FieldCipher,
  child: ChildDetails,
  now: Date,
): Promise<{ id: string; initials: string; created: boolean }> {
  const key = `${child.name}|${child.dateOfBirth ?? ''}`;
  const yearOfBirth = child.dateOfBirth
    ? Number(child.dateOfBirth.slice(0, 4))
    : child.ageYears !== undefined
      ? now.getUTCFullYear() - child.ageYears
      : undefined;
  const known = {
    ...(yearOfBirth !== undefined && { yearOfBirth }),
    ...(child.gender && { gender: child.gender }),
    ...(child.ethnicity && { ethnicity: child.ethnicity }),
    ...(child.accommodation && { accommodation: child.accommodation }),
    ...(child.inCare !== undefined && { inCare: child.inCare }),
  };
  const existing = await tx.person.findFirst({
    where: { kind: 'child', lookupHash: { in: cipher.lookupHashes(key) } },
    select: { id: true, initials: true },
  });
  if (existing) {
    if (Object.keys(known).length) await tx.person.update({ where: { id: existing.id }, data: known });
    return { ...existing, created: false };
  }
  const initials = initialsOf(child.name);
  // The id is made here so that each sealed value is bound to its row.
  const id = randomUUID();
  const created = await tx.person.create({
    data: {
      id,
      kind: 'child',
      initials,
      nameEnc: cipher.seal('Person', 'nameEnc', id, child.name),
      dateOfBirthEnc: cipher.sealOptional('Person', 'dateOfBirthEnc', id, child.dateOfBirth),
      lookupHash: cipher.lookupHash(key),
      ...known,
    },
    select: { id: true, initials: true },
  });
  return { ...created, created: true };
}
