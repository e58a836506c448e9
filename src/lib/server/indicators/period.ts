import { z } from 'zod';
import type { MessageKey } from '../../i18n/index.ts';
import { LOCALES } from '../../shared/domain.ts';

/**
 * The question an indicators report answers: a period (a month, a quarter,
 * a year or custom dates) and filters. Read from the page's query string, so
 * a report is a link one can bookmark or send. Pure code.
 */

export const TRACKS = ['general-education', 'state-language', 'vocational', 'life-skills'] as const;
export type Track = (typeof TRACKS)[number];
export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
/** The longest custom period, in years: longer ranges are refused (a monthly series of 120 points is the most a page shows). */
export const MAX_RANGE_YEARS = 10;

/** A resolved period: first and last day, both included. */
export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
}

export interface IndicatorFilters {
  facilityId: number | null;
  track: Track | null;
  programmeId: number | null;
  language: (typeof LOCALES)[number] | null;
}

export interface IndicatorQuery {
  period: Period;
  filters: IndicatorFilters;
}

/** Field name → message key (the page shows it next to the field). */
export type QueryErrors = Partial<Record<'period' | 'month' | 'quarter' | 'year' | 'from' | 'to' | 'prison' | 'track' | 'programme' | 'language', MessageKey>>;

const empty = (s: unknown) => (s === '' ? undefined : s);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(empty, schema.optional());

/** A real calendar date YYYY-MM-DD within the years the platform reports on. */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
const year = z.coerce.number({ error: 'indicators.error.year' }).int({ error: 'indicators.error.year' }).min(MIN_YEAR, { error: 'indicators.error.year' }).max(MAX_YEAR, { error: 'indicators.error.year' });
const day = z
  .string()
  .refine(isDate, { error: 'indicators.error.date' })
  .refine((s) => Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR, { error: 'indicators.error.year' });

/** The query string of /staff/indicators and its exports. Every field may be empty. */
export const indicatorQuerySchema = z.object({
  /** month | quarter | year | custom; default: year. */
  period: opt(z.enum(PERIOD_KINDS, { error: 'indicators.error.period' })),
  /** The month of a monthly report, YYYY-MM. */
  month: opt(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'indicators.error.month' }).refine((s) => Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR, { error: 'indicators.error.year' })),
  /** The quarter of a quarterly report, 1–4 (with `year`). */
  quarter: opt(z.coerce.number({ error: 'indicators.error.quarter' }).int({ error: 'indicators.error.quarter' }).min(1, { error: 'indicators.error.quarter' }).max(4, { error: 'indicators.error.quarter' })),
  /** The year of a yearly or quarterly report, 2000–2100. */
  year: opt(year),
  /** First day of a custom period, YYYY-MM-DD. */
  from: opt(day),
  /** Last day of a custom period (included), YYYY-MM-DD, not before `from`. */
  to: opt(day),
  /** A facility id (a prison the reader may see). */
  prison: opt(z.coerce.number({ error: 'indicators.error.prison' }).int({ error: 'indicators.error.prison' }).positive({ error: 'indicators.error.prison' })),
  /** A course track. */
  track: opt(z.enum(TRACKS, { error: 'indicators.error.track' })),
  /** A programme id (of a prison the reader may see). */
  programme: opt(z.coerce.number({ error: 'indicators.error.programme' }).int({ error: 'indicators.error.programme' }).positive({ error: 'indicators.error.programme' })),
  /** The programme's language of instruction: lv | en | ru. */
  language: opt(z.enum(LOCALES, { error: 'indicators.error.language' })),
});

const pad = (n: number) => String(n).padStart(2, '0');
/** Last day of a month (1–12) of a year, as YYYY-MM-DD. */
export function monthEnd(y: number, m: number): string {
  return `${y}-${pad(m)}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
}

export type QueryResult = { ok: true; query: IndicatorQuery } | { ok: false; errors: QueryErrors };

/**
 * Reads and checks a report's query string. `today` (YYYY-MM-DD) gives the
 * defaults: this year, this month, this quarter. Facility and programme
 * ids are checked against the database by the caller (they need the policy).
 */
export function parseIndicatorQuery(params: URLSearchParams, today: string): QueryResult {
  const parsed = indicatorQuerySchema.safeParse(Object.fromEntries(params.entries()));
  if (!parsed.success) {
    const errors: QueryErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'period') as keyof QueryErrors;
      errors[field] ??= (issue.message.startsWith('indicators.') ? issue.message : 'indicators.error.period') as MessageKey;
    }
    return { ok: false, errors };
  }
  const q = parsed.data;
  const kind = q.period ?? 'year';
  const thisYear = Number(today.slice(0, 4));
  const y = q.year ?? thisYear;
  let period: Period;
  if (kind === 'month') {
    const month = q.month ?? today.slice(0, 7);
    period = { kind, from: `${month}-01`, to: monthEnd(Number(month.slice(0, 4)), Number(month.slice(5, 7))) };
  } else if (kind === 'quarter') {
    const quarter = q.quarter ?? Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
    period = { kind, from: `${y}-${pad(quarter * 3 - 2)}-01`, to: monthEnd(y, quarter * 3) };
  } else if (kind === 'year') {
    period = { kind, from: `${y}-01-01`, to: `${y}-12-31` };
  } else {
    if (!q.from || !q.to) return { ok: false, errors: { ...(q.from ? {} : { from: 'indicators.error.required' }), ...(q.to ? {} : { to: 'indicators.error.required' }) } };
    if (q.to < q.from) return { ok: false, errors: { to: 'indicators.error.toBeforeFrom' } };
    const limit = `${Number(q.from.slice(0, 4)) + MAX_RANGE_YEARS}${q.from.slice(4)}`;
    if (q.to >= limit) return { ok: false, errors: { to: 'indicators.error.tooLong' } };
    period = { kind, from: q.from, to: q.to };
  }
  return {
    ok: true,
    query: {
      period,
      filters: { facilityId: q.prison ?? null, track: q.track ?? null, programmeId: q.programme ?? null, language: q.language ?? null },
    },
  };
}

/** The months of a period, YYYY-MM, in order (for the monthly series). */
export function monthsOf(period: Period): string[] {
  const out: string[] = [];
  let y = Number(period.from.slice(0, 4));
  let m = Number(period.from.slice(5, 7));
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${pad(m)}`;
    out.push(key);
    if (key >= last) return out;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
}

/** The query as URL parameters (for links to exports and to the same report). */
export function queryParams(query: IndicatorQuery): URLSearchParams {
  const { period, filters } = query;
  const p = new URLSearchParams({ period: period.kind });
  if (period.kind === 'month') p.set('month', period.from.slice(0, 7));
  if (period.kind === 'quarter') { p.set('year', period.from.slice(0, 4)); p.set('quarter', String(Math.floor((Number(period.from.slice(5, 7)) - 1) / 3) + 1)); }
  if (period.kind === 'year') p.set('year', period.from.slice(0, 4));
  if (period.kind === 'custom') { p.set('from', period.from); p.set('to', period.to); }
  if (filters.facilityId !== null) p.set('prison', String(filters.facilityId));
  if (filters.track) p.set('track', filters.track);
  if (filters.programmeId !== null) p.set('programme', String(filters.programmeId));
  if (filters.language) p.set('language', filters.language);
  return p;
}
