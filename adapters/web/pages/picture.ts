import { formatLondon } from '../../../src/domain/london-time';
import type { Period } from '../../../src/links/periods';
import type { ChildNetwork, EntityRow, PlaceRow, ProblemProfile } from '../../../src/links/picture.service';
import { count, html, table } from '../html';
import type { Viewer } from '../session';
import { capital, day, page } from './layout';
import { kindName } from './links';

const named = (e: { value: string; platform?: string }) =>
  `${e.value}${e.platform ? ` (${e.platform})` : ''}`;

/** The places named in most reports over a chosen period: a private view, never in a channel. */
export function placesPage(
  viewer: Viewer,
  places: PlaceRow[],
  period: Period,
  days: { from: string; to: string },
) {
  return page({
    title: 'Places',
    viewer,
    current: 'places',
    body: html`<h1>Places named most</h1>
<p class="lead">${
      places.length
        ? `The ${count(places.length)} place${places.length === 1 ? '' : 's'} named most in reports from ${period.label}.`
        : `No report from ${period.label} names a place.`
    }</p>
<p>Places are counted as the reporter typed them, and postcodes found in any answer. The same place typed two ways is counted twice.</p>
<form method="get" action="/dashboard/places" class="filters"><label for="from">From</label> <input id="from" name="from" type="date" value="${days.from}"> <label for="to">To</label> <input id="to" name="to" type="date" value="${days.to}"> <button type="submit">Show</button></form>
${
  places.length
    ? table(
        `Places named most, ${period.label}`,
        [
          { head: 'Place', cell: (p: PlaceRow) => p.value },
          { head: 'Kind', cell: (p) => kindName[p.kind] ?? capital(p.kind) },
          { head: 'Reports', cell: (p) => count(p.reports), numeric: true },
          { head: 'Children', cell: (p) => count(p.children), numeric: true },
          { head: 'Last named', cell: (p) => day(p.last.toISOString()) },
          { head: 'References', cell: (p) => p.references.join(', ') },
        ],
        places,
      )
    : ''
}`,
  });
}

/** Ask for a report reference to open its child's network. */
export function networkChooserPage(viewer: Viewer) {
  return page({
    title: 'Children’s networks',
    viewer,
    current: 'networks',
    body: html`<h1>Children’s networks</h1>
<p class="lead">See a child with the people, vehicles, phones and online names around them, and other children whose reports name the same ones.</p>
${networkForm('')}`,
  });
}

function networkForm(reference: string) {
  return html`<form method="get" action="/dashboard/networks" class="filters"><label for="reference">Network of the child in report</label> <input id="reference" name="reference" value="${reference}" autocomplete="off"> <button type="submit">Show</button></form>`;
}

export function networkPage(viewer: Viewer, network: ChildNetwork) {
  return page({
    title: `Network of ${network.initials}`,
    viewer,
    current: 'networks',
    body: html`<h1>Network of ${network.initials}</h1>
<p class="lead">${count(network.reports.length)} report${network.reports.length === 1 ? '' : 's'} about ${network.initials}; ${
      network.others.length
        ? `${count(network.others.length)} other child${network.others.length === 1 ? '' : 'ren'} linked through who or what is around them.`
        : 'no other child is linked through who or what is around them.'
    }</p>
<p>A shared name, vehicle, phone or online name is a possibility to look at, not a finding. <a href="/dashboard/child/${network.childId}">See ${network.initials}’s chronology</a>.</p>
<h2>Around ${network.initials}</h2>
${
  network.around.length
    ? table(
        `People, vehicles, phones and online names in reports about ${network.initials}`,
        [
          { head: 'Kind', cell: (e: ChildNetwork['around'][number]) => kindName[e.kind] ?? capital(e.kind) },
          { head: 'Named as', cell: named },
          { head: 'Given under', cell: (e) => fieldName[e.field ?? ''] ?? 'Other answers' },
          { head: 'Reports', cell: (e) => e.references.join(', ') },
        ],
        network.around,
      )
    : html`<p>No report about ${network.initials} names a person, vehicle, phone or online name.</p>`
}
<h2>Other children linked through them</h2>
${
  network.others.length
    ? table(
        `Other children linked to ${network.initials}`,
        [
          {
            head: 'Child',
            cell: (o: ChildNetwork['others'][number]) =>
              html`<a href="/dashboard/child/${o.childId}">${o.initials}</a>`,
          },
          {
            head: 'Through',
            cell: (o) => o.through.map((t) => `${kindName[t.kind] ?? capital(t.kind)} ${t.value}`).join('; '),
          },
          { head: 'Their reports', cell: (o) => o.references.join(', ') },
        ],
        network.others,
      )
    : html`<p>None.</p>`
}
${networkForm('')}`,
  });
}

const fieldName: Record<string, string> = {
  personsOfConcern: 'Persons of concern',
  personsOfConcernList: 'Persons of concern',
  associates: 'Associates',
  associatesList: 'Associates',
  vehicleList: 'Vehicles',
  phoneList: 'Phones and online',
  onlineNameList: 'Phones and online',
  placeList: 'Places',
  vehicles: 'Vehicles',
  phonesAndOnline: 'Phones and online',
  whatHappened: 'What happened',
};

/** The quarterly problem profile, printable; the same as the XLSX. */
export function profilePage(
  viewer: Viewer,
  profile: ProblemProfile,
  quarters: string[],
  quarter: string,
  madeAt: Date,
) {
  const { period } = profile;
  return page({
    title: `Problem profile ${quarter}`,
    viewer,
    current: 'profile',
    scripts: ['pack.js'],
    body: html`<h1>Problem profile: ${period.label}</h1>
<p class="lead">Victims, perpetrators, locations and intelligence gaps from the reports of the quarter. Made ${formatLondon(madeAt)}. OFFICIAL-SENSITIVE.</p>
<form method="get" action="/dashboard/profile" class="filters no-print"><label for="quarter">Quarter</label> <select id="quarter" name="quarter">${quarters.map(
      (q) => html`<option value="${q}"${q === quarter ? html` selected` : ''}>${q}</option>`,
    )}</select> <button type="submit">Show</button></form>
<div class="actions no-print"><button type="button" data-print>Print this profile</button>
<a href="/dashboard/profile.xlsx?quarter=${quarter}" download>Download it as a spreadsheet (Excel, XLSX)</a></div>
${profileSections(profile).map(
  (section) => html`<section class="group" aria-labelledby="p-${section.id}">
<h2 id="p-${section.id}">${section.title}</h2>
${section.note ? html`<p>${section.note}</p>` : ''}
${
  section.rows.length
    ? table(
        section.title,
        section.columns.map((head, i) => ({ head, cell: (row: string[]) => row[i] ?? '' })),
        section.rows,
        {
          hideCaption: true,
        },
      )
    : html`<p>${section.empty}</p>`
}
</section>`,
)}`,
  });
}

export interface ProfileSection {
  id: string;
  title: string;
  note?: string;
  columns: string[];
  rows: string[][];
  empty: string;
}

const entityTable = (rows: EntityRow[], withKind = false) =>
  rows.map((e) => [
    ...(withKind ? [kindName[e.kind] ?? capital(e.kind)] : []),
    named(e),
    String(e.reports),
    String(e.children),
    e.references.join(', '),
  ]);

/**
 * The profile's sections, shared by the page and the workbook, under the strategy's headings:
 * "Information on victims, perpetrators, locations and intelligence gaps" (section E).
 */
export function profileSections(profile: ProblemProfile): ProfileSection[] {
  const entityHeads = ['Named as', 'Reports', 'Children', 'References'];
  return [
    {
      id: 'victims',
      title: '1. Victims',
      note: 'Children named in reports this quarter, by initials.',
      columns: ['Child', 'Reports', 'Agencies', 'In a possible link'],
      rows: profile.victims.map((v) => [
        v.initials,
        String(v.reports),
        v.agencies.join(', ') || 'Not recorded',
        v.linked ? 'Yes' : 'No',
      ]),
      empty: 'No report this quarter names a child.',
    },
    {
      id: 'perpetrators',
      title: '2. Suspected perpetrators',
      note: 'Names and nicknames given as persons of concern.',
      columns: entityHeads,
      rows: entityTable(profile.perpetrators),
      empty: 'No person of concern was named by name or nickname.',
    },
    {
      id: 'vehicles',
      title: '2a. Vehicles',
      columns: entityHeads,
      rows: entityTable(profile.vehicles),
      empty: 'No vehicle registration was given.',
    },
    {
      id: 'phones',
      title: '2b. Phones and online names',
      columns: ['Kind', ...entityHeads],
      rows: entityTable(profile.phonesAndOnline, true),
      empty: 'No phone number or online name was given.',
    },
    {
      id: 'locations',
      title: '3. Locations',
      note: 'The places and postcodes named most.',
      columns: ['Kind', ...entityHeads],
      rows: entityTable(profile.places, true),
      empty: 'No place was named.',
    },
    {
      id: 'gaps',
      title: '4. Intelligence gaps',
      columns: ['Gap', 'How many', 'Which'],
      rows: profile.gaps.map((g) => [g.title, String(g.items.length), g.items.join(', ') || 'None']),
      empty: 'No gaps found.',
    },
  ];
}
