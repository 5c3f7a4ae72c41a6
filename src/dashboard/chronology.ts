import { type Actor, auditAs } from '../access/actor';
import { NotFoundError } from '../access/problems';
import { authorise } from '../access/refusal';
import { openEthnicity, openInitials, openYearOfBirth } from '../children/demographics';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import type { Db, Provider } from '../store/database';
import type { FieldCipher } from '../store/field-crypto';

/** A child's chronology: every episode, report, check, interview and level change, in time order. */

export interface ChronologyEvent {
  at: string;
  what: string;
  detail: string;
  reference: string | null;
}

export interface Chronology {
  child: {
    id: string;
    initials: string;
    name: string;
    dateOfBirth: string | null;
    yearOfBirth: number | null;
    gender: string | null;
    ethnicity: string | null;
    accommodation: string | null;
    inCare: boolean;
  };
  list: {
    status: string;
    level: string | null;
    reviewDate: string | null;
    leadProfessional: string | null;
    history: {
      at: string;
      from: string | null;
      to: string | null;
      fromStatus: string | null;
      toStatus: string;
      reason: string;
    }[];
  } | null;
  events: ChronologyEvent[];
}

const recordNames: Record<string, string> = { intelligence: 'Intelligence report' };

/** Everything known about one child, in time order. Opening it is audited. */
export async function readChronology(
  deps: { db: Db; provider: Provider; cipher: FieldCipher; clock: Clock },
  actor: Actor,
  childId: string,
): Promise<Chronology> {
  authorise(actor, 'view-child-details');
  const person = await deps.db.person.findFirst({
    where: { id: childId, kind: 'child' },
    include: { metEntry: { include: { history: { orderBy: [{ changedAt: 'asc' }, { id: 'asc' }] } } } },
  });
  if (!person) throw new NotFoundError('child');
  const [episodes, records, checks] = await Promise.all([
    deps.db.missingEpisode.findMany({ where: { childId }, orderBy: { lastSeenAt: 'asc' }, take: 1000 }),
    deps.db.record.findMany({
      where: { childId },
      orderBy: { createdAt: 'asc' },
      take: 1000,
      select: { id: true, reference: true, type: true, createdAt: true, agencyId: true },
    }),
    deps.db.riskCheck.findMany({ where: { childId }, orderBy: { createdAt: 'asc' }, take: 1000 }),
  ]);
  const agencyIds = [...new Set(records.map((r) => r.agencyId).filter((id): id is string => id !== null))];
  const agencies = new Map(
    (await deps.db.agency.findMany({ where: { id: { in: agencyIds } } })).map((a) => [a.id, a.name]),
  );
  const references = new Map(records.map((r) => [r.id, r.reference]));
  const events: ChronologyEvent[] = [];
  const event = (at: Date, what: string, detail: string, reference: string | null = null) =>
    events.push({ at: at.toISOString(), what, detail, reference });

  for (const record of records) {
    // Episodes, checks and list changes are shown from their own tables below, with more detail.
    if (['missing', 'return', 'risk-check', 'met-list-change', 'return-interview'].includes(record.type))
      continue;
    const from = record.agencyId ? agencies.get(record.agencyId) : undefined;
    event(
      record.createdAt,
      recordNames[record.type] ?? record.type,
      from ? `From ${from}` : '',
      record.reference,
    );
  }
  for (const e of episodes) {
    const reference = references.get(e.missingRecordId) ?? null;
    const interviewer = deps.cipher.openOptional(
      'MissingEpisode',
      'interviewerName',
      e.id,
      e.interviewerName,
    );
    event(e.lastSeenAt, 'Went missing', `From ${e.missingFrom.replace(/-/g, ' ')}`, reference);
    if (e.returnedAt) {
      const due = e.interviewDueAt ? `; interview due by ${formatLondon(e.interviewDueAt)}` : '';
      event(
        e.returnedAt,
        'Returned',
        `Safe and well check ${e.safeAndWellAt ? 'done' : 'not recorded'}${due}`,
        reference,
      );
    }
    if (e.interviewOfferedAt) {
      event(
        e.interviewOfferedAt,
        'Return interview offered',
        interviewer ? `By ${interviewer}` : '',
        reference,
      );
    }
    if (e.interviewCompletedAt) {
      event(
        e.interviewCompletedAt,
        'Return interview done',
        interviewer ? `By ${interviewer}` : '',
        reference,
      );
    } else if (e.interviewOutcome === 'declined' || e.interviewOutcome === 'not-offered') {
      event(
        e.updatedAt,
        e.interviewOutcome === 'declined' ? 'Return interview declined' : 'Return interview not offered',
        '',
        reference,
      );
    }
  }
  for (const check of checks) {
    const level = check.chosenLevel ?? check.level;
    const chosen = check.chosenLevel
      ? ` (suggested ${check.level}; the practitioner chose ${check.chosenLevel})`
      : '';
    event(
      check.createdAt,
      `${checkName(check.check)} risk check`,
      `Level ${level}${chosen}`,
      references.get(check.recordId) ?? null,
    );
  }
  const entry = person.metEntry;
  for (const change of entry?.history ?? []) {
    event(change.changedAt, 'MET list', describeChange(change), null);
  }
  events.sort((a, b) => a.at.localeCompare(b.at));

  await deps.db.$transaction(async (tx) => {
    await auditAs(tx, deps.provider, actor, {
      action: 'read',
      recordType: 'person',
      recordId: person.id,
      detail: 'chronology',
      at: deps.clock.now(),
    });
  });
  return {
    child: {
      id: person.id,
      initials: openInitials(deps.cipher, person),
      name: deps.cipher.open('Person', 'nameEnc', person.id, person.nameEnc),
      dateOfBirth: deps.cipher.openOptional('Person', 'dateOfBirthEnc', person.id, person.dateOfBirthEnc),
      yearOfBirth: openYearOfBirth(deps.cipher, person),
      gender: person.gender,
      ethnicity: openEthnicity(deps.cipher, person),
      accommodation: person.accommodation,
      inCare: person.inCare,
    },
    list: entry
      ? {
          status: entry.status,
          level: entry.level,
          reviewDate: entry.reviewDate?.toISOString() ?? null,
          leadProfessional: deps.cipher.openOptional(
            'MetListEntry',
            'leadProfessional',
            entry.id,
            entry.leadProfessional,
          ),
          history: entry.history.map((change) => ({
            at: change.changedAt.toISOString(),
            from: change.fromLevel,
            to: change.toLevel,
            fromStatus: change.fromStatus,
            toStatus: change.toStatus,
            reason: deps.cipher.open('MetLevelChange', 'reason', change.id, change.reason),
          })),
        }
      : null,
    events,
  };
}

function checkName(check: string): string {
  return check === 'cse'
    ? 'Exploitation'
    : check === 'missing'
      ? 'Missing'
      : check === 'trafficking'
        ? 'Trafficking'
        : check;
}

const statusWords: Record<string, string> = {
  nominated: 'Nominated',
  active: 'On the list',
  declined: 'Not accepted',
  removed: 'Taken off the list',
};

/** "Raised from medium to high: reason", "Nominated at high: reason". */
export function describeChange(change: {
  fromLevel?: string | null;
  from?: string | null;
  toLevel?: string | null;
  to?: string | null;
  fromStatus?: string | null;
  toStatus: string;
  reason: string;
}): string {
  const from = change.fromLevel ?? change.from ?? null;
  const to = change.toLevel ?? change.to ?? null;
  let words: string;
  if (change.toStatus !== change.fromStatus && change.toStatus !== 'active') {
    words = `${statusWords[change.toStatus] ?? change.toStatus}${to && change.toStatus === 'nominated' ? ` at ${to}` : ''}`;
  } else if (from && to && from !== to) {
    const up = ['low', 'medium', 'high'].indexOf(to) > ['low', 'medium', 'high'].indexOf(from);
    words = `${up ? 'Raised' : 'Lowered'} from ${from} to ${to}`;
  } else if (change.toStatus === 'active' && change.fromStatus !== 'active') {
    words = `Accepted onto the list${to ? ` at ${to}` : ''}`;
  } else {
    words = `Level ${to ?? 'not set'}`;
  }
  return change.reason ? `${words}: ${change.reason}` : words;
}
