import type { Actor } from '../access/actor';
import { fill, type Messages } from '../conversation/prompts';
import { type ListItem, type ListReply, type Reply, text } from '../conversation/reply';
import { formatLondon } from '../domain/london-time';
import { decide } from '../domain/policy';
import type { ListQueries, Paged } from '../lists/list-queries';

/**
 * The MET list, missing now and repeat missing in chat: a page of the same query the dashboard
 * and the API read (src/lists/list-queries.ts), "Showing 1–20 of 57. Type *more* …" under it, and
 * `more` for the next page. Each row is titled with the initials and the reference that the next
 * command takes; a child's name is added only in a private place, for a role that may see it.
 */

export const CHAT_PAGE_SIZE = 20;

/** The conversation key under which the last list waits for `more`. */
export const LIST_PAGE = 'list-page';

export type ListName = 'met' | 'missing' | 'repeat';

export interface ListPageState {
  list: ListName;
  level?: 'high' | 'medium' | 'low';
  page: number;
}

interface Deps {
  lists: ListQueries;
  messages: Messages;
}

/** The replies for one page, and whether a further page waits. */
export async function listPage(
  deps: Deps,
  actor: Actor,
  audience: { private: boolean },
  state: ListPageState,
): Promise<{ replies: Reply[]; more: boolean }> {
  const { lists, messages } = deps;
  const { page } = state;
  const replies: Reply[] = [];
  let shown: Paged<{ childId: string }>;
  let items: ListItem[];
  if (state.list === 'met') {
    const result = await lists.metList(
      actor,
      { level: state.level ?? '', agency: '', review: '' },
      page,
      CHAT_PAGE_SIZE,
    );
    shown = result;
    items = result.rows.map((row) => ({
      title: titled(row.initials, row.reference),
      fields: [
        { label: 'Level', value: row.level ?? 'not set' },
        {
          label: 'Status',
          value: row.status === 'nominated' ? 'Nominated, not yet reviewed' : 'On the list',
        },
        { label: 'Review', value: row.reviewDate ? formatLondon(new Date(row.reviewDate)) : 'Not set' },
      ],
    }));
    replies.push(listReply(messages, 'metListTitle', 'metListEmpty', items));
    if (page === 1) {
      const proposed = (await lists.proposals(actor)).filter(
        (row) => !state.level || row.proposedLevel === state.level,
      );
      if (proposed.length) {
        replies.push(
          listReply(
            messages,
            'metListProposedTitle',
            'metListEmpty',
            proposed.map((row) => ({
              title: titled(row.initials, row.reference),
              fields: [
                { label: 'Suggested level', value: row.proposedLevel ?? 'none' },
                { label: 'Proposed', value: formatLondon(new Date(row.proposedAt)) },
              ],
            })),
          ),
        );
      }
    }
  } else if (state.list === 'missing') {
    const result = await lists.missingNow(actor, page, CHAT_PAGE_SIZE);
    shown = result;
    items = result.rows.map((row) => ({
      title: titled(row.initials, row.reference),
      fields: [
        { label: 'Last seen', value: formatLondon(new Date(row.lastSeenAt)) },
        { label: 'Missing for', value: row.missingFor },
      ],
    }));
    replies.push(listReply(messages, 'missingNowTitle', 'missingNowEmpty', items));
  } else {
    const result = await lists.repeatMissing(actor, page, CHAT_PAGE_SIZE);
    const { threshold, days } = lists.repeatSettings;
    shown = result;
    items = result.rows.map((row) => ({
      title: titled(row.initials, row.reference),
      fields: [{ label: `Times in ${days} days`, value: String(row.times) }],
    }));
    replies.push(listReply(messages, 'repeatTitle', 'repeatEmpty', items, { threshold, days }));
  }
  if (audience.private && decide(actor.roles, 'view-child-details').allowed && items.length) {
    const names = await lists.namesOf(
      actor,
      shown.rows.map((row) => row.childId),
    );
    shown.rows.forEach((row, i) => {
      const name = names.get(row.childId);
      if (name) items[i]!.fields.unshift({ label: 'Name', value: name });
    });
  }
  const from = (page - 1) * CHAT_PAGE_SIZE + 1;
  const to = from + shown.rows.length - 1;
  const more = to < shown.total;
  if (more) {
    const next = Math.min(CHAT_PAGE_SIZE, shown.total - to);
    replies.push(text(fill(messages.lists.pageMore!, { from, to, total: shown.total, next })));
  } else if (page > 1 && shown.rows.length) {
    replies.push(text(fill(messages.lists.pageLast!, { from, to, total: shown.total })));
  }
  return { replies, more };
}

const titled = (initials: string, reference: string | null) =>
  reference ? `${initials} · ${reference}` : initials;

/** A list titled and with its empty words from prompts/messages.yaml `lists:`. */
export function listReply(
  messages: Messages,
  titleKey: string,
  emptyKey: string,
  items: ListItem[],
  vars: Record<string, string | number> = {},
): ListReply {
  return {
    kind: 'list',
    title: fill(messages.lists[titleKey] ?? titleKey, vars),
    items,
    empty: messages.lists[emptyKey] ?? '',
  };
}
