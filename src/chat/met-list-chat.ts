import type { Actor } from '../access/actor';
import { NotPossibleError } from '../access/refusal';
import { parseAnswer } from '../conversation/answer-parsers';
import type { Messages } from '../conversation/prompts';
import { type ListReply, type Reply, text } from '../conversation/reply';
import type { Clock } from '../domain/clock';
import { formatLondon } from '../domain/london-time';
import type { RiskLevel } from '../domain/risk';
import { type MetListChange, turned18 } from '../met-list/met-list-change';
import { whereItWent } from './confirmation';
import type { ChatMetList } from './ports';

const usage =
  'MET list commands (MET members): *nominate <reference> <high|medium|low> <reason>*, *accept <reference> [high|medium|low]*, ' +
  '*decline <reference> <reason>*, *level <reference> <high|medium|low> <reason>*, *review <reference> [date]*, ' +
  '*remove <reference> <reason>*, *history <reference>*. The reference is any report about the child.';

const levels = ['high', 'medium', 'low'];

function done(change: MetListChange, messages?: Messages): Reply[] {
  const level = change.level ? `, ${change.level} risk` : '';
  const review = change.reviewDate ? `, review by ${formatLondon(change.reviewDate).split(',')[0]}` : '';
  const statuses: Record<string, string> = {
    proposed: 'proposed for the MET list, for the group to decide',
    nominated: 'nominated for the MET list',
    active: 'on the MET list',
  };
  const status = statuses[change.status] ?? `${change.status} from the MET list`;
  const said = text(
    `${change.initials} is now ${status}${level}${review}. Recorded as ${change.reference}.`,
    'success',
  );
  return messages ? [said, text(whereItWent(change.sentTo, messages))] : [said];
}

/** Removal prompts the handover: adult services at 18, the new area after a move. */
function handoverFor(reason: string, messages: Messages): string | null {
  if (turned18(reason)) return messages.metGroup.handoverAdult;
  if (/\bmov(ed|ing)\b|\brelocat|\bnew area\b|out of (the )?area/i.test(reason))
    return messages.metGroup.handoverMoved;
  return null;
}

/** The MET group's list changes in chat: `level MIS-2026-000004 high Seen with older males again`. */
export async function metListCommand(
  deps: { metList: ChatMetList; clock: Clock; messages: Messages },
  actor: Actor,
  words: string[],
): Promise<Reply[]> {
  const [typedVerb = '', reference, ...rest] = words;
  const verb = typedVerb.toLowerCase();
  if (!reference) return [text(usage)];
  const child = { reference };
  const { metList } = deps;
  try {
    switch (verb) {
      case 'nominate':
      case 'level': {
        const [typedLevel = '', ...reason] = rest;
        const level = typedLevel.toLowerCase();
        if (!levels.includes(level)) return [text(usage)];
        const input = { child, level: level as RiskLevel, reason: reason.join(' ') };
        return done(
          verb === 'nominate' ? await metList.nominate(actor, input) : await metList.setLevel(actor, input),
          deps.messages,
        );
      }
      case 'accept': {
        const typed = rest[0]?.toLowerCase() ?? '';
        if (typed && !levels.includes(typed)) return [text(usage)];
        const level = typed ? (typed as RiskLevel) : undefined;
        return done(await metList.accept(actor, { child, ...(level && { level }) }), deps.messages);
      }
      case 'decline':
        return done(await metList.decline(actor, { child, reason: rest.join(' ') }), deps.messages);
      case 'remove': {
        const reason = rest.join(' ');
        const removed = done(await metList.remove(actor, { child, reason }), deps.messages);
        const handover = handoverFor(reason, deps.messages);
        return handover ? [...removed, text(handover)] : removed;
      }
      case 'review': {
        let reviewDate: Date | undefined;
        if (rest.length) {
          const parsed = parseAnswer('date', rest.join(' '), [], new Date(8640000000000));
          if (!parsed.ok) return [text(parsed.reason, 'warning')];
          reviewDate = new Date(`${parsed.value}T09:00:00Z`);
        }
        return done(await metList.setReview(actor, { child, reviewDate }), deps.messages);
      }
      case 'history': {
        const items = await metList.history(actor, child);
        const list: ListReply = {
          kind: 'list',
          title: `MET list history for ${reference.toUpperCase()}`,
          empty: 'No changes yet.',
          items: items.map((item) => ({
            title: `${formatLondon(item.at)} · ${item.by}`,
            fields: [
              { label: 'Change', value: `${item.fromStatus ?? 'new'} → ${item.toStatus}` },
              { label: 'Level', value: `${item.fromLevel ?? '–'} → ${item.toLevel ?? '–'}` },
              { label: 'Why', value: item.reason },
            ],
          })),
        };
        return [list];
      }
      default:
        return [text(usage)];
    }
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}
