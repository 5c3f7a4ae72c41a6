import type { Actor } from '../access/actor';
import { auditAs } from '../access/actor';
import { authorise, NotPossibleError } from '../access/refusal';
import { openInitials } from '../children/demographics';
import type { Clock } from '../domain/clock';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import type { BlindIndex } from './blind-index';
import type { EntityKind } from './extractors';
import { indexTerms } from './index-terms';
import { type Period, quarterPeriod } from './periods';

/** One entity as the picture shows it: only in private dashboard views, never in a channel. */
export interface EntityRow {
  kind: EntityKind;
  value: string;
  platform?: string;
  reports: number;
  children: number;
  references: string[];
}

export interface PlaceRow extends EntityRow {
  kind: 'place' | 'postcode';
  last: Date;
}

export interface NetworkChild {
  childId: string;
  initials: string;
  /** The entities the two children share, as "Vehicle HX15 ABC". */
  through: { kind: EntityKind; value: string }[];
  references: string[];
}

export interface ChildNetwork {
  childId: string;
  initials: string;
  reports: { reference: string; type: string; at: Date }[];
  /** Who and what is around the child: the people, vehicles, phones and online names in their reports. */
  around: (EntityRow & { field?: string })[];
  others: NetworkChild[];
}

export interface ProfileGap {
  title: string;
  items: string[];
}

/**
 * The quarterly problem profile, under the strategy's headings: "Information on victims,
 * perpetrators, locations and intelligence gaps" (MET Strategy 2016–2019, section E).
 */
export interface ProblemProfile {
  period: Period;
  victims: { childId: string; initials: string; reports: number; agencies: string[]; linked: boolean }[];
  perpetrators: EntityRow[];
  vehicles: EntityRow[];
  phonesAndOnline: EntityRow[];
  places: PlaceRow[];
  gaps: ProfileGap[];
}

interface Mention {
  recordId: string;
  childId: string | null;
  kind: EntityKind;
  value: string;
  platform?: string;
  field?: string;
  createdAt: Date;
}

const allKinds: EntityKind[] = ['vehicle', 'phone', 'handle', 'postcode', 'person', 'place'];

/** The answers where the people who may be harming a child are named. */
const perpetratorFields = new Set(['personsOfConcern', 'personsOfConcernList']);

/**
 * The intelligence picture as a whole, for MET members and duty officers on the dashboard:
 * the places named most, a child's network, and the quarterly problem profile. Read-only;
 * every opening is audited.
 */
export class PictureService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly index: BlindIndex,
    private readonly clock: Clock,
  ) {}

  /** The places (typed places and postcodes) named in most reports over a period, most first. */
  async places(actor: Actor, period: Period, limit = 50): Promise<PlaceRow[]> {
    authorise(actor, 'view-links');
    await this.audit(actor, 'places', `places ${period.label}`);
    return this.placeRows(await this.mentions(period, ['place', 'postcode']), limit);
  }

  /**
   * A child's network: the people, vehicles, phones and online names in reports about them, and
   * the other children whose reports name the same ones (found by blind index, any time).
   */
  async network(actor: Actor, childId: string): Promise<ChildNetwork> {
    authorise(actor, 'view-links');
    const child = await this.db.person.findUnique({
      where: { id: childId },
      select: { id: true, initials: true },
    });
    if (!child) throw new NotPossibleError('I can’t find that child.');
    await this.audit(actor, 'network', 'network', [{ recordType: 'person', recordId: childId }]);
    const records = await this.db.record.findMany({
      where: { childId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, reference: true, type: true, createdAt: true },
    });
    const referenceOf = new Map(records.map((r) => [r.id, r.reference]));
    const own = (
      await this.decode(
        await this.db.linkMention.findMany({ where: { recordId: { in: [...referenceOf.keys()] } } }),
      )
    ).filter((m) => m.kind !== 'place' && m.kind !== 'postcode');
    const around = rows(own, referenceOf).map((row) => ({
      ...row,
      field: own.find((m) => sameEntity(m, row))?.field,
    }));

    // Each sought term of the child's entities, looked up by blind index in other children's reports.
    const soughtBy = new Map<string, Mention>();
    for (const mention of own) {
      for (const term of indexTerms(mention.kind, mention.value).sought) {
        soughtBy.set(this.index.term(term), mention);
      }
    }
    const hits = soughtBy.size
      ? await this.db.linkTerm.findMany({
          where: { term: { in: [...soughtBy.keys()] }, childId: { not: null }, NOT: { childId } },
          select: { term: true, recordId: true, childId: true },
        })
      : [];
    const theirs = await this.db.record.findMany({
      where: { id: { in: [...new Set(hits.map((h) => h.recordId))] } },
      select: { id: true, reference: true, childId: true, child: { select: { id: true, initials: true } } },
    });
    const byRecord = new Map(theirs.map((r) => [r.id, r]));
    const others = new Map<string, NetworkChild>();
    for (const hit of hits) {
      const record = byRecord.get(hit.recordId);
      const mention = soughtBy.get(hit.term)!;
      if (!record || !hit.childId) continue;
      const other = others.get(hit.childId) ?? {
        childId: hit.childId,
        initials: record.child ? openInitials(this.cipher, record.child) : '?',
        through: [],
        references: [],
      };
      if (!other.through.some((t) => t.kind === mention.kind && t.value === mention.value))
        other.through.push({ kind: mention.kind, value: mention.value });
      if (!other.references.includes(record.reference)) other.references.push(record.reference);
      others.set(hit.childId, other);
    }
    return {
      childId: child.id,
      initials: openInitials(this.cipher, child),
      reports: records.map((r) => ({ reference: r.reference, type: r.type, at: r.createdAt })),
      around,
      others: [...others.values()].sort(
        (a, b) => b.through.length - a.through.length || a.initials.localeCompare(b.initials),
      ),
    };
  }

  /** The child a report is about, for opening a network from a reference. */
  async childOfReport(reference: string): Promise<string> {
    const record = await this.db.record.findUnique({
      where: { reference: reference.toUpperCase() },
      select: { childId: true },
    });
    if (!record?.childId) throw new NotPossibleError(`I can't find a report ${reference} about a child.`);
    return record.childId;
  }

  /** The quarterly problem profile ("2026-Q4"), for the MET Strategic Group and partners. */
  async profile(actor: Actor, quarter: string): Promise<ProblemProfile> {
    authorise(actor, 'view-links');
    const period = quarterPeriod(quarter);
    await this.audit(actor, 'profile', `problem profile ${period.label}`);
    const records = await this.db.record.findMany({
      where: { createdAt: { gte: period.from, lt: period.to }, childId: { not: null } },
      orderBy: { createdAt: 'asc' },
      select: {
        id: true,
        reference: true,
        childId: true,
        agencyId: true,
        child: { select: { id: true, initials: true } },
      },
    });
    const referenceOf = new Map(records.map((r) => [r.id, r.reference]));
    const agencyNames = new Map(
      (
        await this.db.agency.findMany({
          where: { id: { in: [...new Set(records.flatMap((r) => (r.agencyId ? [r.agencyId] : [])))] } },
        })
      ).map((a) => [a.id, a.name]),
    );
    const members = await this.db.linkMember.findMany({
      where: { recordId: { in: [...referenceOf.keys()] } },
      select: { linkId: true, childId: true },
    });
    const links = await this.db.link.findMany({
      where: { id: { in: [...new Set(members.map((m) => m.linkId))] } },
      select: { id: true, status: true },
    });
    const liveLinks = new Set(links.filter((l) => l.status !== 'dismissed').map((l) => l.id));
    const linkedChildren = new Set(members.filter((m) => liveLinks.has(m.linkId)).map((m) => m.childId));

    const victims = new Map<string, ProblemProfile['victims'][number]>();
    for (const record of records) {
      const childId = record.childId!;
      const victim = victims.get(childId) ?? {
        childId,
        initials: record.child ? openInitials(this.cipher, record.child) : '?',
        reports: 0,
        agencies: [],
        linked: linkedChildren.has(childId),
      };
      victim.reports += 1;
      const agency = record.agencyId ? agencyNames.get(record.agencyId) : undefined;
      if (agency && !victim.agencies.includes(agency)) victim.agencies.push(agency);
      victims.set(childId, victim);
    }

    const mentions = (await this.mentions(period, allKinds)).filter((m) => referenceOf.has(m.recordId));
    const of = (test: (m: Mention) => boolean) => rows(mentions.filter(test), referenceOf);
    const vehicles = of((m) => m.kind === 'vehicle');
    const handles = mentions.filter((m) => m.kind === 'handle');
    const named = new Set(mentions.filter((m) => m.kind !== 'place').map((m) => m.recordId));
    const open = links.filter((l) => l.status === 'open');
    return {
      period,
      victims: [...victims.values()].sort(
        (a, b) => b.reports - a.reports || a.initials.localeCompare(b.initials),
      ),
      perpetrators: of((m) => m.kind === 'person' && perpetratorFields.has(m.field ?? '')),
      vehicles,
      phonesAndOnline: of((m) => m.kind === 'phone' || m.kind === 'handle'),
      places: await this.placeRows(
        mentions.filter((m) => m.kind === 'place' || m.kind === 'postcode'),
        50,
      ),
      gaps: [
        {
          title: 'Partial registrations no whole registration fits',
          items: unmatchedPartials(vehicles),
        },
        {
          title: 'Online names with no platform',
          items: [...new Set(handles.filter((h) => !h.platform).map((h) => h.value))].sort(),
        },
        {
          title: 'Reports naming no person, vehicle, phone, online name or postcode',
          items: records.filter((r) => !named.has(r.id)).map((r) => r.reference),
        },
        {
          title: 'Possible links nobody has confirmed or dismissed',
          items: open.map((l) => `Link ${l.id.slice(0, 8)}`),
        },
      ],
    };
  }

  /** By kind and period: what the LinkMention (kind, createdAt) index serves. */
  private async mentions(period: Period, kinds: EntityKind[]): Promise<Mention[]> {
    return this.decode(
      await this.db.linkMention.findMany({
        where: { kind: { in: kinds }, createdAt: { gte: period.from, lt: period.to } },
      }),
    );
  }

  private async decode(
    found: {
      id: string;
      recordId: string;
      childId: string | null;
      kind: string;
      valueEnc: string;
      createdAt: Date;
    }[],
  ): Promise<Mention[]> {
    return found.map((m) => {
      const value = this.cipher.openJson<{ value: string; platform?: string; field?: string }>(
        'LinkMention',
        'valueEnc',
        m.id,
        m.valueEnc,
      );
      return {
        recordId: m.recordId,
        childId: m.childId,
        kind: m.kind as EntityKind,
        createdAt: m.createdAt,
        ...value,
      };
    });
  }

  private async placeRows(mentions: Mention[], limit: number): Promise<PlaceRow[]> {
    const references = new Map<string, string>();
    const ids = [...new Set(mentions.map((m) => m.recordId))];
    for (const r of await this.db.record.findMany({
      where: { id: { in: ids } },
      select: { id: true, reference: true },
    }))
      references.set(r.id, r.reference);
    const grouped = rows(mentions, references) as PlaceRow[];
    for (const row of grouped) {
      row.last = new Date(
        Math.max(...mentions.filter((m) => sameEntity(m, row)).map((m) => m.createdAt.getTime())),
      );
    }
    return grouped.slice(0, limit);
  }

  private async audit(
    actor: Actor,
    what: string,
    detail: string,
    reads: { recordType: string; recordId: string }[] = [],
  ): Promise<void> {
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      await auditAs(tx, this.provider, actor, {
        action: 'read',
        recordType: 'picture',
        recordId: what,
        detail,
        at,
      });
      for (const read of reads)
        await auditAs(tx, this.provider, actor, { action: 'read', ...read, detail, at });
    });
  }
}

function keyOf(m: { kind: EntityKind; value: string }): string {
  return `${m.kind}:${m.kind === 'place' ? m.value.toLowerCase() : m.value}`;
}

function sameEntity(a: { kind: EntityKind; value: string }, b: { kind: EntityKind; value: string }): boolean {
  return keyOf(a) === keyOf(b);
}

/** Mentions grouped by entity: the most reports first, then by value. */
function rows(mentions: Mention[], referenceOf: Map<string, string>): EntityRow[] {
  const groups = new Map<string, Mention[]>();
  for (const m of mentions) groups.set(keyOf(m), [...(groups.get(keyOf(m)) ?? []), m]);
  return [...groups.values()]
    .map((group) => {
      const first = group[0]!;
      const platform = group.find((m) => m.platform)?.platform;
      const references = [...new Set(group.flatMap((m) => referenceOf.get(m.recordId) ?? []))].sort();
      return {
        kind: first.kind,
        value: first.value,
        ...(platform && { platform }),
        reports: new Set(group.map((m) => m.recordId)).size,
        children: new Set(group.flatMap((m) => (m.childId ? [m.childId] : []))).size,
        references,
      };
    })
    .sort((a, b) => b.reports - a.reports || b.children - a.children || a.value.localeCompare(b.value));
}

/** Partial registrations ("HX1? ???") that no whole registration in the same rows fits. */
function unmatchedPartials(vehicles: EntityRow[]): string[] {
  const whole = vehicles.filter((v) => !v.value.includes('?'));
  const stored = new Set(whole.flatMap((v) => indexTerms('vehicle', v.value).stored));
  return vehicles
    .filter((v) => v.value.includes('?'))
    .filter((v) => !indexTerms('vehicle', v.value).sought.some((t) => stored.has(t)))
    .map((v) => v.value);
}
