import { stmt, type Db } from '../db.ts';
import { facilitiesFor, type Actor } from '../policy.ts';
import type { Translator } from '../../i18n/index.ts';
import { facilityChoices, loadFacts, programmeChoices, type Choice, type FacilityScope } from './facts.ts';
import { computeIndicators, type Indicators } from './figures.ts';
import { parseIndicatorQuery, type IndicatorQuery, type QueryErrors } from './period.ts';
import { reportTables, type ReportTable } from './tables.ts';

/**
 * The indicators report of a reader: the one entry point of pages and
 * exports. Checks the policy (education staff see their prisons, admin all),
 * the period and the filters (an unknown or foreign prison or programme is a
 * field message, never a 500 and never another prison's figures).
 */

export interface ReportChoices {
  facilities: Choice[];
  programmes: Array<Choice & { facilityId: number }>;
}

export type IndicatorReport =
  | { ok: true; query: IndicatorQuery; indicators: Indicators; tables: ReportTable[]; choices: ReportChoices }
  | { ok: false; code: 'auth.forbidden' }
  | { ok: false; code: 'indicators.invalid'; errors: QueryErrors; choices: ReportChoices };

/** Which facilities `actor` may report on. */
export function indicatorScope(actor: Actor): FacilityScope {
  return facilitiesFor(actor, 'indicators:view');
}

/** Names of all facilities by id (a transferred learner's old prison keeps its name in a breakdown). */
function facilityNames(db: Db): Map<number, string> {
  return new Map((stmt(db, 'SELECT id, name FROM facility').all() as Choice[]).map((f) => [f.id, f.name]));
}

/**
 * Builds the report for the query string `params`. `today` (YYYY-MM-DD)
 * gives the default period; `locale` formats month names.
 */
export function indicatorReport(db: Db, actor: Actor, params: URLSearchParams, tr: Translator, locale: string, today: string): IndicatorReport {
  const scope = indicatorScope(actor);
  if (scope !== 'all' && scope.length === 0) return { ok: false, code: 'auth.forbidden' };
  const choices: ReportChoices = { facilities: facilityChoices(db, scope), programmes: programmeChoices(db, scope) };
  const parsed = parseIndicatorQuery(params, today);
  if (!parsed.ok) return { ok: false, code: 'indicators.invalid', errors: parsed.errors, choices };
  const { filters, period } = parsed.query;
  const errors: QueryErrors = {};
  if (filters.facilityId !== null && !choices.facilities.some((f) => f.id === filters.facilityId)) errors.prison = 'indicators.error.prison';
  const programme = filters.programmeId === null ? null : choices.programmes.find((p) => p.id === filters.programmeId);
  if (programme === undefined) errors.programme = 'indicators.error.programme';
  if (Object.keys(errors).length) return { ok: false, code: 'indicators.invalid', errors, choices };
  const indicators = computeIndicators(loadFacts(db, scope, period, filters), period);
  return { ok: true, query: parsed.query, indicators, tables: reportTables(indicators, tr, locale, facilityNames(db)), choices };
}
