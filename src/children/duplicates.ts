import type { Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { openYearOfBirth } from './demographics';
import type { ResolvedChild } from './resolve-child';

/** Queues each known child a new record may be, unless the two were already kept apart. */
export async function recordPossibleDuplicates(
  tx: Tx,
  child: ResolvedChild,
  recordId: string,
  now: Date,
): Promise<void> {
  for (const candidate of child.candidates) {
    const decided = await pairBetween(tx, child.id, candidate.childId);
    if (decided) continue;
    await tx.childPair.create({
      data: {
        childId: child.id,
        knownId: candidate.childId,
        reasons: candidate.reasons.join(','),
        recordId,
        createdAt: now,
      },
    });
  }
}

export function pairBetween(tx: Tx, a: string, b: string) {
  return tx.childPair.findFirst({
    where: {
      OR: [
        { childId: a, knownId: b },
        { childId: b, knownId: a },
      ],
    },
  });
}

/** What a merge moved, kept on the pair so that unmerge puts every row back. */
export interface Moved {
  survivorId: string;
  loserId: string;
  records: string[];
  episodes: string[];
  riskChecks: string[];
  /** The loser's MET list entry, moved to the survivor (who had none). */
  entry: string | null;
  /** The loser's entry set aside because the survivor had one on the list: its status before. */
  setAside: { id: string; status: string } | null;
  /** The survivor's fields that were empty and were filled from the loser: their values before. */
  filled: Record<string, unknown>;
}

/** Filled in clear, as they are: coarse values for the figures. */
const fillable = ['ageBand', 'gender', 'ethnicGroup', 'accommodation'] as const;
/** Sealed to the loser's row: opened and sealed again to the survivor's (a copied value would not open). */
const fillableSealed = ['dateOfBirthEnc', 'yearOfBirthEnc', 'ethnicity'] as const;
const onList = ['nominated', 'active'];

/** Moves every row of one child's record to the other's, in the caller's transaction. */
export async function mergeChildren(
  tx: Tx,
  cipher: FieldCipher,
  survivorId: string,
  loserId: string,
): Promise<Moved> {
  const [survivor, loser] = await Promise.all([
    tx.person.findUniqueOrThrow({ where: { id: survivorId } }),
    tx.person.findUniqueOrThrow({ where: { id: loserId } }),
  ]);
  const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id);
  const records = await ids(tx.record.findMany({ where: { childId: loserId }, select: { id: true } }));
  const episodes = await ids(
    tx.missingEpisode.findMany({ where: { childId: loserId }, select: { id: true } }),
  );
  const riskChecks = await ids(tx.riskCheck.findMany({ where: { childId: loserId }, select: { id: true } }));
  await tx.record.updateMany({ where: { id: { in: records } }, data: { childId: survivorId } });
  await tx.missingEpisode.updateMany({ where: { id: { in: episodes } }, data: { childId: survivorId } });
  await tx.riskCheck.updateMany({ where: { id: { in: riskChecks } }, data: { childId: survivorId } });
  await moveLinks(tx, records, survivorId);

  const [survivorEntry, loserEntry] = await Promise.all([
    tx.metListEntry.findUnique({ where: { childId: survivorId } }),
    tx.metListEntry.findUnique({ where: { childId: loserId } }),
  ]);
  let entry: string | null = null;
  let setAside: Moved['setAside'] = null;
  if (loserEntry && !survivorEntry) {
    await tx.metListEntry.update({ where: { id: loserEntry.id }, data: { childId: survivorId } });
    entry = loserEntry.id;
  } else if (loserEntry && onList.includes(loserEntry.status)) {
    // One child has one entry: the known child's stays, the other is kept aside until an unmerge.
    setAside = { id: loserEntry.id, status: loserEntry.status };
    await tx.metListEntry.update({ where: { id: loserEntry.id }, data: { status: 'merged' } });
  }

  const filled: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  for (const field of fillable) {
    if (survivor[field] === null && loser[field] !== null) {
      filled[field] = null;
      data[field] = loser[field];
    }
  }
  const loserYear = openYearOfBirth(cipher, loser);
  const loserSealed = {
    ...loser,
    // A year of birth still in clear (before `keys rotate`) is sealed as it moves.
    yearOfBirthEnc:
      loser.yearOfBirthEnc ??
      (loserYear === null ? null : cipher.seal('Person', 'yearOfBirthEnc', loserId, String(loserYear))),
  };
  const survivorHasYear = survivor.yearOfBirthEnc !== null || survivor.yearOfBirth !== null;
  for (const field of fillableSealed) {
    const value = loserSealed[field];
    if (value === null || survivor[field] !== null || (field === 'yearOfBirthEnc' && survivorHasYear))
      continue;
    filled[field] = null;
    data[field] = cipher.seal('Person', field, survivorId, cipher.open('Person', field, loserId, value));
  }
  if (loser.inCare && !survivor.inCare) {
    filled.inCare = false;
    data.inCare = true;
  }
  if (Object.keys(data).length) await tx.person.update({ where: { id: survivorId }, data });
  await tx.person.update({ where: { id: loserId }, data: { mergedIntoId: survivorId } });
  return { survivorId, loserId, records, episodes, riskChecks, entry, setAside, filled };
}

/** Puts back what a merge moved; rows added to the survivor since then stay with the survivor. */
export async function unmergeChildren(tx: Tx, moved: Moved): Promise<void> {
  const { survivorId, loserId } = moved;
  await tx.record.updateMany({ where: { id: { in: moved.records } }, data: { childId: loserId } });
  await tx.missingEpisode.updateMany({ where: { id: { in: moved.episodes } }, data: { childId: loserId } });
  await tx.riskCheck.updateMany({ where: { id: { in: moved.riskChecks } }, data: { childId: loserId } });
  await moveLinks(tx, moved.records, loserId);
  if (moved.entry) {
    await tx.metListEntry.update({ where: { id: moved.entry }, data: { childId: loserId } });
  }
  if (moved.setAside) {
    await tx.metListEntry.update({
      where: { id: moved.setAside.id },
      data: { status: moved.setAside.status },
    });
  }
  if (Object.keys(moved.filled).length) {
    await tx.person.update({ where: { id: survivorId }, data: moved.filled });
  }
  await tx.person.update({ where: { id: loserId }, data: { mergedIntoId: null } });
}

/** The intelligence picture's rows follow their records (src/links/). */
async function moveLinks(tx: Tx, records: string[], childId: string): Promise<void> {
  if (!records.length) return;
  await tx.linkMention.updateMany({ where: { recordId: { in: records } }, data: { childId } });
  await tx.linkTerm.updateMany({ where: { recordId: { in: records } }, data: { childId } });
  await tx.linkMember.updateMany({ where: { recordId: { in: records } }, data: { childId } });
}

/**
 * Before a child is erased (retention): their look-up hashes and possible-duplicate pairs go
 * too. Returns the records merged into theirs, to be erased with them.
 */
export async function eraseChildIdentity(tx: Tx, childId: string): Promise<string[]> {
  const merged = await tx.person.findMany({ where: { mergedIntoId: childId }, select: { id: true } });
  await tx.childKey.deleteMany({ where: { childId } });
  await tx.childPair.deleteMany({ where: { OR: [{ childId }, { knownId: childId }] } });
  return merged.map((person) => person.id);
}
