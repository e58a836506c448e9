import type { Facts, PersonDims, PlacementFact } from './facts.ts';
import { monthsOf, type Period } from './period.ts';

/**
 * The indicators of a period, counted from the facts. Pure code: the exact
 * definitions live here (and in the README), tested on hand-built rows.
 *
 * - participant: a learner whose place in a programme was active (enrolled)
 *   on at least one day of the period; counted once however many programmes;
 * - enrolment: a place that started (enrolled) in the period;
 * - completion / drop-out: a place that ended completed, or withdrawn,
 *   failed, transferred or released before completion, in the period (the
 *   status is the reason); completion rate = completions ÷ (completions +
 *   drop-outs) ended in the period;
 * - waiting list: places waiting on the last day of the period;
 * - days to a place: from the learner's latest career consultation to the
 *   start of each place started in the period (median).
 */

export const DROPOUT_REASONS = ['withdrawn', 'failed', 'transferred', 'released_before_completion'] as const;
export type DropoutReason = (typeof DROPOUT_REASONS)[number];
export const DOCUMENT_KINDS = ['module', 'professional_development', 'statement'] as const;
export const AGE_BANDS = ['under18', '18-24', '25-34', '35-44', '45-54', '55plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const DIMENSIONS = ['prison', 'track', 'age', 'education', 'language', 'sex'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const SERIES = ['participants', 'enrolments', 'completions', 'dropouts', 'documents', 'consultations', 'hours'] as const;
export type SeriesKey = (typeof SERIES)[number];

export interface BreakdownRow {
  /** The category's key: a facility id, a track, an age band, an education level, a locale, M/F, or 'unknown'. */
  key: string;
  participants: number;
  enrolments: number;
  completions: number;
  dropouts: number;
}

export interface Indicators {
  period: Period;
  months: string[];
  participants: number;
  enrolments: number;
  completions: number;
  dropouts: number;
  dropoutsByReason: Record<DropoutReason, number>;
  /** Whole percent, or null when nothing ended in the period. */
  completionRate: number | null;
  documents: number;
  documentsByKind: Record<(typeof DOCUMENT_KINDS)[number], number>;
  /** Documents stating an LKI level, by level ('LKI 2', …), people counted once per level. */
  qualifications: Array<{ level: string; people: number }>;
  /** Documents of state-language courses stating a level (A1 … C2), people counted once per level. */
  latvianLevels: Array<{ level: string; people: number }>;
  /** Hours of active time on task (one decimal). */
  hours: number;
  /** Hours per participant (one decimal), or null without participants. */
  hoursPerParticipant: number | null;
  hoursByPrison: Array<{ key: string; hours: number }>;
  hoursByTrack: Array<{ key: string; hours: number }>;
  consultations: { career: number; preRelease: number; people: number };
  released: number;
  releasedWithConsultation: number;
  releasedWithDocument: number;
  waitingAtEnd: number;
  /** Median days from consultation to a place, with how many places it is computed from. */
  daysToPlace: { median: number | null; places: number };
  funnel: { consulted: number; placed: number; started: number; completed: number; document: number };
  breakdowns: Record<Dimension, BreakdownRow[]>;
  series: Record<SeriesKey, number[]>;
}

const DROPOUT = new Set<string>(DROPOUT_REASONS);
const OPEN = new Set(['waitlisted', 'enrolled']);
const hours1 = (seconds: number) => Math.round(seconds / 360) / 10;

/** The age band of a person born in `birthYear`, in the year the period ends. */
export function ageBand(birthYear: number | null, year: number): AgeBand {
  if (birthYear === null) return 'unknown';
  const age = year - birthYear;
  if (age < 18) return 'under18';
  if (age <= 24) return '18-24';
  if (age <= 34) return '25-34';
  if (age <= 44) return '35-44';
  if (age <= 54) return '45-54';
  return '55plus';
}

/** The median of a list of numbers (mean of the middle two for an even count), or null. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const days = (from: string, to: string) => Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);

/** Was the place active (enrolled) on some day between `from` and `to` (YYYY-MM-DD, included)? */
function activeBetween(p: PlacementFact, from: string, to: string): boolean {
  if (!p.enrolledAt || p.enrolledAt.slice(0, 10) > to) return false;
  return OPEN.has(p.status) || p.statusAt.slice(0, 10) >= from;
}
const within = (at: string | null, from: string, to: string) => at !== null && at.slice(0, 10) >= from && at.slice(0, 10) <= to;
const endedCompleted = (p: PlacementFact, from: string, to: string) => p.status === 'completed' && within(p.statusAt, from, to);
const endedDropout = (p: PlacementFact, from: string, to: string) => DROPOUT.has(p.status) && p.enrolledAt !== null && within(p.statusAt, from, to);

function dimKey(dim: Dimension, p: PersonDims & { track?: string | null }, year: number): string {
  switch (dim) {
    case 'prison': return p.facilityId === null ? 'unknown' : String(p.facilityId);
    case 'track': return p.track ?? 'unknown';
    case 'age': return ageBand(p.birthYear, year);
    case 'education': return p.educationLevel;
    case 'language': return p.locale;
    case 'sex': return p.sex ?? 'unknown';
  }
}


/** People (distinct learners) per level of documents matching `test`. */
function peopleByLevel(docs: Facts['documents'], test: (d: Facts['documents'][number]) => boolean): Array<{ level: string; people: number }> {
  const by = new Map<string, Set<number>>();
  for (const d of docs) if (d.level && test(d)) (by.get(d.level) ?? by.set(d.level, new Set()).get(d.level)!).add(d.learnerId);
  return [...by].map(([level, s]) => ({ level, people: s.size })).sort((a, b) => a.level.localeCompare(b.level, 'en', { numeric: true }));
}

/**
 * The monthly series in one pass over the rows (a national year is tens of
 * thousands of places: one filter per month and figure would be slow). A
 * period may start or end inside a month: the series counts only its days.
 */
function monthlySeries(facts: Facts, period: Period, months: string[]): Record<SeriesKey, number[]> {
  const { from, to } = period;
  const index = new Map(months.map((m, i) => [m, i]));
  const at = (d: string) => index.get(d.slice(0, 7)) ?? -1;
  const zeros = () => months.map(() => 0);
  const active = months.map(() => new Set<number>());
  const s = { enrolments: zeros(), completions: zeros(), dropouts: zeros(), documents: zeros(), consultations: zeros(), hours: zeros() };
  for (const p of facts.placements) {
    if (within(p.enrolledAt, from, to)) s.enrolments[at(p.enrolledAt!)]! += 1;
    if (endedCompleted(p, from, to)) s.completions[at(p.statusAt)]! += 1;
    if (endedDropout(p, from, to)) s.dropouts[at(p.statusAt)]! += 1;
    if (activeBetween(p, from, to)) {
      const first = p.enrolledAt!.slice(0, 10) < from ? 0 : at(p.enrolledAt!);
      const last = OPEN.has(p.status) || p.statusAt.slice(0, 10) > to ? months.length - 1 : at(p.statusAt);
      for (let i = first; i <= last; i++) active[i]!.add(p.learnerId);
    }
  }
  for (const d of facts.documents) if (within(d.issuedOn, from, to)) s.documents[at(d.issuedOn)]! += 1;
  for (const c of facts.consultations) if (within(c.heldOn, from, to)) s.consultations[at(c.heldOn)]! += 1;
  for (const l of facts.learning) {
    const i = index.get(l.month);
    if (i !== undefined) s.hours[i]! += l.seconds;
  }
  return { participants: active.map((a) => a.size), ...s, hours: s.hours.map(hours1) };
}

/** Every indicator of the period from the facts. */
export function computeIndicators(facts: Facts, period: Period): Indicators {
  const { from, to } = period;
  const year = Number(to.slice(0, 4));
  const months = monthsOf(period);
  const pl = facts.placements;
  const participants = new Set(pl.filter((p) => activeBetween(p, from, to)).map((p) => p.learnerId));
  const started = pl.filter((p) => within(p.enrolledAt, from, to));
  const completed = pl.filter((p) => endedCompleted(p, from, to));
  const dropped = pl.filter((p) => endedDropout(p, from, to));
  const dropoutsByReason = Object.fromEntries(DROPOUT_REASONS.map((r) => [r, dropped.filter((p) => p.status === r).length])) as Record<DropoutReason, number>;
  const ended = completed.length + dropped.length;
  const waitingAtEnd = pl.filter(
    (p) => p.waitlistedAt !== null && p.waitlistedAt.slice(0, 10) <= to && !(p.enrolledAt && p.enrolledAt.slice(0, 10) <= to) && (OPEN.has(p.status) || p.statusAt.slice(0, 10) > to),
  ).length;
  const waits = started.filter((p) => p.consultedOn !== null).map((p) => days(p.consultedOn!, p.enrolledAt!));

  const docs = facts.documents;
  const documentsByKind = { module: 0, professional_development: 0, statement: 0 };
  for (const d of docs) documentsByKind[d.kind] += 1;
  const seconds = facts.learning.reduce((s, l) => s + l.seconds, 0);
  const sumBy = (key: (l: Facts['learning'][number]) => string) => {
    const m = new Map<string, number>();
    for (const l of facts.learning) m.set(key(l), (m.get(key(l)) ?? 0) + l.seconds);
    return [...m].map(([k, s]) => ({ key: k, hours: hours1(s) }));
  };
  const cons = facts.consultations;
  const rel = facts.releases;

  const breakdowns = Object.fromEntries(
    DIMENSIONS.map((dim) => {
      const rows = new Map<string, { p: Set<number>; enrolments: number; completions: number; dropouts: number }>();
      const row = (k: string) => rows.get(k) ?? rows.set(k, { p: new Set(), enrolments: 0, completions: 0, dropouts: 0 }).get(k)!;
      for (const p of pl) {
        const k = dimKey(dim, p, year);
        if (activeBetween(p, from, to)) row(k).p.add(p.learnerId);
        if (within(p.enrolledAt, from, to)) row(k).enrolments += 1;
        if (endedCompleted(p, from, to)) row(k).completions += 1;
        if (endedDropout(p, from, to)) row(k).dropouts += 1;
      }
      const list = [...rows].map(([key, r]) => ({ key, participants: r.p.size, enrolments: r.enrolments, completions: r.completions, dropouts: r.dropouts }));
      return [dim, list.filter((r) => r.participants + r.enrolments + r.completions + r.dropouts > 0)];
    }),
  ) as Record<Dimension, BreakdownRow[]>;

  const series = monthlySeries(facts, period, months);

  const docLearners = new Set(docs.map((d) => d.learnerId));
  return {
    period,
    months,
    participants: participants.size,
    enrolments: started.length,
    completions: completed.length,
    dropouts: dropped.length,
    dropoutsByReason,
    completionRate: ended ? Math.round((completed.length / ended) * 100) : null,
    documents: docs.length,
    documentsByKind,
    qualifications: peopleByLevel(docs, (d) => /^LKI\s?\d$/i.test(d.level ?? '')),
    latvianLevels: peopleByLevel(docs, (d) => d.track === 'state-language' && /^(A1|A2|B1|B2|C1|C2)$/.test(d.level ?? '')),
    hours: hours1(seconds),
    hoursPerParticipant: participants.size ? Math.round((seconds / 3600 / participants.size) * 10) / 10 : null,
    hoursByPrison: sumBy((l) => (l.facilityId === null ? 'unknown' : String(l.facilityId))),
    hoursByTrack: sumBy((l) => l.track),
    consultations: {
      career: cons.filter((c) => c.kind === 'career').length,
      preRelease: cons.filter((c) => c.kind === 'pre_release').length,
      people: new Set(cons.map((c) => c.learnerId)).size,
    },
    released: rel.length,
    releasedWithConsultation: rel.filter((r) => r.hadConsultation).length,
    releasedWithDocument: rel.filter((r) => r.hadDocument).length,
    waitingAtEnd,
    daysToPlace: { median: median(waits), places: waits.length },
    funnel: {
      consulted: new Set(cons.map((c) => c.learnerId)).size,
      placed: new Set(pl.filter((p) => within(p.createdAt, from, to)).map((p) => p.learnerId)).size,
      started: new Set(started.map((p) => p.learnerId)).size,
      completed: new Set(completed.map((p) => p.learnerId)).size,
      document: docLearners.size,
    },
    breakdowns,
    series,
  };
}
