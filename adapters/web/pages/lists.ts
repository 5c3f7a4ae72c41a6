import { describeChange } from '../../../src/dashboard/chronology';
import { decide } from '../../../src/domain/policy';
import type {
  DueRow,
  ListFilters,
  ListRow,
  MissingRow,
  Paged,
  ProposalRow,
  RepeatRow,
} from '../../../src/lists/list-queries';
import { count, html, pager, table } from '../html';
import type { Viewer } from '../session';
import { capital, day, dayText, levelBadge, page, when } from './layout';

const childLink = (row: { childId: string; initials: string }) =>
  html`<a href="/dashboard/child/${row.childId}">${row.initials}<span class="visually-hidden">: open this child’s chronology</span></a>`;

export function duePage(viewer: Viewer, due: Paged<DueRow> & { overdue: number }): string {
  const summary =
    due.total === 0
      ? 'No return interviews are outstanding.'
      : `${count(due.total)} to do, ${count(due.overdue)} of them overdue. The most overdue come first.`;
  return page({
    title: 'Return interviews due',
    viewer,
    current: 'due',
    body: html`<h1>Return interviews due</h1>
<p class="lead">${summary}</p>
<p>An independent return interview is offered within 72 hours of a child’s return (DfE, 2014).</p>
${
  due.total
    ? table(
        'Children who have returned and have not had their return interview',
        [
          { head: 'Child', cell: childLink },
          { head: 'Reference', cell: (r) => r.reference ?? '–' },
          {
            head: 'Time left',
            cell: (r) =>
              r.overdue
                ? html`<span class="badge badge-overdue">Overdue</span> ${r.timeLeft}`
                : r.offeredAt
                  ? // Offered in time: the 72 hours are met, whatever the outcome (DfE 2014).
                    html`<span class="badge">Offered</span> offer again if declined`
                  : html`<span class="badge">Due</span> ${r.timeLeft}`,
          },
          { head: 'Due by', cell: (r) => when(r.dueAt) },
          { head: 'Returned', cell: (r) => when(r.returnedAt) },
          { head: 'Interviewer', cell: (r) => r.interviewer ?? 'Not assigned yet' },
          { head: 'Offered', cell: (r) => (r.offeredAt ? when(r.offeredAt) : 'Not yet') },
        ],
        due.rows,
      )
    : ''
}
${pager('/dashboard', {}, due, 'interviews')}`,
  });
}

/**
 * The children risk checks have proposed, for the MET group to decide: MET members accept (at the
 * suggested level, or another) or decline with a reason, as they would type *accept* or *decline*.
 */
function proposalsSection(viewer: Viewer, proposals: ProposalRow[]) {
  if (!proposals.length) return '';
  const mayDecide = decide(viewer.actor.roles, 'manage-met-list').allowed;
  const levelChoice = (row: ProposalRow) =>
    html`<label for="level-${row.entryId}" class="visually-hidden">Level for ${row.initials}</label>
<select id="level-${row.entryId}" name="level">${['high', 'medium', 'low'].map(
      (level) =>
        html`<option value="${level}"${level === row.proposedLevel ? html` selected` : ''}>${capital(level)}</option>`,
    )}</select>`;
  const decision = (row: ProposalRow) =>
    mayDecide
      ? html`<form method="post" action="/dashboard/list/${row.entryId}/accept" class="inline">${levelChoice(row)}
<button type="submit">Accept<span class="visually-hidden"> ${row.initials}</span></button></form>
<form method="post" action="/dashboard/list/${row.entryId}/decline" class="inline">
<label for="reason-${row.entryId}">Why decline</label>
<input id="reason-${row.entryId}" name="reason" type="text" required maxlength="500">
<button type="submit">Decline<span class="visually-hidden"> ${row.initials}</span></button></form>`
      : 'For the MET group to decide';
  return html`<h2>Proposed by risk checks</h2>
<p>A risk check at medium or high puts a child forward. The MET group decides whether they go on the list, and at what level.</p>
${table(
  'Children proposed by risk checks, for the MET group to decide',
  [
    { head: 'Child', cell: childLink },
    { head: 'Suggested level', cell: (r: ProposalRow) => levelBadge(r.proposedLevel) },
    { head: 'Proposed', cell: (r: ProposalRow) => day(r.proposedAt) },
    { head: 'By', cell: (r: ProposalRow) => r.agency ?? 'Not recorded' },
    { head: 'Decision', cell: decision },
  ],
  proposals,
)}`;
}

export function listPage(
  viewer: Viewer,
  list: Paged<ListRow>,
  filters: ListFilters,
  agencies: { id: string; name: string }[],
  proposals: ProposalRow[] = [],
): string {
  const option = (value: string, label: string, selected: string) =>
    html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
  const filtered = Boolean(filters.level || filters.agency || filters.review);
  return page({
    title: 'MET list',
    viewer,
    current: 'list',
    body: html`<h1>MET list</h1>
<p class="lead">${count(list.total)} ${list.total === 1 ? 'child' : 'children'} ${filtered ? 'match' : 'on the list (nominated or accepted)'}. Highest level first, then the soonest review.</p>
<form class="filters" method="get" action="/dashboard/list">
<fieldset>
<legend>Show only</legend>
<div class="field"><label for="level">Level</label>
<select id="level" name="level">
${option('', 'Any level', filters.level)}${option('high', 'High', filters.level)}${option('medium', 'Medium', filters.level)}${option('low', 'Low', filters.level)}
</select></div>
<div class="field"><label for="agency">Nominating agency</label>
<select id="agency" name="agency">
${option('', 'Any agency', filters.agency)}${agencies.map((a) => option(a.id, a.name, filters.agency))}
</select></div>
<div class="field"><label for="review">Review date</label>
<select id="review" name="review">
${option('', 'Any review date', filters.review)}${option('overdue', 'Review overdue', filters.review)}${option('soon', 'Review in the next 14 days', filters.review)}${option('none', 'No review date set', filters.review)}
</select></div>
<div class="actions"><button type="submit">Show</button>${filtered ? html` <a href="/dashboard/list">Clear</a>` : ''}</div>
</fieldset>
</form>
${
  list.total
    ? table(
        'Children on the MET list',
        [
          { head: 'Child', cell: childLink },
          { head: 'Level', cell: (r) => levelBadge(r.level) },
          {
            head: 'Status',
            cell: (r) => (r.status === 'nominated' ? 'Nominated, not yet reviewed' : 'On the list'),
          },
          {
            head: 'Review',
            cell: (r) =>
              r.reviewOverdue
                ? html`<span class="badge badge-overdue">Overdue</span> ${day(r.reviewDate)}`
                : day(r.reviewDate),
          },
          { head: 'Lead professional', cell: (r) => r.leadProfessional ?? 'Not recorded' },
          { head: 'Nominated by', cell: (r) => r.agency ?? 'Not recorded' },
          {
            head: 'Last change',
            cell: (r) =>
              r.lastChange
                ? html`${describeChange({ ...r.lastChange, toStatus: r.lastChange.toStatus })}, ${dayText(r.lastChange.at)}.
<a href="/dashboard/child/${r.childId}#levels">Level history<span class="visually-hidden"> for ${r.initials}</span></a>`
                : 'None recorded',
          },
        ],
        list.rows,
      )
    : html`<p>No child matches. <a href="/dashboard/list">Show the whole list</a>.</p>`
}
${pager('/dashboard/list', { level: filters.level, agency: filters.agency, review: filters.review }, list, 'children')}
${proposalsSection(viewer, proposals)}`,
  });
}

export function missingPage(viewer: Viewer, missing: Paged<MissingRow>): string {
  return page({
    title: 'Missing now',
    viewer,
    current: 'missing',
    body: html`<h1>Missing now</h1>
<p class="lead">${missing.total ? `${count(missing.total)} ${missing.total === 1 ? 'child is' : 'children are'} recorded as missing, longest first.` : 'No child is recorded as missing.'}</p>
${
  missing.total
    ? table(
        'Children recorded as missing',
        [
          { head: 'Child', cell: childLink },
          { head: 'Reference', cell: (r) => r.reference ?? '–' },
          { head: 'Missing for', cell: (r) => r.missingFor },
          { head: 'Last seen', cell: (r) => when(r.lastSeenAt) },
          { head: 'Missing from', cell: (r) => capital(r.missingFrom) },
          { head: 'Police reference', cell: (r) => r.policeReference ?? 'Not given' },
        ],
        missing.rows,
      )
    : ''
}
${pager('/dashboard/missing', {}, missing, 'children')}`,
  });
}

export function repeatPage(
  viewer: Viewer,
  repeat: Paged<RepeatRow>,
  settings: { threshold: number; days: number },
): string {
  const title = `Missing ${settings.threshold} or more times in ${settings.days} days`;
  return page({
    title: 'Repeat missing',
    viewer,
    current: 'repeat',
    body: html`<h1>Repeat missing</h1>
<p class="lead">${repeat.total ? `${count(repeat.total)} ${repeat.total === 1 ? 'child has' : 'children have'} gone missing ${settings.threshold} or more times in the last ${settings.days} days.` : 'No child has gone missing that often.'}</p>
<p>The number of times and the number of days are settings (REPEAT_MISSING_THRESHOLD and REPEAT_MISSING_DAYS).</p>
${
  repeat.total
    ? table(
        title,
        [
          { head: 'Child', cell: childLink },
          { head: 'Times', cell: (r) => r.times, numeric: true },
          { head: 'Last went missing', cell: (r) => when(r.lastMissing) },
          { head: 'MET list', cell: (r) => (r.onList ? levelBadge(r.level) : 'Not on the list') },
        ],
        repeat.rows,
      )
    : ''
}
${pager('/dashboard/repeat', {}, repeat, 'children')}`,
  });
}
