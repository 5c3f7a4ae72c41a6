import type { Actor } from '../access/actor';
import { NotPossibleError } from '../access/refusal';
import { type Reply, text } from '../conversation/reply';
import { formatLondon } from '../domain/london-time';
import { referencePattern } from '../domain/references';
import type { LinkService, LinkView } from './links.service';

const kindWords: Record<string, string> = {
  vehicle: 'vehicle',
  phone: 'phone',
  handle: 'online name',
  postcode: 'postcode',
  person: 'name or nickname',
};

/**
 * `links`, `links <reference>`, `links confirm <code>`, `links dismiss <code>`: MET members only,
 * in a private chat (the answer names the vehicle, phone or nickname).
 */
/** What the links' chat needs of the LinkService. */
export type LinksChatService = Pick<LinkService, 'list' | 'decide'>;

export async function linksCommand(links: LinksChatService, actor: Actor, words: string[]): Promise<Reply[]> {
  try {
    return await answer(links, actor, words);
  } catch (error) {
    if (error instanceof NotPossibleError) return [text(error.message, 'warning')];
    throw error;
  }
}

async function answer(links: LinksChatService, actor: Actor, words: string[]): Promise<Reply[]> {
  const [verb, code] = words;
  if (verb === 'confirm' || verb === 'dismiss') {
    if (!code) return [text(`Which link? Type *links ${verb} <code>*, with the code *links* shows.`)];
    const link = await links.decide(actor, code, verb === 'confirm' ? 'confirmed' : 'dismissed');
    return [
      text(
        verb === 'confirm'
          ? `Link ${link.code} is confirmed. It is kept with the reports it joins.`
          : `Link ${link.code} is dismissed. It will not be raised again for these children.`,
        'success',
      ),
    ];
  }
  const reference = verb?.toUpperCase();
  if (reference && !referencePattern.test(reference)) {
    return [
      text('Type *links* for the newest links, or *links <reference>*, such as *links INT-2026-000123*.'),
    ];
  }
  return [linksReply(await links.list(actor, reference), reference)];
}

function linksReply(links: LinkView[], reference: string | undefined): Reply {
  return {
    kind: 'list',
    title: reference ? `Links joining ${reference}` : 'Possible links between reports',
    empty: reference
      ? `No link joins ${reference}.`
      : 'No report has been linked to a report about another child.',
    items: links.slice(0, 10).map((link) => ({
      title: `${link.code} · ${link.kinds.map((k) => kindWords[k] ?? k).join(', ')} · ${link.decided ?? 'open'}`,
      fields: [
        ...link.entities.map((e) => ({
          label: kindWords[e.kind] ?? e.kind,
          value: `${e.value}${e.platform ? ` (${e.platform})` : ''}${e.alsoGivenAs ? `, also given as ${e.alsoGivenAs.join(', ')}` : ''}: ${e.references.join(', ')}`,
        })),
        ...link.reports.map((r) => ({
          label: r.reference,
          value: `${r.initials}, ${r.agency ?? 'agency not recorded'}, ${formatLondon(r.at)}`,
        })),
        ...(link.status === 'open'
          ? [{ label: 'To decide', value: `links confirm ${link.code} or links dismiss ${link.code}` }]
          : []),
      ],
    })),
  };
}
