import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/actor';
import { auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openInitials } from '../children/demographics';
import type { Clock } from '../domain/clock';
import { DAY } from '../domain/clock';
import type { Db, Provider, Tx } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import type { BlindIndex } from './blind-index';
import { entitiesOfAnswers } from './entities-of-record';
import type { EntityKind } from './extractors';
import { indexTerms } from './index-terms';
import type { EntityRecorder, LinkAlerts, SavedRecord } from './ports';

export const LINK_RULE = 'possible-link';

/** Where a report's initials would be: it names no child (issue 16). */
const noChild = 'no child named';

/** One report a link joins, as MET members see it in private. */
export interface LinkedReport {
  recordId: string;
  reference: string;
  type: string;
  /** None for a report about a place, vehicle or person with no child named (issue 16). */
  childId: string | null;
  initials: string;
  agency: string | null;
  at: Date;
}

/** One entity that joins a link's reports: shown only in private views. */
export interface LinkEntity {
  kind: EntityKind;
  value: string;
  platform?: string;
  /** Other forms it was given in: a partial registration it fits. */
  alsoGivenAs?: string[];
  references: string[];
}

export interface LinkView {
  id: string;
  code: string;
  status: 'open' | 'confirmed' | 'dismissed';
  kinds: string[];
  createdAt: Date;
  decided: string | null;
  reports: LinkedReport[];
  entities: LinkEntity[];
}

/**
 * The intelligence picture: entities found in every saved report, kept encrypted, matched
 * across reports about different children through blind indexes only, and a *possible link*
 * raised once to the MET group when one entity joins them within the window. A report naming
 * no child (a flat, a car, an adult of concern) joins the reports about children it shares an
 * entity with; two such reports alone make no link, as no child joins them.
 */

/** Who a report is about, to tell two subjects apart: its child, or the report itself when it names none. */
const subjectOf = (report: { recordId: string; childId: string | null }) => report.childId ?? report.recordId;
export class LinkService implements EntityRecorder {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly index: BlindIndex,
    private readonly clock: Clock,
    private readonly alerts: LinkAlerts | null,
    private readonly windowDays: number,
  ) {}

  /**
   * Inside the record's own transaction: keeps its entities and their blind indexes, and links
   * it to earlier reports about other children. The reporter is told nothing about them.
   */
  async recordEntities(tx: Tx, record: SavedRecord): Promise<void> {
    const entities = entitiesOfAnswers(record.answers);
    if (entities.length === 0) return;
    const sought = new Map<string, EntityKind>();
    const mentions: { id: string; kind: EntityKind; valueEnc: string }[] = [];
    const terms: { term: string; mentionId: string }[] = [];
    for (const entity of entities) {
      const { stored, sought: seek } = indexTerms(entity.kind, entity.value);
      if (stored.length === 0) continue;
      const id = randomUUID();
      const { kind, ...value } = entity;
      mentions.push({ id, kind, valueEnc: this.cipher.sealJson('LinkMention', 'valueEnc', id, value) });
      for (const term of stored) terms.push({ term: this.index.term(term), mentionId: id });
      for (const term of seek) sought.set(this.index.term(term), kind);
    }
    if (mentions.length === 0) return;
    const matches = await this.matching(tx, record.childId, [...sought.keys()], record.now);
    const common = { recordId: record.id, childId: record.childId, createdAt: record.now };
    await tx.linkMention.createMany({ data: mentions.map((m) => ({ ...m, ...common })) });
    await tx.linkTerm.createMany({ data: terms.map((t) => ({ ...t, ...common })) });
    if (matches.length === 0) return;
    const kinds = [...new Set(matches.map((m) => sought.get(m.term)!))].sort();
    await this.link(tx, { recordId: record.id, childId: record.childId }, matches, kinds, record.now);
  }

  /**
   * Earlier mentions, within the window, in reports that would join this one: about another
   * child, or (for a child's report) naming no child; one indexed look-up.
   */
  matching(tx: Db | Tx, childId: string | null, terms: string[], now: Date) {
    if (terms.length === 0) return Promise.resolve([]);
    const others = childId ? { OR: [{ childId: null }, { NOT: { childId } }] } : { childId: { not: null } };
    return tx.linkTerm.findMany({
      where: {
        term: { in: terms },
        createdAt: { gte: new Date(now.getTime() - this.windowDays * DAY) },
        ...others,
      },
      select: { recordId: true, childId: true, term: true },
    });
  }

  private async link(
    tx: Tx,
    saved: { recordId: string; childId: string | null },
    matches: { recordId: string; childId: string | null }[],
    kinds: string[],
    now: Date,
  ): Promise<void> {
    const joined = new Map([[saved.recordId, saved.childId]]);
    for (const m of matches) joined.set(m.recordId, m.childId);
    const earlier = await tx.linkMember.findMany({
      where: { recordId: { in: matches.map((m) => m.recordId) } },
      select: { linkId: true },
    });
    const links = await tx.link.findMany({
      where: { id: { in: [...new Set(earlier.map((e) => e.linkId))] } },
      orderBy: { createdAt: 'asc' },
    });
    const live = links.find((l) => l.status !== 'dismissed');
    if (live) {
      // One link, one alert: a further report joins the link already raised.
      await this.addMembers(tx, live.id, joined, now);
      const more = [...new Set([...live.kinds.split(','), ...kinds])].sort().join(',');
      if (more !== live.kinds) await tx.link.update({ where: { id: live.id }, data: { kinds: more } });
      return;
    }
    if (links.length) {
      // A MET member dismissed the link between these children: not raised again for them.
      const dismissed = await tx.linkMember.findMany({
        where: { linkId: { in: links.map((l) => l.id) } },
        select: { recordId: true, childId: true },
      });
      const known = new Set(dismissed.map(subjectOf));
      if ([...joined].every(([recordId, childId]) => known.has(subjectOf({ recordId, childId })))) return;
    }
    const reports = await tx.record.findMany({
      where: { id: { in: [...joined.keys()] } },
      orderBy: { createdAt: 'asc' },
      select: { reference: true, child: { select: { id: true, initials: true } } },
    });
    const alert = {
      rule: LINK_RULE,
      reference: reports.map((r) => r.reference).join(', '),
      initials: [
        ...new Set(reports.map((r) => (r.child ? openInitials(this.cipher, r.child) : noChild))),
      ].join(', '),
      level: kinds.join(', '),
    } as const;
    const id = this.alerts ? await this.alerts.raise(tx, alert, now) : randomUUID();
    await tx.link.create({ data: { id, kinds: kinds.join(','), createdAt: now } });
    await this.addMembers(tx, id, joined, now);
  }

  private async addMembers(tx: Tx, linkId: string, joined: Map<string, string | null>, now: Date) {
    const have = await tx.linkMember.findMany({ where: { linkId }, select: { recordId: true } });
    const known = new Set(have.map((h) => h.recordId));
    const data = [...joined]
      .filter(([recordId]) => !known.has(recordId))
      .map(([recordId, childId]) => ({ linkId, recordId, childId, addedAt: now }));
    if (data.length) await tx.linkMember.createMany({ data });
  }

  /**
   * `links confirm|dismiss <code>`: a MET member's decision, kept and audited; the alert is
   * acknowledged with it. A decided link is never raised again.
   */
  async decide(actor: Actor, code: string, decision: 'confirmed' | 'dismissed'): Promise<LinkView> {
    authorise(actor, 'decide-links');
    const link = await this.find(code);
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await tx.link.update({
        where: { id: link.id },
        data: {
          status: decision,
          decidedAt: now,
          decidedBy: this.cipher.seal('Link', 'decidedBy', link.id, actor.displayName),
        },
      });
      await auditAs(tx, this.provider, actor, {
        action: 'update',
        recordType: 'link',
        recordId: link.id,
        detail: decision,
        at: now,
      });
    });
    if (
      this.alerts &&
      (await this.db.alert.findUnique({ where: { id: link.id } }))?.acknowledgedAt === null
    ) {
      await this.alerts.acknowledge(actor, link.id);
    }
    return (await this.views(actor, [link.id], 'links decide'))[0]!;
  }

  /** The links, newest first, or those joining one report: for MET members in private. Audited. */
  async list(actor: Actor, reference?: string, action: 'decide-links' | 'view-links' = 'decide-links') {
    authorise(actor, action);
    let ids: string[];
    if (reference) {
      const record = await this.db.record.findUnique({ where: { reference: reference.toUpperCase() } });
      if (!record) throw new NotPossibleError(`I can't find a report ${reference}.`);
      const members = await this.db.linkMember.findMany({ where: { recordId: record.id } });
      ids = members.map((m) => m.linkId);
    } else {
      const links = await this.db.link.findMany({
        orderBy: { createdAt: 'desc' },
        take: 50,
        select: { id: true },
      });
      ids = links.map((l) => l.id);
    }
    return this.views(actor, ids, reference ? `links ${reference.toUpperCase()}` : 'links');
  }

  private async find(code: string) {
    const clean = code.trim().toLowerCase();
    if (!/^[0-9a-f-]{6,36}$/.test(clean))
      throw new NotPossibleError('Give the link’s code, such as 1a2b3c4d.');
    const found = await this.db.link.findMany({ where: { id: { startsWith: clean } }, take: 2 });
    if (found.length !== 1) {
      throw new NotPossibleError(
        found.length ? 'That code fits more than one link: give more of it.' : `I can't find a link ${code}.`,
      );
    }
    return found[0]!;
  }

  /** Each link with its reports and the entities that join them; every record shown is a read, audited. */
  private async views(actor: Actor, ids: string[], detail: string): Promise<LinkView[]> {
    const opened = this.clock.now();
    // Every opening is audited, even one that finds nothing.
    await this.db.$transaction((tx) =>
      auditAs(tx, this.provider, actor, {
        action: 'read',
        recordType: 'links',
        recordId: 'links',
        detail,
        at: opened,
      }),
    );
    if (ids.length === 0) return [];
    const links = await this.db.link.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'desc' } });
    const members = await this.db.linkMember.findMany({ where: { linkId: { in: ids } } });
    const recordIds = [...new Set(members.map((m) => m.recordId))];
    const records = await this.db.record.findMany({
      where: { id: { in: recordIds } },
      select: {
        id: true,
        reference: true,
        type: true,
        childId: true,
        agencyId: true,
        createdAt: true,
        child: { select: { id: true, initials: true } },
      },
    });
    const agencies = await this.db.agency.findMany({
      where: { id: { in: records.flatMap((r) => (r.agencyId ? [r.agencyId] : [])) } },
    });
    const mentions = await this.db.linkMention.findMany({ where: { recordId: { in: recordIds } } });
    const now = this.clock.now();
    await this.db.$transaction(async (tx) => {
      for (const record of records) {
        await auditAs(tx, this.provider, actor, {
          action: 'read',
          recordType: 'record',
          recordId: record.id,
          detail,
          at: now,
        });
      }
    });
    const byId = new Map(records.map((r) => [r.id, r]));
    const agencyName = new Map(agencies.map((a) => [a.id, a.name]));
    return links.map((link) => {
      const reports = members
        .filter((m) => m.linkId === link.id)
        .flatMap((m) => {
          const r = byId.get(m.recordId);
          if (!r) return [];
          return [
            {
              recordId: r.id,
              reference: r.reference,
              type: r.type,
              childId: m.childId,
              initials: r.child ? openInitials(this.cipher, r.child) : noChild,
              agency: r.agencyId ? (agencyName.get(r.agencyId) ?? null) : null,
              at: r.createdAt,
            },
          ];
        })
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      return {
        id: link.id,
        code: link.id.slice(0, 8),
        status: link.status as LinkView['status'],
        kinds: link.kinds.split(','),
        createdAt: link.createdAt,
        decided: link.decidedAt
          ? `${link.status === 'confirmed' ? 'Confirmed' : 'Dismissed'} by ${this.cipher.openOptional('Link', 'decidedBy', link.id, link.decidedBy)}`
          : null,
        reports,
        entities: this.joining(mentions, reports),
      };
    });
  }

  /**
   * The entities that join a link's reports: mentions that meet (equal, or a partial registration
   * and a whole one it fits) grouped together, kept when they span two or more children.
   */
  private joining(
    mentions: { id: string; recordId: string; childId: string | null; kind: string; valueEnc: string }[],
    reports: LinkedReport[],
  ): LinkEntity[] {
    const inLink = new Map(reports.map((r) => [r.recordId, r]));
    const decoded = mentions
      .filter((m) => inLink.has(m.recordId))
      .map((m) => {
        const { value, platform } = this.cipher.openJson<{ value: string; platform?: string }>(
          'LinkMention',
          'valueEnc',
          m.id,
          m.valueEnc,
        );
        return {
          ...m,
          kind: m.kind as EntityKind,
          value,
          platform,
          terms: indexTerms(m.kind as EntityKind, value),
        };
      });
    const group = decoded.map((_, i) => i);
    const root = (i: number): number => {
      while (group[i] !== i) i = group[i]!;
      return i;
    };
    decoded.forEach((a, i) => {
      decoded.forEach((b, j) => {
        if (j > i && a.terms.sought.some((t) => b.terms.stored.includes(t))) group[root(j)] = root(i);
      });
    });
    const clusters = new Map<number, typeof decoded>();
    decoded.forEach((m, i) => {
      clusters.set(root(i), [...(clusters.get(root(i)) ?? []), m]);
    });
    return [...clusters.values()]
      .filter((members) => new Set(members.map(subjectOf)).size > 1)
      .map((members) => {
        const best = members.find((m) => !m.value.includes('?')) ?? members[0]!;
        const named = new Set(members.map((m) => m.recordId));
        const references = reports.filter((r) => named.has(r.recordId)).map((r) => r.reference);
        const platform = members.find((m) => m.platform)?.platform;
        const also = [...new Set(members.map((m) => m.value))].filter((v) => v !== best.value);
        return {
          kind: best.kind,
          value: best.value,
          ...(platform && { platform }),
          ...(also.length && { alsoGivenAs: also }),
          references,
        };
      });
  }
}
