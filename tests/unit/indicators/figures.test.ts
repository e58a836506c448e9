import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { translator } from '../../../src/lib/i18n/index.ts';
import { indicatorReport } from '../../../src/lib/server/indicators/report.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { buildQuarter, Q1 } from './dataset.ts';

let p: Prison & { cleanup: () => void };
let d: ReturnType<typeof buildQuarter>;
beforeEach(async () => {
  p = await createPrison();
  d = buildQuarter(p);
});
afterEach(() => p.cleanup());

const tr = translator('en');
const report = (actor: Prison['admin']['user'], params: URLSearchParams) => {
  const r = indicatorReport(p.db, actor, params, tr, 'en', '2026-04-15');
  if (!r.ok) throw new Error(`report refused: ${JSON.stringify(r)}`);
  return r;
};
const withParams = (extra: Record<string, string>) => new URLSearchParams({ ...Object.fromEntries(Q1), ...extra });

describe('the administrator counts every prison of the first quarter', () => {
  test('people taking part, starting, finishing and leaving early', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    // a1–a6, a7 (finished in January), a10, b1; a1 counted once for two programmes; a8 finished in 2025.
    expect(i.participants).toBe(9);
    expect(i.enrolments).toBe(9);
    expect(i.completions).toBe(5);
    expect(i.dropouts).toBe(2);
    expect(i.dropoutsByReason).toEqual({ withdrawn: 1, failed: 1, transferred: 0, released_before_completion: 0 });
    expect(i.completionRate).toBe(71);
    expect(i.waitingAtEnd).toBe(1);
  });

  test('documents count once (a re-issue is not a second document; a revoked one is none)', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    expect(i.documents).toBe(6);
    expect(i.documentsByKind).toEqual({ module: 3, professional_development: 2, statement: 1 });
    expect(i.qualifications).toEqual([{ level: 'LKI 2', people: 2 }]);
    expect(i.latvianLevels).toEqual([{ level: 'A2', people: 1 }]);
  });

  test('hours of active learning in the period only, and per participant', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    expect(i.hours).toBe(4);
    expect(i.hoursPerParticipant).toBe(0.4);
    expect(Object.fromEntries(i.hoursByPrison.map((h) => [h.key, h.hours]))).toEqual({ [d.A]: 3.5, [d.B]: 0.5 });
    expect(i.series.hours).toEqual([1.5, 2.5, 0]);
  });

  test('consultations, releases with a consultation and a document, days to a place', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    expect(i.consultations).toEqual({ career: 7, preRelease: 1, people: 8 });
    expect([i.released, i.releasedWithConsultation, i.releasedWithDocument]).toEqual([2, 2, 1]);
    // 6 × 5 days (a1–a6), 27 (a1's second place), 44 (a10); b1 had no consultation.
    expect(i.daysToPlace).toEqual({ median: 5, places: 8 });
  });

  test('the funnel from consultation to document and the monthly series', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    expect(i.funnel).toEqual({ consulted: 8, placed: 9, started: 8, completed: 5, document: 5 });
    expect(i.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(i.series.enrolments).toEqual([7, 2, 0]);
    expect(i.series.completions).toEqual([1, 1, 3]);
    expect(i.series.dropouts).toEqual([0, 1, 1]);
    expect(i.series.documents).toEqual([1, 1, 4]);
    // March: a1–a3 until the 5th, a5 until the 20th, a6, a10 (a4 left in February, b1 finished in February).
    expect(i.series.participants).toEqual([8, 8, 6]);
  });

  test('breakdowns by prison, age band, sex and preferred language', () => {
    const { indicators: i } = report(p.admin.user, Q1);
    const by = (dim: keyof typeof i.breakdowns) => Object.fromEntries(i.breakdowns[dim].map((r) => [r.key, r.participants]));
    expect(by('prison')).toEqual({ [d.A]: 8, [d.B]: 1 });
    expect(by('age')).toEqual({ '18-24': 4, '45-54': 4, unknown: 1 });
    expect(by('sex')).toEqual({ M: 7, F: 2 });
    expect(by('language')).toEqual({ lv: 8, ru: 1 });
    expect(by('track')).toEqual({ vocational: 8, 'state-language': 2 });
  });
});

describe('filters narrow the figures', () => {
  test('one prison, one track, one programme, one language of instruction', () => {
    expect(report(p.admin.user, withParams({ prison: String(d.B) })).indicators.participants).toBe(1);
    expect(report(p.admin.user, withParams({ track: 'state-language' })).indicators.participants).toBe(2);
    expect(report(p.admin.user, withParams({ programme: String(d.progL) })).indicators.enrolments).toBe(2);
    expect(report(p.admin.user, withParams({ language: 'ru' })).indicators.participants).toBe(2);
    expect(report(p.admin.user, withParams({ track: 'state-language' })).indicators.hours).toBe(0.5);
  });

  test('a month and a custom period', () => {
    expect(report(p.admin.user, new URLSearchParams({ period: 'month', month: '2026-02' })).indicators.enrolments).toBe(2);
    const custom = report(p.admin.user, new URLSearchParams({ period: 'custom', from: '2026-01-15', to: '2026-02-15' })).indicators;
    expect(custom.enrolments).toBe(3);
    expect(custom.months).toEqual(['2026-01', '2026-02']);
  });
});

describe('education staff see their own prisons only', () => {
  test('figures of Olaine only, and the other prison is not even a choice', () => {
    const r = report(p.educationStaff.user, Q1);
    expect(r.indicators.participants).toBe(8);
    expect(r.choices.facilities.map((f) => f.id)).toEqual([d.A]);
    expect(r.choices.programmes.every((g) => g.facilityId === d.A)).toBe(true);
  });

  test('asking for another prison or its programme is a field message, not its figures', () => {
    const tryOther = (extra: Record<string, string>) => indicatorReport(p.db, p.educationStaff.user, withParams(extra), tr, 'en', '2026-04-15');
    expect(tryOther({ prison: String(d.B) })).toMatchObject({ ok: false, errors: { prison: 'indicators.error.prison' } });
    expect(tryOther({ programme: String(d.progB) })).toMatchObject({ ok: false, errors: { programme: 'indicators.error.programme' } });
    expect(tryOther({ prison: '999999' })).toMatchObject({ ok: false, errors: { prison: 'indicators.error.prison' } });
  });

  test('teachers and learners get no report', () => {
    expect(indicatorReport(p.db, p.teacher.user, Q1, tr, 'en', '2026-04-15')).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(indicatorReport(p.db, p.learner.user, Q1, tr, 'en', '2026-04-15')).toEqual({ ok: false, code: 'auth.forbidden' });
  });
});
