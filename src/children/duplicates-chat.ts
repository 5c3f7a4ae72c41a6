import type { Actor } from '../access/actor';
import { NotPossibleError } from '../access/refusal';
import { fill, type Messages } from '../conversation/prompts';
import { type ListReply, type Reply, text } from '../conversation/reply';
import { formatLondon } from '../domain/london-time';
import { referencePattern } from '../domain/references';
import type { ChildSide, DuplicatesService, SameChildQuestion } from './duplicates.service';

/** The draft id the reporter's open "same child?" question is kept under, one per place. */
export const SAME_CHILD = 'same-child';

export interface SameChildState {
  pairId: string;
}

type Words = Messages['children'];

/** `duplicates`, `merge <ref> <ref>`, `keep-apart <ref> <ref>`, `unmerge <ref>`: MET members, in private. */
export async function duplicatesCommand(
  duplicates: DuplicatesChatService,
  messages: Messages,
  actor: Actor,
  words: string[],
): Promise<Reply[]> {
  const say = messages.children;
  const [verb, ...rest] = words;
  const refs = rest.map((word) => word.toUpperCase());
  if (refs.some((ref) => !referencePattern.test(ref))) return [text(say.usage)];
  try {
    switch (verb) {
      case 'duplicates':
        return [queue(say, await duplicates.open(actor))];
      case 'merge': {
        if (refs.length !== 2) return [text(say.usage)];
        const done = await duplicates.merge(actor, refs[0]!, refs[1]!);
        return [text(fill(say.merged, { ...done }), 'success')];
      }
      case 'keep-apart': {
        if (refs.length !== 2) return [text(say.usage)];
        await duplicates.keepApart(actor, refs[0]!, refs[1]!);
        return [text(fill(say.keptApart, { first: refs[0]!, second: refs[1]! }), 'success')];
      }
      case 'unmerge': {
        if (refs.length !== 1) return [text(say.usage)];
        const done = await duplicates.unmerge(actor, refs[0]!);
        const [first = '', second = ''] = done.references;
        return [text(fill(say.unmerged, { first, second }), 'success')];
      }
      default:
        return [text(say.usage)];
    }
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}

/** What the duplicates' chat needs of the DuplicatesService. */
export type DuplicatesChatService = Pick<
  DuplicatesService,
  'open' | 'merge' | 'unmerge' | 'keepApart' | 'answer'
>;

function queue(say: Words, pairs: Awaited<ReturnType<DuplicatesService['open']>>): ListReply {
  const side = (s: ChildSide) =>
    [s.name ? `${s.name} (${s.initials})` : s.initials, s.born, s.references.join(', ')]
      .filter(Boolean)
      .join(', ');
  return {
    kind: 'list',
    title: say.title,
    empty: `${say.empty} ${say.usage}`,
    items: pairs.map((pair) => {
      const [a = '', b = ''] = [pair.child.references[0], pair.known.references[0]];
      return {
        title: `${pair.child.initials} ${a} · ${pair.known.initials} ${b}`,
        fields: [
          { label: 'New record', value: side(pair.child) },
          { label: 'Known child', value: side(pair.known) },
          { label: 'Why', value: reasonsIn(say, pair.reasons) },
          { label: 'Raised', value: formatLondon(pair.raisedAt) },
          { label: 'To decide', value: `merge ${a} ${b}, or keep-apart ${a} ${b}` },
        ],
      };
    }),
  };
}

export function reasonsIn(say: Words, reasons: string[]): string {
  const words = reasons.map((reason) => say.reasons[reason] ?? reason);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
}

/** The question put to the reporter right after their report was saved. */
export function sameChildQuestion(messages: Messages, question: SameChildQuestion): Reply {
  const say = messages.children;
  return text(fill(say.question, { known: question.known, reasons: reasonsIn(say, question.reasons) }));
}

/** The reporter's answer to "Is this the same child as …?": yes, no, or not sure. */
export async function answerSameChild(
  duplicates: DuplicatesChatService,
  messages: Messages,
  actor: Actor,
  state: SameChildState,
  typed: string,
): Promise<{ done: boolean; replies: Reply[] }> {
  const say = messages.children;
  const answer = typed
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  const same = ['yes', 'y', 'same', 'yes it is'].includes(answer);
  const different = ['no', 'n', 'different', 'no it is not', "no it isn't"].includes(answer);
  if (['not sure', 'unsure', "don't know", 'dont know', 'skip', 'cancel'].includes(answer)) {
    return { done: true, replies: [text(say.answeredUnsure)] };
  }
  if (!same && !different) return { done: false, replies: [text(say.questionAgain, 'warning')] };
  try {
    const done = await duplicates.answer(actor, state.pairId, same);
    return {
      done: true,
      replies: [
        same
          ? text(fill(say.answeredSame, { reference: done.reference }), 'success')
          : text(say.answeredDifferent, 'success'),
      ],
    };
  } catch (error) {
    if (error instanceof NotPossibleError) return { done: true, replies: [text(error.message, 'warning')] };
    throw error;
  }
}
