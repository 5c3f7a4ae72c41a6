import { formatReference, type RecordType, referencePrefixes } from '../domain/references';
import type { Db, Tx } from './database';

/** The next reference for a record type this year. */
export async function nextReference(tx: Db | Tx, type: RecordType, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const key = `${referencePrefixes[type]}-${year}`;
  const counter = await tx.referenceCounter.upsert({
    where: { key },
    create: { key, value: 1 },
    update: { value: { increment: 1 } },
  });
  return formatReference(type, year, counter.value);
}
