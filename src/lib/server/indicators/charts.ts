import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { cellNumber, cellText, plainCell, type Cell } from './suppression.ts';
import type { ReportTable } from './tables.ts';

/**
 * Charts drawn on the server as SVG by Observable Plot (a kept, tested
 * charting library) on linkedom's document: no JavaScript in the browser,
 * nothing fetched, printable. Plot's SVG is then made safe for our strict
 * CSP (style-src 'self'): its <style> element is dropped (our stylesheet
 * styles `.chart`), and no style attribute, event handler or external
 * reference is kept. Charts take the suppressed tables: a suppressed value
 * is never drawn, only labelled "<5" (or "≥5").
 */

export interface Chart {
  id: string;
  title: string;
  svg: string;
}

const COLOR = '#1f5f8b';

function documentForPlot(): Document {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

/** The SVG as text, stripped of everything our CSP or our rules refuse. */
export function safeSvg(svg: string, label: string): string {
  const clean = svg
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    // Inner aria-labels: the whole chart is one image with one name (its table is the text alternative).
    .replace(/\s(style|on[a-z]+|href|xlink:href|aria-label|aria-description)="[^"]*"/gi, '')
    .replace(/<(script|foreignObject|image|use|a)\b[\s\S]*?<\/\1>/gi, '');
  const escaped = label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return clean.replace(/^<svg /, `<svg role="img" aria-label="${escaped}" focusable="false" `);
}

interface Datum {
  key: string;
  label: string;
  value: number | null;
  text: string;
}

function data(table: ReportTable, column: number, format: (n: number) => string): Datum[] {
  return table.rows.map((r) => {
    const cell: Cell = r.cells[column] ?? { value: null, state: 'hidden' };
    return { key: r.key, label: r.label, value: cellNumber(cell), text: cellText(cell, format) };
  });
}

function render(options: Plot.PlotOptions, label: string): string {
  const svg = Plot.plot({ ...options, document: documentForPlot(), className: 'chart', style: undefined }) as unknown as { outerHTML: string };
  return safeSvg(svg.outerHTML, label);
}

/** Monthly columns of one figure (a column of the monthly table). */
export function seriesChart(table: ReportTable, column: number, title: string, format: (n: number) => string, axisLabel: (key: string) => string = (k) => k): Chart {
  const d = data(table, column, format).map((x) => ({ ...x, label: axisLabel(x.key) }));
  const max = Math.max(1, ...d.map((x) => x.value ?? 0));
  const whole = table.columns[column]?.kind === 'people';
  const svg = render(
    {
      width: 420,
      height: 200,
      marginLeft: 44,
      marginBottom: d.length > 12 ? 48 : 30,
      x: { type: 'band', domain: d.map((x) => x.label), label: null, tickRotate: d.length > 12 ? -45 : 0 },
      // People are whole: no 0.5-person ticks on a small axis.
      y: { domain: [0, max], grid: true, label: null, nice: true, ticks: whole ? Math.min(5, max) : 5, tickFormat: (n: number) => (whole && !Number.isInteger(n) ? '' : format(n)) },
      marks: [
        Plot.barY(d.filter((x) => x.value !== null), { x: 'label', y: 'value', fill: COLOR }),
        // Suppressed months: a label where the bar would be, no bar.
        Plot.text(d.filter((x) => x.value === null), { x: 'label', y: 0, text: 'text', dy: -8 }),
        Plot.ruleY([0]),
      ],
    },
    title,
  );
  return { id: `${table.id}-${column}`, title, svg };
}

/** Horizontal bars of a one-column view of a table (by prison, by track, the funnel). */
export function barChart(id: string, table: ReportTable, column: number, title: string, format: (n: number) => string, { keepOrder = false } = {}): Chart {
  const d = data(table, column, format);
  const max = Math.max(1, ...d.map((x) => x.value ?? 0));
  const whole = table.columns[column]?.kind === 'people';
  const longest = Math.max(4, ...d.map((x) => x.label.length));
  const svg = render(
    {
      width: 640,
      height: 40 + d.length * 34,
      marginLeft: Math.min(260, 12 + longest * 6.5),
      marginRight: 48,
      x: { domain: [0, max], grid: true, label: null, nice: true, ticks: whole ? Math.min(5, max) : 5, tickFormat: (n: number) => (whole && !Number.isInteger(n) ? '' : format(n)) },
      y: { type: 'band', domain: keepOrder ? d.map((x) => x.label) : [...d].sort((a, b) => (b.value ?? 0) - (a.value ?? 0)).map((x) => x.label), label: null },
      marks: [
        Plot.barX(d.filter((x) => x.value !== null), { y: 'label', x: 'value', fill: COLOR }),
        Plot.text(d, { y: 'label', x: (x: Datum) => x.value ?? 0, text: 'text', textAnchor: 'start', dx: 6 }),
        Plot.ruleX([0]),
      ],
    },
    title,
  );
  return { id, title, svg };
}

/** Bars of plain numbers (no suppression: e.g. a teacher's own class), in the given order. */
export function plainBars(id: string, title: string, rows: Array<{ key: string; label: string; value: number }>, format: (n: number) => string = String): Chart {
  const table: ReportTable = { id, title, rowHeader: '', columns: [{ label: title, kind: 'people' }], rows: rows.map((r) => ({ key: r.key, label: r.label, cells: [plainCell(r.value)] })), total: null };
  return barChart(id, table, 0, title, format, { keepOrder: true });
}
