import { openInitials } from '../children/demographics';
import type { ListItem } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { DAY } from '../domain/clock';
import { timeLeft } from '../domain/deadlines';
import { formatLondon } from '../domain/london-time';
import { isRepeatMissing, timesMissing } from '../domain/missing-history';
import { decide } from '../domain/policy';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';
import { type Actor, auditAs } from './actor';
import { claimAssignedInterviews, interviewOpen } from './interviews.service';
import { authorise } from './refusal';

export interface Audience {
  /** True in a direct message or modal to the asker; false in a channel others can read. */
  private: boolean;
}

export interface RepeatMissingSettings {
  threshold: number;
  days: number;
}

interface Child {
  id: string;
  initials: string;
  nameEnc: string;
}

/** The MET group's questions. Each checks the policy and audits every child it shows. */
export class QuestionService {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    readonly repeat: RepeatMissingSettings = { threshold: 3, days: 90 },
  ) {}

  /** Returned children with no completed interview, soonest due first. */
  async dueReturnInterviews(actor: Actor, audience: Audience): Promise<ListItem[]> {
    authorise(actor, 'ask-due');
    return this.dueList(actor, audience, {}, 'due list');
  }

  /**
   * The interviews assigned to this person ("mine to do"): shown to the interviewer whatever their
   * role, since the assignment is their need to know. Someone assigned before they used the bot is
   * matched first.
   */
  async myInterviews(actor: Actor, audience: Audience): Promise<ListItem[]> {
    await claimAssignedInterviews(
      { db: this.db, provider: this.provider, clock: this.clock, cipher: this.cipher },
      actor,
    );
    return this.dueList(actor, audience, { interviewerId: actor.id }, 'my return interviews', true);
  }

  private async dueList(
    actor: Actor,
    audience: Audience,
    where: { interviewerId?: string },
    detail: string,
    /** The assigned interviewer needs to know whom they are seeing, whatever their role. */
    assigned = false,
  ): Promise<ListItem[]> {
    const now = this.clock.now();
    const episodes = await this.db.missingEpisode.findMany({
      where: { ...interviewOpen(), ...where },
      orderBy: { interviewDueAt: 'asc' },
      include: { child: true },
      take: 200,
    });
    const references = await this.references(episodes.map((e) => e.missingRecordId));
    const items = episodes.map((episode) => {
      const due = episode.interviewDueAt!;
      const left = timeLeft(due, now);
      // DfE 2014: the 72 hours is the deadline to offer the interview; once offered, it is not overdue.
      const state = episode.interviewOfferedAt
        ? `offered ${formatLondon(episode.interviewOfferedAt)}${episode.interviewOutcome === 'declined' ? ', declined: offer again' : ''}`
        : episode.interviewOutcome === 'declined'
          ? 'declined: offer again'
          : left.text;
      return this.item(
        actor,
        audience,
        episode.child,
        references.get(episode.missingRecordId),
        [
          { label: 'Due', value: `${formatLondon(due)} (${state})` },
          { label: 'Returned', value: formatLondon(episode.returnedAt!) },
          // A member of staff's name: shown only where nobody else reads it.
          ...(audience.private
            ? [
                {
                  label: 'Interviewer',
                  value:
                    this.cipher.openOptional(
                      'MissingEpisode',
                      'interviewerName',
                      episode.id,
                      episode.interviewerName,
                    ) ?? 'Not assigned yet',
                },
              ]
            : []),
        ],
        assigned,
      );
    });
    await this.auditReads(
      actor,
      episodes.map((e) => e.child.id),
      detail,
    );
    return items;
  }

  /** Children on the MET list (nominated or accepted), highest level first. */
  async metList(actor: Actor, audience: Audience, level?: string): Promise<ListItem[]> {
    authorise(actor, 'ask-met-list');
    const entries = await this.db.metListEntry.findMany({
      where: {
        status: { in: ['proposed', 'nominated', 'active'] },
        ...(level && { OR: [{ level }, { level: null, proposedLevel: level }] }),
      },
      include: { child: true },
      take: 500,
    });
    const order = { high: 0, medium: 1, low: 2 } as Record<string, number>;
    const levelOf = (entry: { level: string | null; proposedLevel: string | null }) =>
      entry.level ?? entry.proposedLevel ?? '';
    entries.sort((a, b) => (order[levelOf(a)] ?? 3) - (order[levelOf(b)] ?? 3));
    const statusOf = (entry: (typeof entries)[number]) =>
      entry.status === 'proposed'
        ? `Proposed by a risk check (suggested ${entry.proposedLevel ?? 'no level'}): for the MET group to decide`
        : entry.status === 'nominated'
          ? 'Nominated, not yet reviewed'
          : 'On the list';
    const items = entries.map((entry) =>
      this.item(actor, audience, entry.child, undefined, [
        { label: 'Level', value: entry.level ?? 'not set' },
        { label: 'Status', value: statusOf(entry) },
        { label: 'Review', value: entry.reviewDate ? formatLondon(entry.reviewDate) : 'Not set' },
      ]),
    );
    await this.auditReads(
      actor,
      entries.map((e) => e.child.id),
      'MET list',
    );
    return items;
  }

  async missingNow(actor: Actor, audience: Audience): Promise<ListItem[]> {
    authorise(actor, 'ask-missing-now');
    const now = this.clock.now();
    const episodes = await this.db.missingEpisode.findMany({
      where: { returnedAt: null },
      orderBy: { lastSeenAt: 'asc' },
      include: { child: true },
      take: 200,
    });
    const references = await this.references(episodes.map((e) => e.missingRecordId));
    const items = episodes.map((episode) =>
      this.item(actor, audience, episode.child, references.get(episode.missingRecordId), [
        { label: 'Last seen', value: formatLondon(episode.lastSeenAt) },
        { label: 'Missing for', value: timeLeft(episode.lastSeenAt, now).text.replace(' overdue', '') },
      ]),
    );
    await this.auditReads(
      actor,
      episodes.map((e) => e.child.id),
      'missing now',
    );
    return items;
  }

  /**
   * Children missing `threshold` or more times in the last `days` days: the episodes on record or
   * the reporter's count of earlier times, whichever is more (src/domain/missing-history.ts).
   */
  async repeatMissing(actor: Actor, audience: Audience): Promise<ListItem[]> {
    authorise(actor, 'ask-repeat-missing');
    const since = new Date(this.clock.now().getTime() - this.repeat.days * DAY);
    const episodes = await this.db.missingEpisode.findMany({
      where: { lastSeenAt: { gte: since } },
      select: { childId: true, reportedTimesBefore: true },
    });
    const byChild = new Map<string, { onRecord: number; reportedBefore: number | null }>();
    for (const episode of episodes) {
      const seen = byChild.get(episode.childId) ?? { onRecord: 0, reportedBefore: null };
      seen.onRecord += 1;
      if (episode.reportedTimesBefore !== null)
        seen.reportedBefore = Math.max(seen.reportedBefore ?? 0, episode.reportedTimesBefore);
      byChild.set(episode.childId, seen);
    }
    const repeated = [...byChild]
      .map(([childId, counts]) => ({ childId, times: timesMissing(counts) }))
      .filter((c) => isRepeatMissing(c.times, this.repeat.threshold));
    const children = await this.db.person.findMany({ where: { id: { in: repeated.map((c) => c.childId) } } });
    const byId = new Map(children.map((c) => [c.id, c]));
    const items = repeated
      .sort((a, b) => b.times - a.times)
      .map((c) =>
        this.item(actor, audience, byId.get(c.childId)!, undefined, [
          { label: `Times in ${this.repeat.days} days`, value: String(c.times) },
        ]),
      );
    await this.auditReads(
      actor,
      repeated.map((c) => c.childId),
      'repeat missing',
    );
    return items;
  }

  /** What this user has sent, newest first, and whether each reached the police gateway. */
  async mySubmissions(actor: Actor): Promise<ListItem[]> {
    authorise(actor, 'view-own-submissions');
    const records = await this.db.record.findMany({
      where: { submittedById: actor.id },
      orderBy: { createdAt: 'desc' },
      take: 10,
      select: { id: true, reference: true, type: true, createdAt: true },
    });
    const outbox = await this.db.outboxMessage.findMany({
      where: { recordId: { in: records.map((r) => r.id) }, destination: { startsWith: 'gateway' } },
      select: { recordId: true, status: true, deliveredAt: true },
    });
    return records.map((record) => {
      const messages = outbox.filter((m) => m.recordId === record.id);
      return {
        title: record.reference,
        fields: [
          { label: 'Sent', value: formatLondon(record.createdAt) },
          { label: 'Police gateway', value: deliveryState(messages) },
        ],
      };
    });
  }

  private async references(recordIds: string[]): Promise<Map<string, string>> {
    // An empty list needs no query (issue 20: Prisma would still send one, `WHERE 1=0`).
    if (recordIds.length === 0) return new Map();
    const records = await this.db.record.findMany({
      where: { id: { in: recordIds } },
      select: { id: true, reference: true },
    });
    return new Map(records.map((r) => [r.id, r.reference]));
  }

  private item(
    actor: Actor,
    audience: Audience,
    child: Child,
    reference: string | undefined,
    fields: ListItem['fields'],
    needToKnow = false,
  ): ListItem {
    const showName = audience.private && (needToKnow || decide(actor.roles, 'view-child-details').allowed);
    const initials = openInitials(this.cipher, child);
    return {
      title: reference ? `${initials} · ${reference}` : initials,
      fields: showName
        ? [
            { label: 'Name', value: this.cipher.open('Person', 'nameEnc', child.id, child.nameEnc) },
            ...fields,
          ]
        : fields,
    };
  }

  private async auditReads(actor: Actor, childIds: string[], detail: string): Promise<void> {
    if (childIds.length === 0) return;
    const at = this.clock.now();
    await this.db.$transaction(async (tx) => {
      for (const recordId of childIds) {
        await auditAs(tx, this.provider, actor, {
          action: 'read',
          recordType: 'person',
          recordId,
          detail,
          at,
        });
      }
    });
  }
}

export function deliveryState(messages: { status: string; deliveredAt: Date | null }[]): string {
  if (messages.length === 0) return 'Kept here; no police gateway is set up to send it to';
  if (messages.some((m) => m.status === 'dead')) return 'Not yet delivered: the team has been told';
  if (messages.every((m) => m.status === 'delivered')) {
    const last = Math.max(...messages.map((m) => m.deliveredAt?.getTime() ?? 0));
    return `Delivered ${formatLondon(new Date(last))}`;
  }
  return 'Waiting to be sent';
}
