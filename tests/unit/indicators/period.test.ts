import { describe, expect, test } from 'vitest';
import { monthsOf, parseIndicatorQuery, queryParams } from '../../../src/lib/server/indicators/period.ts';

const parse = (q: Record<string, string>) => parseIndicatorQuery(new URLSearchParams(q), '2026-05-20');

describe('a period is a month, a quarter, a year or custom dates', () => {
  test('defaults: this year; this month; this quarter', () => {
    expect(parse({})).toMatchObject({ ok: true, query: { period: { kind: 'year', from: '2026-01-01', to: '2026-12-31' } } });
    expect(parse({ period: 'month' })).toMatchObject({ ok: true, query: { period: { from: '2026-05-01', to: '2026-05-31' } } });
    expect(parse({ period: 'quarter' })).toMatchObject({ ok: true, query: { period: { from: '2026-04-01', to: '2026-06-30' } } });
  });

  test('February of a leap year, the fourth quarter, a custom range', () => {
    expect(parse({ period: 'month', month: '2028-02' })).toMatchObject({ ok: true, query: { period: { to: '2028-02-29' } } });
    expect(parse({ period: 'quarter', year: '2025', quarter: '4' })).toMatchObject({ ok: true, query: { period: { from: '2025-10-01', to: '2025-12-31' } } });
    expect(parse({ period: 'custom', from: '2024-03-15', to: '2026-01-10' })).toMatchObject({ ok: true, query: { period: { from: '2024-03-15', to: '2026-01-10' } } });
  });

  test('the query round-trips through its URL parameters', () => {
    const r = parse({ period: 'quarter', year: '2025', quarter: '2', prison: '3', track: 'vocational', language: 'ru' });
    if (!r.ok) throw new Error('refused');
    expect(parseIndicatorQuery(queryParams(r.query), '2000-01-01')).toEqual(r);
  });

  test('months of a period, across a new year', () => {
    expect(monthsOf({ kind: 'custom', from: '2025-11-20', to: '2026-02-03' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('impossible periods and unknown filters are a message on the field, not a crash', () => {
  test.each([
    [{ period: 'custom', from: '2026-05-01', to: '2026-04-30' }, { to: 'indicators.error.toBeforeFrom' }],
    [{ period: 'year', year: '20000' }, { year: 'indicators.error.year' }],
    [{ period: 'year', year: '1999' }, { year: 'indicators.error.year' }],
    [{ period: 'custom', from: '2000-01-01', to: '2030-01-01' }, { to: 'indicators.error.tooLong' }],
    [{ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, { from: 'indicators.error.date' }],
    [{ period: 'custom', from: '2026-01-01' }, { to: 'indicators.error.required' }],
    [{ period: 'month', month: '2026-13' }, { month: 'indicators.error.month' }],
    [{ period: 'quarter', quarter: '5' }, { quarter: 'indicators.error.quarter' }],
    [{ period: 'week' }, { period: 'indicators.error.period' }],
    [{ track: 'cooking' }, { track: 'indicators.error.track' }],
    [{ language: 'de' }, { language: 'indicators.error.language' }],
    [{ prison: "1' OR 1=1" }, { prison: 'indicators.error.prison' }],
    [{ programme: '-4' }, { programme: 'indicators.error.programme' }],
  ])('%j', (q, errors) => {
    expect(parse(q)).toEqual({ ok: false, errors });
  });

  test('a ten-year range is the longest allowed', () => {
    expect(parse({ period: 'custom', from: '2016-01-01', to: '2025-12-31' }).ok).toBe(true);
  });
});
