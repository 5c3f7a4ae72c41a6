import { type Actor, auditAs } from '../access/actor';
import { authorise, NotPossibleError, RefusedError } from '../access/refusal';
import type { Clock } from '../domain/clock';
import { formatDay } from '../domain/london-time';
import { decide } from '../domain/policy';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { openInitials, openYearOfBirth } from './demographics';
import { type Moved, mergeChildren, pairBetween, unmergeChildren } from './duplicates';
import { survivor } from './resolve-child';
import type { SameChildQuestion } from './same-child-question';

export type { SameChildQuestion } from './same-child-question';

/** One side of a possible duplicate, as much as the asker may see. */
export interface ChildSide {
  initials: string;
  /** Only for roles that may see a child's details. */
  name: string | null;
  /** "born 14/03/2012", "born 2012", or null. */
  born: string | null;
  /** The references of reports about this child, newest first (at most three). */
  references: string[];
}

export interface PossibleDuplicate {
  id: string;
  reasons: string[];
  raisedAt: Date;
  child: ChildSide;
  known: ChildSide;
}

/** A merge done: the child's initials, the reference named, and a reference that undoes it. */
export interface Merged {
  initials: string;
  reference: string;
  undo: string;
}

const onList = ['nominated', 'active'];

/**
 * One child, one record: the possible duplicates queue, where MET members merge two records of a
 * child or keep them apart, and undo a merge. Every decision is audited; a merge keeps what it
 * moved, so unmerge restores both records.
 */
export class DuplicatesService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  /** Possible duplicates waiting for a decision, oldest first. */
  async open(actor: Actor): Promise<PossibleDuplicate[]> {
    authorise(actor, 'merge-children');
    const pairs = await this.db.childPair.findMany({
      where: { status: 'open' },
      orderBy: { createdAt: 'asc' },
      take: 50,
    });
    const result: PossibleDuplicate[] = [];
    const seen: string[] = [];
    for (const pair of pairs) {
      const [a, b] = [
        await survivor(this.db as Tx, pair.childId),
        await survivor(this.db as Tx, pair.knownId),
      ];
      // Joined since by another decision: nothing left to decide.
      if (a === b) continue;
      result.push({
        id: pair.id,
        reasons: pair.reasons.split(',').filter(Boolean),
        raisedAt: pair.createdAt,
        child: await this.side(actor, a),
        known: await this.side(actor, b),
      });
      seen.push(a, b);
    }
    await this.auditReads(actor, [...new Set(seen)], 'possible duplicates');
    return result;
  }

  /** Joins the records of the children two references are about; the known child's record stays. */
  async merge(actor: Actor, first: string, second: string): Promise<Merged> {
    authorise(actor, 'merge-children');
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const [a, b] = [await this.childOf(tx, first), await this.childOf(tx, second)];
      if (a === b) throw new NotPossibleError('These reports are already about one child record.');
      const pair = await pairBetween(tx, a, b);
      const [survivorId, loserId] = await this.order(tx, a, b, pair?.knownId);
      return this.doMerge(tx, actor, pair?.id ?? null, survivorId, loserId, second, now);
    });
  }

  /** Records that the two are different children, so they are not raised again. */
  async keepApart(actor: Actor, first: string, second: string): Promise<{ references: string[] }> {
    authorise(actor, 'merge-children');
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const [a, b] = [await this.childOf(tx, first), await this.childOf(tx, second)];
      if (a === b) {
        throw new NotPossibleError(
          'These reports are about one child record. If that is wrong, *unmerge* one of them first.',
        );
      }
      await this.decide(tx, actor, a, b, 'kept-apart', null, now);
      return { references: [first.toUpperCase(), second.toUpperCase()] };
    });
  }

  /** Undoes the merge that brought this report's record in (or the only merge into its child). */
  async unmerge(actor: Actor, reference: string): Promise<{ initials: string[]; references: string[] }> {
    authorise(actor, 'merge-children');
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const record = await tx.record.findUnique({
        where: { reference: reference.trim().toUpperCase() },
        select: { id: true, childId: true },
      });
      if (!record?.childId) throw new NotPossibleError(`I can't find a record ${reference} about a child.`);
      const merged = await tx.childPair.findMany({ where: { status: 'merged' } });
      const into = merged
        .map((pair) => ({ pair, moved: JSON.parse(pair.moved ?? '{}') as Moved }))
        .filter(({ moved }) => moved.survivorId === record.childId);
      const chosen =
        into.find(({ moved }) => moved.records.includes(record.id)) ??
        (into.length === 1 ? into[0] : undefined);
      if (!chosen) {
        throw new NotPossibleError(
          into.length
            ? `More than one record was merged into this child's. Please give the reference of a report that was merged in.`
            : `${reference.toUpperCase()} is not part of a merge.`,
        );
      }
      const { pair, moved } = chosen;
      await unmergeChildren(tx, moved);
      await tx.childPair.update({
        where: { id: pair.id },
        data: { status: 'unmerged', decidedAt: now, decidedById: actor.id },
      });
      await this.audit(tx, actor, 'child-pair', pair.id, 'unmerge', now);
      await this.audit(tx, actor, 'person', moved.loserId, `unmerged from ${moved.survivorId}`, now);
      await this.audit(tx, actor, 'person', moved.survivorId, `unmerged ${moved.loserId}`, now);
      const people = await tx.person.findMany({
        where: { id: { in: [moved.survivorId, moved.loserId] } },
        select: { id: true, initials: true },
      });
      const references = await Promise.all(
        [moved.survivorId, moved.loserId].map(async (id) => (await this.references(tx, id))[0] ?? ''),
      );
      return { initials: people.map((p) => openInitials(this.cipher, p)), references };
    });
  }

  /**
   * After a report made a new record, the question for its reporter, when they may see the known
   * child: a role that sees children's details, or a reporter whose own report is about them.
   * Otherwise the pair waits in the queue for the MET group.
   */
  async questionFor(actor: Actor, recordId: string, isPrivate: boolean): Promise<SameChildQuestion | null> {
    if (!isPrivate) return null;
    const pair = await this.db.childPair.findFirst({
      where: { recordId, status: 'open' },
      orderBy: { createdAt: 'asc' },
    });
    if (!pair) return null;
    const known = await this.describeFor(actor, pair.knownId);
    if (!known) return null;
    await this.auditReads(actor, [pair.knownId], 'same child question');
    return { pairId: pair.id, known, reasons: pair.reasons.split(',').filter(Boolean) };
  }

  /** Whether this report raised a possible duplicate still waiting for a decision. */
  async isQueued(recordId: string): Promise<boolean> {
    return (await this.db.childPair.count({ where: { recordId, status: 'open' } })) > 0;
  }

  /** The reporter's answer: yes joins their report to the known child; no keeps them apart. */
  async answer(actor: Actor, pairId: string, same: boolean): Promise<Merged> {
    const now = this.clock.now();
    return this.db.$transaction(async (tx) => {
      const pair = await tx.childPair.findUnique({ where: { id: pairId } });
      const record = pair?.recordId
        ? await tx.record.findUnique({ where: { id: pair.recordId }, select: { submittedById: true } })
        : null;
      if (pair?.status !== 'open' || record?.submittedById !== actor.id) {
        throw new NotPossibleError('That question has already been answered.');
      }
      if (!(await this.describeFor(actor, pair.knownId, tx))) {
        throw new RefusedError('merging records of a child', 'MET group members');
      }
      const [childId, knownId] = [await survivor(tx, pair.childId), await survivor(tx, pair.knownId)];
      const reference = (await this.references(tx, knownId))[0] ?? '';
      if (!same) {
        await this.decide(tx, actor, childId, knownId, 'kept-apart', pair.id, now);
        const person = await tx.person.findUniqueOrThrow({ where: { id: childId } });
        return { initials: openInitials(this.cipher, person), reference, undo: '' };
      }
      if (childId === knownId) return { initials: '', reference, undo: '' };
      const [survivorId, loserId] = await this.order(tx, childId, knownId, knownId);
      return this.doMerge(tx, actor, pair.id, survivorId, loserId, reference, now);
    });
  }

  /** The known child in words this actor may see, or null when they may see nothing of them. */
  private async describeFor(actor: Actor, childId: string, db: Db | Tx = this.db): Promise<string | null> {
    const id = await survivor(db as Tx, childId);
    const person = await db.person.findUnique({ where: { id } });
    if (!person) return null;
    if (decide(actor.roles, 'view-child-details').allowed) {
      const side = await this.side(actor, id, db);
      const born = side.born ? `, ${side.born}` : '';
      const from = side.references.length ? ` (${side.references.join(', ')})` : '';
      return `${side.name} (${side.initials})${born}${from}`;
    }
    const own = await db.record.findMany({
      where: { childId: id, submittedById: actor.id },
      orderBy: { createdAt: 'desc' },
      select: { reference: true },
      take: 3,
    });
    if (!own.length) return null;
    return `${openInitials(this.cipher, person)} in your report ${own.map((r) => r.reference).join(', ')}`;
  }

  private async doMerge(
    tx: Tx,
    actor: Actor,
    pairId: string | null,
    survivorId: string,
    loserId: string,
    reference: string,
    now: Date,
  ): Promise<Merged> {
    const moved = await mergeChildren(tx, this.cipher, survivorId, loserId);
    const id = await this.decide(tx, actor, loserId, survivorId, 'merged', pairId, now, moved);
    await this.audit(tx, actor, 'child-pair', id, 'merge', now);
    await this.audit(tx, actor, 'person', loserId, `merged into ${survivorId}`, now);
    await this.audit(tx, actor, 'person', survivorId, `merged ${loserId} in`, now);
    const person = await tx.person.findUniqueOrThrow({ where: { id: survivorId } });
    const undo = await tx.record.findFirst({
      where: { id: { in: moved.records } },
      orderBy: { reference: 'asc' },
      select: { reference: true },
    });
    return {
      initials: openInitials(this.cipher, person),
      reference: reference.toUpperCase(),
      undo: undo?.reference ?? '',
    };
  }

  /**
   * Which record stays: the known child's (or the older record), whose MET list entry, if it has
   * none, comes from the other. Only when both have an entry and just the other's is on the list
   * does the other stay, since one child has one entry.
   */
  private async order(tx: Tx, a: string, b: string, knownId?: string): Promise<[string, string]> {
    const entries = await tx.metListEntry.findMany({
      where: { childId: { in: [a, b] } },
      select: { childId: true, status: true },
    });
    const listed = entries.filter((e) => onList.includes(e.status));
    if (entries.length === 2 && listed.length === 1) {
      const stays = listed[0]!.childId;
      return [stays, stays === a ? b : a];
    }
    if (knownId === a || knownId === b) return [knownId, knownId === a ? b : a];
    const people = await tx.person.findMany({
      where: { id: { in: [a, b] } },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    const stays = people[0]?.id ?? a;
    return [stays, stays === a ? b : a];
  }

  /** Marks the pair between two children decided, making one when none was raised. */
  private async decide(
    tx: Tx,
    actor: Actor,
    childId: string,
    knownId: string,
    status: 'merged' | 'kept-apart',
    pairId: string | null,
    now: Date,
    moved?: Moved,
  ): Promise<string> {
    const existing = pairId
      ? await tx.childPair.findUnique({ where: { id: pairId } })
      : await pairBetween(tx, childId, knownId);
    const data = {
      status,
      decidedAt: now,
      decidedById: actor.id,
      moved: moved ? JSON.stringify(moved) : null,
    };
    const pair = existing
      ? await tx.childPair.update({ where: { id: existing.id }, data })
      : await tx.childPair.create({
          data: { childId, knownId, reasons: 'by hand', createdAt: now, ...data },
        });
    if (status === 'kept-apart') await this.audit(tx, actor, 'child-pair', pair.id, 'keep apart', now);
    return pair.id;
  }

  private async childOf(tx: Tx, reference: string): Promise<string> {
    const record = await tx.record.findUnique({
      where: { reference: reference.trim().toUpperCase() },
      select: { childId: true },
    });
    if (!record?.childId) throw new NotPossibleError(`I can't find a record ${reference} about a child.`);
    return survivor(tx, record.childId);
  }

  private async side(actor: Actor, childId: string, db: Db | Tx = this.db): Promise<ChildSide> {
    const person = await db.person.findUniqueOrThrow({ where: { id: childId } });
    const showName = decide(actor.roles, 'view-child-details').allowed;
    const dob = showName
      ? this.cipher.openOptional('Person', 'dateOfBirthEnc', person.id, person.dateOfBirthEnc)
      : null;
    const year = openYearOfBirth(this.cipher, person);
    return {
      initials: openInitials(this.cipher, person),
      name: showName ? this.cipher.open('Person', 'nameEnc', person.id, person.nameEnc) : null,
      born: dob ? `born ${formatDay(dob)}` : year ? `born ${year}` : null,
      references: (await this.references(db, childId)).filter((_ref, i) => i < 3),
    };
  }

  private async references(db: Db | Tx, childId: string): Promise<string[]> {
    const records = await db.record.findMany({
      where: { childId, type: { not: 'met-list-change' } },
      orderBy: [{ createdAt: 'desc' }, { reference: 'desc' }],
      select: { reference: true },
      take: 3,
    });
    return records.map((r) => r.reference);
  }

  private audit(tx: Tx, actor: Actor, recordType: string, recordId: string, detail: string, at: Date) {
    return auditAs(tx, this.provider, actor, { action: 'update', recordType, recordId, detail, at });
  }

  private async auditReads(actor: Actor, childIds: string[], detail: string): Promise<void> {
    if (!childIds.length) return;
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      for (const id of childIds) {
        await auditAs(tx, this.provider, actor, {
          action: 'read',
          recordType: 'person',
          recordId: id,
          detail,
          at,
        });
      }
    });
  }
}
