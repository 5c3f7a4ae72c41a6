import type { LinkView } from '../../../src/links/links.service';
import { count, html, table } from '../html';
import type { Viewer } from '../session';
import { capital, page, when } from './layout';

export const kindName: Record<string, string> = {
  vehicle: 'Vehicle',
  phone: 'Phone',
  handle: 'Online name',
  postcode: 'Postcode',
  person: 'Name or nickname',
  place: 'Place',
};

/**
 * Possible links between reports about different children: each with the entities that join
 * them, the children (initials), reports and agencies, and a timeline. A private view: the
 * entities are shown here and never in a channel.
 */
export function linksPage(viewer: Viewer, links: LinkView[], reference: string | null): string {
  const mayDecide = viewer.actor.roles.includes('met-member');
  const summary =
    links.length === 0
      ? reference
        ? `No link joins ${reference}.`
        : 'No report has been linked to a report about another child.'
      : `${count(links.length)} possible link${links.length === 1 ? '' : 's'}${reference ? ` joining ${reference}` : ''}, the newest first.`;
  return page({
    title: 'Links',
    viewer,
    current: 'links',
    body: html`<h1>Links between reports</h1>
<p class="lead">${summary}</p>
<p>A link is raised when the same vehicle, phone number, online name, postcode or nickname appears in reports about two or more children, or in a report about a child and one naming no child. It is a possibility to look at, not a finding.</p>
<form method="get" action="/dashboard/links"><label for="reference">Links for one report</label> <input id="reference" name="reference" value="${reference ?? ''}" autocomplete="off"> <button type="submit">Show</button></form>
${links.map((link) => linkSection(link, mayDecide))}`,
  });
}

function linkSection(link: LinkView, mayDecide: boolean) {
  const children = new Set(link.reports.flatMap((r) => (r.childId ? [r.childId] : []))).size;
  const unnamed = link.reports.filter((r) => !r.childId).length;
  return html`<section class="link" aria-labelledby="link-${link.code}">
<h2 id="link-${link.code}">Link ${link.code}: ${link.kinds.map((k) => kindName[k] ?? capital(k)).join(', ')}, ${count(children)} children${unnamed ? `, ${unnamed === 1 ? 'a report' : `${unnamed} reports`} naming no child` : ''}</h2>
<p>${link.decided ?? 'Open: nobody has confirmed or dismissed it yet.'}</p>
${table(
  `What joins link ${link.code}`,
  [
    { head: 'Kind', cell: (e) => kindName[e.kind] ?? capital(e.kind) },
    {
      head: 'Value',
      cell: (e) =>
        `${e.value}${e.platform ? ` (${e.platform})` : ''}${e.alsoGivenAs ? `; also given as ${e.alsoGivenAs.join(', ')}` : ''}`,
    },
    { head: 'Reports', cell: (e) => e.references.join(', ') },
  ],
  link.entities,
)}
${table(
  `Timeline of link ${link.code}`,
  [
    { head: 'When', cell: (r) => when(r.at.toISOString()) },
    {
      head: 'Report',
      cell: (r) => html`<a href="/dashboard/links?reference=${r.reference}">${r.reference}</a>`,
    },
    { head: 'Type', cell: (r) => capital(r.type) },
    {
      head: 'Child',
      cell: (r) =>
        r.childId ? html`<a href="/dashboard/child/${r.childId}">${r.initials}</a>` : 'No child named',
    },
    {
      head: 'Network',
      cell: (r) =>
        r.childId
          ? html`<a href="/dashboard/networks/${r.childId}">Network<span class="visually-hidden"> of ${r.initials}</span></a>`
          : '',
    },
    { head: 'Agency', cell: (r) => r.agency ?? 'Not recorded' },
  ],
  link.reports,
)}
${
  mayDecide && link.status === 'open'
    ? html`<div class="actions">
<form method="post" action="/dashboard/links/${link.code}/confirm"><button type="submit">Confirm<span class="visually-hidden"> link ${link.code}</span></button></form>
<form method="post" action="/dashboard/links/${link.code}/dismiss"><button type="submit">Dismiss<span class="visually-hidden"> link ${link.code}</span></button></form>
</div>`
    : ''
}
</section>`;
}
