import { type Html, html } from './html.js';

/**
 * Inline SVG bar charts, drawn on the server: no script, no external assets. Every chart
 * has a text alternative (title and description listing the values), and the page shows the
 * same numbers in a table nearby for anyone who prefers one.
 */
export interface BarRow {
  label: string;
  value: number;
  /** What to print after the bar; the value by default. */
  note?: string;
}

const ROW = 28;
const LABEL_WIDTH = 290;
const WIDTH = 720;

export function barChart(title: string, rows: BarRow[]): Html {
  if (rows.length === 0) return html`<p class="empty">Nothing to chart yet.</p>`;
  const max = Math.max(...rows.map((row) => row.value), 1);
  const barSpace = WIDTH - LABEL_WIDTH - 70;
  const height = rows.length * ROW + 8;
  const description = rows.map((row) => `${row.label}: ${row.note ?? row.value}`).join('; ');
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${`${title}. ${description}`}">
<title>${title}</title>
${rows.map((row, index) => {
  const y = index * ROW + 4;
  const width = Math.max(row.value > 0 ? 2 : 0, Math.round((row.value / max) * barSpace));
  return html`<g>
<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${truncate(row.label, 42)}</text>
<rect class="bar" x="${LABEL_WIDTH}" y="${y + 4}" width="${width}" height="${ROW - 10}" rx="3"></rect>
<text x="${LABEL_WIDTH + width + 6}" y="${y + 17}">${row.note ?? String(row.value)}</text>
</g>`;
})}
</svg>`;
}

export interface Series {
  name: string;
  color: string;
}

/** One horizontal bar per row, split into the series' segments, with a legend above. */
export function stackedBarChart(title: string, series: Series[], rows: { label: string; values: number[] }[]): Html {
  if (rows.every((row) => row.values.every((v) => v === 0))) return html`<p class="empty">Nothing to chart yet.</p>`;
  const max = Math.max(...rows.map((row) => row.values.reduce((a, b) => a + b, 0)), 1);
  const barSpace = WIDTH - LABEL_WIDTH - 70;
  const height = rows.length * (ROW + 6) + 8;
  const description = rows
    .map((row) => `${row.label}: ${series.map((s, i) => `${row.values[i]} ${s.name}`).join(', ')}`)
    .join('; ');
  return html`<div class="legend" aria-hidden="true">${series.map((s) => html`<span style="--swatch:${s.color}">${s.name}</span>`)}</div>
<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${`${title}. ${description}`}">
<title>${title}</title>
${rows.map((row, index) => {
  const y = index * (ROW + 6) + 4;
  let x = LABEL_WIDTH;
  const total = row.values.reduce((a, b) => a + b, 0);
  return html`<g>
<text x="${LABEL_WIDTH - 8}" y="${y + 19}" text-anchor="end">${truncate(row.label, 42)}</text>
${row.values.map((value, i) => {
  if (value === 0) return '';
  const width = Math.max(2, Math.round((value / max) * barSpace));
  const rect = html`<rect x="${x}" y="${y + 4}" width="${width}" height="${ROW - 6}" fill="${series[i].color}"><title>${`${series[i].name}: ${value}`}</title></rect>`;
  x += width;
  return rect;
})}
<text x="${x + 6}" y="${y + 19}">${String(total)}</text>
</g>`;
})}
</svg>`;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
