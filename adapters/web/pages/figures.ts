import { formatLondon } from '../../../src/domain/london-time';
import type { MonthlyFigures } from '../../../src/figures/figures.service';
import { periodLabel, shiftPeriod } from '../../../src/figures/periods';
import type { ListRow } from '../../../src/lists/list-queries';
import type { FigureSection } from '../figure-sections';
import { figureSections } from '../figure-sections';
import { type Html, html, jsonBlock, table } from '../html';
import type { Viewer } from '../session';
import { capital, dayText, page } from './layout';

function sectionTable(section: FigureSection): Html {
  return table(
    section.title,
    section.columns.map((head, i) => ({
      head,
      cell: (row: (string | number)[]) => row[i] ?? '',
      numeric: i > 0,
    })),
    section.rows,
    // The section's heading says the same just above: screen readers still hear it with the table.
    { hideCaption: true },
  );
}

function sectionHtml(section: FigureSection, withChart: boolean): Html {
  return html`<section class="figure" aria-labelledby="h-${section.id}">
<h3 id="h-${section.id}">${section.title}</h3>
${section.note ? html`<p class="note">${section.note}</p>` : ''}
${
  withChart && section.chart
    ? html`<div class="chart"><canvas id="chart-${section.id}" data-section="${section.id}" role="img" aria-label="${section.chart.description} The table below gives the numbers."></canvas></div>`
    : ''
}
${sectionTable(section)}
</section>`;
}

function groups(sections: FigureSection[], withChart: boolean): Html {
  const by = (ids: string[]) => sections.filter((s) => ids.some((id) => s.id === id || s.id.startsWith(id)));
  const block = (title: string, id: string, ids: string[]) =>
    html`<section class="group" aria-labelledby="g-${id}">
<h2 id="g-${id}">${title}</h2>
<div class="figures-grid">
${by(ids).map((s) => sectionHtml(s, withChart))}
</div>
</section>`;
  return html`${block('The MET list', 'list', ['levels', 'movement'])}
${block('Missing and return interviews', 'missing', ['missing', 'interviews'])}
${block('Intelligence and risk checks', 'intel', ['intelligence', 'checks', 'exploitation'])}
${block('Who is on the list', 'profiles', ['profile-'])}
${block('Section K of the MET Strategy', 'section-k', ['k-'])}`;
}

function asAt(figures: MonthlyFigures): string {
  const counted = `Counted ${formatLondon(new Date(figures.computedAt))}.`;
  return figures.partial
    ? `So far: the month is not over. ${counted}`
    : `The whole month, to midnight at its end. ${counted}`;
}

function monthForm(action: string, month: string, months: string[]): Html {
  return html`<form class="month-form" method="get" action="${action}">
<label for="month">Month, quarter or year</label>
<select id="month" name="month">
${months.map((m) => html`<option value="${m}"${m === month ? html` selected` : ''}>${periodLabel(m)}</option>`)}
</select>
<button type="submit">Show figures</button>
</form>`;
}

export function figuresPage(viewer: Viewer, figures: MonthlyFigures, months: string[]): string {
  const sections = figureSections(figures);
  const previous = shiftPeriod(figures.month, -1);
  const next = shiftPeriod(figures.month, 1);
  const charts = Object.fromEntries(
    sections
      .filter((s) => s.chart)
      .map((s) => [
        s.id,
        {
          kind: s.chart!.kind,
          labels: (s.chart!.skipLast ? s.rows.slice(0, -1) : s.rows).map((row) => String(row[0])),
          series: s.chart!.series.map((column) => ({
            name: s.columns[column],
            values: (s.chart!.skipLast ? s.rows.slice(0, -1) : s.rows).map((row) => Number(row[column]) || 0),
          })),
        },
      ]),
  );
  return page({
    title: `Monthly figures: ${figures.label}`,
    viewer,
    current: 'figures',
    scripts: ['vendor/chart.umd.js', 'figures.js'],
    body: html`<h1>Monthly figures: ${figures.label}</h1>
<p class="lead">${asAt(figures)}</p>
<div class="toolbar">
${monthForm('/dashboard/figures', figures.month, months)}
<nav class="month-steps" aria-label="Other months">
<ul>
<li><a href="/dashboard/figures?month=${previous}">Previous<span class="visually-hidden">: ${periodLabel(previous)}</span></a></li>
${months.includes(next) ? html`<li><a href="/dashboard/figures?month=${next}">Next<span class="visually-hidden">: ${periodLabel(next)}</span></a></li>` : ''}
</ul>
</nav>
</div>
<p class="pack-links"><a href="/dashboard/pack?month=${figures.month}">Printable pack for ${figures.label}</a>
<a href="/dashboard/pack.xlsx?month=${figures.month}" download>Download the pack as a spreadsheet (Excel, XLSX)</a></p>
${groups(sections, true)}
${jsonBlock('figures-data', charts)}`,
  });
}

export function packPage(
  viewer: Viewer,
  figures: MonthlyFigures,
  list: ListRow[],
  generatedAt: Date,
): string {
  const sections = figureSections(figures);
  return page({
    title: `MET group pack: ${figures.label}`,
    viewer,
    current: 'figures',
    scripts: ['pack.js'],
    body: html`<h1>MET Operational Group pack: ${figures.label}</h1>
<p class="lead">${asAt(figures)} Made ${formatLondon(generatedAt)}. OFFICIAL-SENSITIVE.</p>
<div class="actions no-print"><button type="button" data-print>Print this pack</button>
<a href="/dashboard/pack.xlsx?month=${figures.month}" download>Download it as a spreadsheet (Excel, XLSX)</a>
<a href="/dashboard/figures?month=${figures.month}">Back to the figures</a></div>
${groups(sections, false)}
<section class="group page-break" aria-labelledby="g-pack-list">
<h2 id="g-pack-list">The MET list as at ${formatLondon(generatedAt)}</h2>
${
  list.length
    ? table(
        `Children on the MET list (${list.length})`,
        [
          { head: 'Child', cell: (r: ListRow) => r.initials },
          { head: 'Level', cell: (r) => capital(r.level, 'Not set') },
          { head: 'Status', cell: (r) => (r.status === 'nominated' ? 'Nominated' : 'On the list') },
          { head: 'Review', cell: (r) => dayText(r.reviewDate) },
          { head: 'Lead professional', cell: (r) => r.leadProfessional ?? 'Not recorded' },
          { head: 'Nominated by', cell: (r) => r.agency ?? 'Not recorded' },
        ],
        list,
      )
    : html`<p>Nobody is on the list.</p>`
}
</section>`,
  });
}
