/**
 * A tiny escaping template: every value is HTML-escaped unless it is already Html (made by
 * `html` or `raw`). Arrays are joined. Nothing else: the pages are plain server-rendered HTML.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = Html | string | number | boolean | null | undefined | Value[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

export const raw = (value: string) => new Html(value);

/** JSON for a `<script type="application/json">` block: nothing in it can close the element. */
export function jsonBlock(id: string, value: unknown): Html {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
  return raw(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}

const numberFormat = new Intl.NumberFormat('en-GB');
export const count = (n: number) => numberFormat.format(n);
export const percent = (value: number | null) => (value === null ? '–' : `${Math.round(value * 100)}%`);

export interface Column<T> {
  head: string;
  cell: (row: T) => Value;
  /** Right-aligned numbers. */
  numeric?: boolean;
}

/**
 * A data table in a region that scrolls sideways on a narrow screen; the region is focusable
 * and named so keyboard users can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
 */
export function table<T>(
  caption: string,
  columns: Column<T>[],
  rows: T[],
  options: { rowHead?: boolean; hideCaption?: boolean } = {},
) {
  const rowHead = options.rowHead ?? true;
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0">
<table>
<caption${options.hideCaption ? raw(' class="visually-hidden"') : ''}>${caption}</caption>
<thead><tr>${columns.map((c) => html`<th scope="col"${c.numeric ? raw(' class="num"') : ''}>${c.head}</th>`)}</tr></thead>
<tbody>
${rows.map(
  (row) =>
    html`<tr>${columns.map((c, i) =>
      i === 0 && rowHead
        ? html`<th scope="row">${c.cell(row)}</th>`
        : html`<td${c.numeric ? raw(' class="num"') : ''}>${c.cell(row)}</td>`,
    )}</tr>\n`,
)}
</tbody>
</table>
</div>`;
}

/** "Showing 51–100 of 10,000" with previous and next links that keep the other query values. */
export function pager(
  path: string,
  query: Record<string, string>,
  page: { page: number; pages: number; total: number; pageSize: number },
  noun: string,
): Html {
  if (page.total === 0) return html``;
  const first = (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  const link = (to: number) => {
    const params = new URLSearchParams({ ...query, page: String(to) });
    for (const [key, value] of [...params.entries()]) if (!value) params.delete(key);
    return `${path}?${params.toString()}`;
  };
  return html`<nav class="pager" aria-label="Pages of ${noun}">
<p>Showing ${count(first)} to ${count(last)} of ${count(page.total)} ${noun}</p>
<ul>
${page.page > 1 ? html`<li><a href="${link(page.page - 1)}" rel="prev">Previous page</a></li>` : ''}
${page.page < page.pages ? html`<li><a href="${link(page.page + 1)}" rel="next">Next page</a></li>` : ''}
</ul>
</nav>`;
}
