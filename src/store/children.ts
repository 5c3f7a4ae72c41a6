import { randomUUID } from 'node:crypto';
import { demographicColumns, openInitials } from '../children/demographics';
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
  const known = { ...child, yearOfBirth, initials: undefined };
  const existing = await tx.person.findFirst({
    where: { kind: 'child', lookupHash: { in: cipher.lookupHashes(key) } },
    select: { id: true, initials: true },
  });
  if (existing) {
    const data = demographicColumns(cipher, existing.id, known, now);
    if (Object.keys(data).length) await tx.person.update({ where: { id: existing.id }, data });
    return { id: existing.id, initials: openInitials(cipher, existing), created: false };
  }
  const initials = initialsOf(child.name);
  // The id is made here so that each sealed value is bound to its row.
  const id = randomUUID();
  await tx.person.create({
    data: {
      id,
      kind: 'child',
      nameEnc: cipher.seal('Person', 'nameEnc', id, child.name),
      dateOfBirthEnc: cipher.sealOptional('Person', 'dateOfBirthEnc', id, child.dateOfBirth),
      lookupHash: cipher.lookupHash(key),
      ...demographicColumns(cipher, id, known, now),
      initials: cipher.seal('Person', 'initials', id, initials),
    },
    select: { id: true },
  });
  return { id, initials, created: true };
}
