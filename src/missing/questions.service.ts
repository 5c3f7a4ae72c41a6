import { type Actor, auditAs } from '../access/actor';
import { authorise } from '../access/refusal';
import { openInitials } from '../children/demographics';
import type { ListItem } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { timeLeft } from '../domain/deadlines';
import { formatLondon } from '../domain/london-time';
import type { RepeatMissingSettings } from '../domain/missing-history';
import { decide } from '../domain/policy';
import { deliveryState } from '../outbox/delivery-state';
import type { Db, Provider } from '../store/database';
import { type DueInterviewRow, readDueInterviews } from '../store/due-interviews';
import type { FieldCipher } from '../store/field-crypto';
import {
  type AssignedAs,
  assignedAs,
  claimAssignedInterviews,
  claimEpisodes,
  isAssignedTo,
} from './interviews.service';

export interface Audience {
  /** True in a direct message or modal to the asker; false in a channel others can read. */
  private: boolean;
}

/** A list stops here: the rest are for the dashboard. */
const LIST_LIMIT = 200;

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
    const rows = await readDueInterviews(this.db, { everyone: true, interviewerId: actor.id }, LIST_LIMIT);
    return this.dueList(actor, audience, rows, 'due list');
  }

  /**
   * `due`: the interviews assigned to this person ("mine to do"), shown to the interviewer
   * whatever their role, since the assignment is their need to know; and the due list, null for
   * someone who may not ask for it. Someone assigned before they used the bot is matched first.
   * Both lists and the assignments waiting for this person come from one read (issue 20), unless
   * there are more than a list holds: then each is read on its own, as the lists stop at 200.
   */
  async interviewsToDo(
    actor: Actor,
    audience: Audience,
  ): Promise<{ mine: ListItem[]; due: ListItem[] | null }> {
    const everyone = decide(actor.roles, 'ask-due').allowed;
    const who = await assignedAs(this.db, this.cipher, actor);
    const scope = { everyone, interviewerId: actor.id, ...(who && { assignedAs: who }) };
    const rows = await readDueInterviews(this.db, scope, LIST_LIMIT + 1);
    const { mine, due } =
      rows.length > LIST_LIMIT
        ? await this.readEachOnItsOwn(actor, everyone)
        : await this.claimAmong(actor, who, rows, everyone);
    return {
      mine: await this.dueList(actor, audience, mine, 'my return interviews', true),
      due: due && (await this.dueList(actor, audience, due, 'due list')),
    };
  }

  /** Claims the rows assigned to this person before they used the bot; splits the open ones. */
  private async claimAmong(actor: Actor, who: AssignedAs | null, rows: DueInterviewRow[], everyone: boolean) {
    const pending = who ? rows.filter((row) => isAssignedTo(who, row)) : [];
    const names = await claimEpisodes(this.claimDeps(), actor, pending);
    const open = rows
      .filter((row) => row.open)
      .map((row) => {
        const interviewerName = names.get(row.id);
        return interviewerName ? { ...row, interviewerId: actor.id, interviewerName } : row;
      });
    return { mine: open.filter((row) => row.interviewerId === actor.id), due: everyone ? open : null };
  }

  private async readEachOnItsOwn(actor: Actor, everyone: boolean) {
    await claimAssignedInterviews(this.claimDeps(), actor);
    const read = (all: boolean) =>
      readDueInterviews(this.db, { everyone: all, interviewerId: actor.id }, LIST_LIMIT);
    return { mine: await read(false), due: everyone ? await read(true) : null };
  }

  private claimDeps() {
    return { db: this.db, provider: this.provider, clock: this.clock, cipher: this.cipher };
  }

  private async dueList(
    actor: Actor,
    audience: Audience,
    episodes: DueInterviewRow[],
    detail: string,
    /** The assigned interviewer needs to know whom they are seeing, whatever their role. */
    assigned = false,
  ): Promise<ListItem[]> {
    const now = this.clock.now();
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
        { id: episode.childId, initials: episode.childInitials, nameEnc: episode.childNameEnc },
        episode.reference ?? undefined,
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
      episodes.map((e) => e.childId),
      detail,
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
