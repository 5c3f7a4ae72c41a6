import type { Chronology } from '../../../src/dashboard/chronology';
import { describeChange } from '../../../src/dashboard/chronology';
import { html, table } from '../html';
import type { Viewer } from '../session';
import { capital, day, levelBadge, page, when } from './layout';

export function childPage(viewer: Viewer, chronology: Chronology): string {
  const { child, list, events } = chronology;
  const born = child.dateOfBirth ?? (child.yearOfBirth ? `in ${child.yearOfBirth}` : 'Not recorded');
  return page({
    title: `Chronology for ${child.initials}`,
    viewer,
    body: html`<p class="back"><a href="/dashboard/list">Back to the MET list</a></p>
<h1>${child.name} <span class="initials">(${child.initials})</span></h1>
<p class="notice">You opened this child’s record: this is kept in the audit trail.</p>
<h2>About</h2>
<dl class="facts">
<div><dt>Born</dt><dd>${born}</dd></div>
<div><dt>Gender</dt><dd>${capital(child.gender)}</dd></div>
<div><dt>Ethnicity</dt><dd>${capital(child.ethnicity)}</dd></div>
<div><dt>Lives</dt><dd>${capital(child.accommodation)}${child.inCare ? ' (in care)' : ''}</dd></div>
</dl>
<h2 id="levels">MET list</h2>
${
  list
    ? html`<dl class="facts">
<div><dt>Level</dt><dd>${levelBadge(list.level)}</dd></div>
<div><dt>Status</dt><dd>${capital(list.status)}</dd></div>
<div><dt>Review</dt><dd>${day(list.reviewDate)}</dd></div>
<div><dt>Lead professional</dt><dd>${list.leadProfessional ?? 'Not recorded'}</dd></div>
</dl>
${
  list.history.length
    ? table(
        'Level history, oldest first',
        [
          { head: 'When', cell: (r) => when(r.at) },
          { head: 'Change', cell: (r) => describeChange(r) },
        ],
        list.history,
      )
    : html`<p>No changes recorded.</p>`
}`
    : html`<p>Not on the MET list.</p>`
}
<h2>Chronology</h2>
${
  events.length
    ? table(
        'Everything recorded about this child, oldest first',
        [
          { head: 'When', cell: (r) => when(r.at) },
          { head: 'What', cell: (r) => r.what },
          { head: 'Details', cell: (r) => r.detail || '–' },
          { head: 'Reference', cell: (r) => r.reference ?? '–' },
        ],
        events,
      )
    : html`<p>Nothing recorded yet.</p>`
}`,
  });
}
