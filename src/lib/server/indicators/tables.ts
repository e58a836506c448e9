import type { MessageKey, Translator } from '../../i18n/index.ts';
import { DIMENSIONS, DOCUMENT_KINDS, DROPOUT_REASONS, SERIES, type BreakdownRow, type Dimension, type Indicators } from './figures.ts';
import { derivedCell, peopleCell, plainCell, protectGroup, MIN_CELL, type Cell } from './suppression.ts';

/**
 * The report as tables: what the page shows, the charts draw and the
 * exports write, every people count already suppressed (suppression.ts).
 * Labels are in the reader's language; no table has a person's name,
 * inmate number or birth date in it (there is no such column to fill).
 */

export type ColumnKind = 'people' | 'hours' | 'percent' | 'days';

export interface ReportColumn {
  label: string;
  kind: ColumnKind;
}

export interface ReportRow {
  /** Stable key of the row (a month, a category), for charts and tests. */
  key: string;
  label: string;
  cells: Cell[];
  /** The kind of figure when it differs from its column's (rows of the headline table). */
  kind?: ColumnKind;
}

export interface ReportTable {
  /** Stable id: the CSV file name and the XLSX sheet come from it. */
  id: string;
  title: string;
  rowHeader: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  total: ReportRow | null;
}

const people = (label: string): ReportColumn => ({ label, kind: 'people' });
const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : null);

/** Secondary suppression down every people column that adds up to the total row. */
function protectColumns(rows: ReportRow[], total: ReportRow, columns: ReportColumn[], additive: (i: number) => boolean): { rows: ReportRow[]; total: ReportRow } {
  const out = rows.map((r) => ({ ...r, cells: [...r.cells] }));
  const sum = { ...total, cells: [...total.cells] };
  columns.forEach((col, i) => {
    if (col.kind !== 'people' || !additive(i)) return;
    const g = protectGroup(out.map((r) => r.cells[i]!), sum.cells[i]!);
    g.cells.forEach((c, j) => {
      const row = out[j];
      if (row) row.cells[i] = c;
    });
    sum.cells[i] = g.total;
  });
  return { rows: out, total: sum };
}

/** A one-column table of categories that add up to a total (drop-outs by reason, documents by kind …). */
function partsTable(tr: Translator, id: string, title: MessageKey, rowHeader: MessageKey, parts: Array<{ key: string; label: string; n: number }>, total: number, additive = true, unit: MessageKey = 'indicators.col.people'): ReportTable {
  const columns = [people(tr(unit))];
  const rows = parts.map((p) => ({ key: p.key, label: p.label, cells: [peopleCell(p.n)] }));
  const totalRow = { key: 'total', label: tr('indicators.total'), cells: [peopleCell(total)] };
  const protectedRows = additive ? protectColumns(rows, totalRow, columns, () => true) : { rows, total: totalRow };
  return { id, title: tr(title), rowHeader: tr(rowHeader), columns, rows: protectedRows.rows, total: additive ? protectedRows.total : null };
}

function dimLabel(tr: Translator, dim: Dimension, key: string, facilities: ReadonlyMap<number, string>): string {
  if (key === 'unknown') return tr('indicators.unknown');
  switch (dim) {
    case 'prison': return facilities.get(Number(key)) ?? tr('indicators.unknown');
    case 'track': return tr(`track.${key}` as MessageKey);
    case 'age': return tr(`indicators.age.${key}` as MessageKey);
    case 'education': return tr(`education.${key}` as MessageKey);
    case 'language': return tr(`indicators.language.${key}` as MessageKey);
    case 'sex': return tr(`indicators.sex.${key}` as MessageKey);
  }
}

function breakdownTable(tr: Translator, dim: Dimension, rows: BreakdownRow[], ind: Indicators, facilities: ReadonlyMap<number, string>): ReportTable {
  const columns = [people(tr('indicators.participants')), people(tr('indicators.enrolments')), people(tr('indicators.completions')), people(tr('indicators.dropouts'))];
  const sorted = [...rows].sort((a, b) => (a.key === 'unknown' ? 1 : b.key === 'unknown' ? -1 : 0) || dimLabel(tr, dim, a.key, facilities).localeCompare(dimLabel(tr, dim, b.key, facilities)));
  const body = sorted.map((r) => ({ key: r.key, label: dimLabel(tr, dim, r.key, facilities), cells: [r.participants, r.enrolments, r.completions, r.dropouts].map(peopleCell) }));
  const total = { key: 'total', label: tr('indicators.total'), cells: [ind.participants, ind.enrolments, ind.completions, ind.dropouts].map(peopleCell) };
  const p = protectColumns(body, total, columns, () => true);
  return { id: `by-${dim}`, title: tr(`indicators.by.${dim}` as MessageKey), rowHeader: tr(`indicators.dim.${dim}` as MessageKey), columns, rows: p.rows, total: p.total };
}

const monthLabel = (locale: string, m: string) => new Date(`${m}-01T00:00:00Z`).toLocaleDateString(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A month as a chart's axis shows it: "janv." within one year, "janv. 25" across years. */
export function shortMonth(locale: string, m: string, withYear: boolean): string {
  const name = new Date(`${m}-01T00:00:00Z`).toLocaleDateString(locale, { month: 'short', timeZone: 'UTC' });
  return withYear ? `${name} ${m.slice(2, 4)}` : name;
}

/** Every table of the report, suppressed, in the reader's language. */
export function reportTables(ind: Indicators, tr: Translator, locale: string, facilities: ReadonlyMap<number, string>): ReportTable[] {
  const rate = (part: number, whole: number, parts: Cell[]) => derivedCell(percent(part, whole), parts);
  const c = {
    participants: peopleCell(ind.participants),
    completions: peopleCell(ind.completions),
    dropouts: peopleCell(ind.dropouts),
    released: peopleCell(ind.released),
    withConsultation: peopleCell(ind.releasedWithConsultation),
    withDocument: peopleCell(ind.releasedWithDocument),
  };
  const headline: ReportTable = {
    id: 'headline',
    title: tr('indicators.headline'),
    rowHeader: tr('indicators.figure'),
    columns: [{ label: tr('indicators.value'), kind: 'people' }],
    rows: [
      { key: 'participants', label: tr('indicators.participants'), cells: [c.participants] },
      { key: 'enrolments', label: tr('indicators.enrolments'), cells: [peopleCell(ind.enrolments)] },
      { key: 'completions', label: tr('indicators.completions'), cells: [c.completions] },
      { key: 'dropouts', label: tr('indicators.dropouts'), cells: [c.dropouts] },
      { key: 'completionRate', label: tr('indicators.completionRate'), cells: [rate(ind.completions, ind.completions + ind.dropouts, [c.completions, c.dropouts])] },
      { key: 'documents', label: tr('indicators.documents'), cells: [peopleCell(ind.documents)] },
      { key: 'hours', label: tr('indicators.hours'), cells: [plainCell(ind.hours)] },
      { key: 'hoursPerParticipant', label: tr('indicators.hoursPerParticipant'), cells: [derivedCell(ind.hoursPerParticipant, [c.participants])] },
      { key: 'consultations', label: tr('indicators.consultations'), cells: [peopleCell(ind.consultations.career + ind.consultations.preRelease)] },
      { key: 'released', label: tr('indicators.released'), cells: [c.released] },
      { key: 'releasedWithConsultationShare', label: tr('indicators.releasedWithConsultationShare'), cells: [rate(ind.releasedWithConsultation, ind.released, [c.released, c.withConsultation])] },
      { key: 'releasedWithDocumentShare', label: tr('indicators.releasedWithDocumentShare'), cells: [rate(ind.releasedWithDocument, ind.released, [c.released, c.withDocument])] },
      { key: 'waitingAtEnd', label: tr('indicators.waitingAtEnd'), cells: [peopleCell(ind.waitingAtEnd)] },
      { key: 'medianDaysToPlace', label: tr('indicators.medianDaysToPlace'), cells: [{ value: ind.daysToPlace.median, state: ind.daysToPlace.places < MIN_CELL ? 'hidden' : 'shown' }] },
    ],
    total: null,
  };
  // Kinds of figure per headline row, for formatting (the column kind is the default).
  const kinds: Record<string, ColumnKind> = { completionRate: 'percent', hours: 'hours', hoursPerParticipant: 'hours', releasedWithConsultationShare: 'percent', releasedWithDocumentShare: 'percent', medianDaysToPlace: 'days' };
  for (const r of headline.rows) r.kind = kinds[r.key] ?? 'people';

  const seriesColumns: ReportColumn[] = SERIES.map((k) => ({ label: tr(`indicators.${k}` as MessageKey), kind: k === 'hours' ? 'hours' : 'people' }));
  const seriesRows = ind.months.map((m, i) => ({ key: m, label: monthLabel(locale, m), cells: SERIES.map((k) => (k === 'hours' ? plainCell(ind.series[k][i] ?? 0) : peopleCell(ind.series[k][i] ?? 0))) }));
  const seriesTotal = { key: 'total', label: tr('indicators.total'), cells: SERIES.map((k) => (k === 'hours' ? plainCell(ind.hours) : k === 'participants' ? peopleCell(ind.participants) : peopleCell(ind.series[k].reduce((a, b) => a + b, 0)))) };
  // Participants are counted once per period, not summed over months: that column does not add up.
  const series = protectColumns(seriesRows, seriesTotal, seriesColumns, (i) => SERIES[i] !== 'participants');

  const funnelStages = ['consulted', 'placed', 'started', 'completed', 'document'] as const;
  return [
    headline,
    { id: 'monthly', title: tr('indicators.monthly'), rowHeader: tr('indicators.month'), columns: seriesColumns, rows: series.rows, total: series.total },
    {
      id: 'funnel',
      title: tr('indicators.funnel'),
      rowHeader: tr('indicators.stage'),
      columns: [people(tr('indicators.col.people'))],
      rows: funnelStages.map((s) => ({ key: s, label: tr(`indicators.funnel.${s}` as MessageKey), cells: [peopleCell(ind.funnel[s])] })),
      total: null,
    },
    partsTable(tr, 'dropouts', 'indicators.dropoutsByReason', 'indicators.reason', DROPOUT_REASONS.map((r) => ({ key: r, label: tr(`placement.status.${r}` as MessageKey), n: ind.dropoutsByReason[r] })), ind.dropouts),
    partsTable(tr, 'documents', 'indicators.documentsByKind', 'indicators.kind', DOCUMENT_KINDS.map((k) => ({ key: k, label: tr(`indicators.docKind.${k}` as MessageKey), n: ind.documentsByKind[k] })), ind.documents, true, 'indicators.col.count'),
    // People per level: a person may reach two levels in a period, so these do not add up to a total.
    partsTable(tr, 'qualifications', 'indicators.qualifications', 'indicators.level', ind.qualifications.map((q) => ({ key: q.level, label: q.level, n: q.people })), 0, false),
    partsTable(tr, 'latvian', 'indicators.latvianLevels', 'indicators.level', ind.latvianLevels.map((q) => ({ key: q.level, label: q.level, n: q.people })), 0, false),
    partsTable(
      tr,
      'consultations',
      'indicators.consultationsByKind',
      'indicators.kind',
      [
        { key: 'career', label: tr('report.career'), n: ind.consultations.career },
        { key: 'pre_release', label: tr('report.preRelease'), n: ind.consultations.preRelease },
      ],
      ind.consultations.career + ind.consultations.preRelease,
      true,
      'indicators.col.count',
    ),
    {
      id: 'released',
      title: tr('indicators.releasedTitle'),
      rowHeader: tr('indicators.figure'),
      columns: [people(tr('indicators.col.people')), { label: tr('indicators.share'), kind: 'percent' }],
      rows: [
        { key: 'released', label: tr('indicators.released'), cells: [c.released, derivedCell(ind.released ? 100 : null, [c.released])] },
        { key: 'withConsultation', label: tr('indicators.releasedWithConsultation'), cells: [c.withConsultation, rate(ind.releasedWithConsultation, ind.released, [c.released, c.withConsultation])] },
        { key: 'withDocument', label: tr('indicators.releasedWithDocument'), cells: [c.withDocument, rate(ind.releasedWithDocument, ind.released, [c.released, c.withDocument])] },
      ],
      total: null,
    },
    {
      id: 'hours',
      title: tr('indicators.hoursByPrison'),
      rowHeader: tr('indicators.dim.prison'),
      columns: [{ label: tr('indicators.hours'), kind: 'hours' }],
      rows: ind.hoursByPrison.map((h) => ({ key: h.key, label: dimLabel(tr, 'prison', h.key, facilities), cells: [plainCell(h.hours)] })).sort((a, b) => a.label.localeCompare(b.label)),
      total: { key: 'total', label: tr('indicators.total'), cells: [plainCell(ind.hours)] },
    },
    {
      id: 'hours-by-track',
      title: tr('indicators.hoursByTrack'),
      rowHeader: tr('indicators.dim.track'),
      columns: [{ label: tr('indicators.hours'), kind: 'hours' }],
      rows: ind.hoursByTrack.map((h) => ({ key: h.key, label: dimLabel(tr, 'track', h.key, facilities), cells: [plainCell(h.hours)] })),
      total: { key: 'total', label: tr('indicators.total'), cells: [plainCell(ind.hours)] },
    },
    ...DIMENSIONS.map((dim) => breakdownTable(tr, dim, ind.breakdowns[dim], ind, facilities)),
  ];
}

/** The kind of figure of a row in the headline table (others take their column's kind). */
export function rowKind(row: ReportRow, column: ReportColumn): ColumnKind {
  return row.kind ?? column.kind;
}
