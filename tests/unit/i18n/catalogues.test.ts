import { describe, expect, test } from 'vitest';
import { catalogues, formatDate, formatNumber, formatPercent, isMessageKey, t, toLocale, translator } from '../../../src/lib/i18n/index.ts';
import { en } from '../../../src/lib/i18n/en.ts';
import { LOCALES, type Locale } from '../../../src/lib/shared/domain.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const KEYS = Object.keys(en).sort();
const TRANSLATED: Locale[] = LOCALES.filter((l) => l !== 'en');

describe.each(LOCALES)('the %s catalogue', (locale) => {
  const catalogue = catalogues[locale] as Record<string, unknown>;

  test('has every key of the English catalogue, and no other', () => {
    expect(Object.keys(catalogue).sort()).toEqual(KEYS);
  });

  test('has a non-empty text for every key', () => {
    const empty = KEYS.filter((k) => typeof catalogue[k] !== 'string' || (catalogue[k] as string).trim() === '');
    expect(empty).toEqual([]);
  });

  test('uses the same {placeholders} as English in every message', () => {
    const mismatched = KEYS.filter((k) => JSON.stringify(placeholders(String(catalogue[k]))) !== JSON.stringify(placeholders(en[k as keyof typeof en])));
    expect(mismatched).toEqual([]);
  });
});

// ─── TRANSLATION CHECK ───────────────────────────────────────────────────
// lv.ts and ru.ts began as copies of en.ts. This fails whenever a catalogue
// is (again) mostly a copy of English, so an untranslated platform cannot pass
// as done. A few keys may equal English (names, "PIN"); 90% may not.
describe('TRANSLATION CHECK: Latvian and Russian are real translations, not copies of English', () => {
  test.each(TRANSLATED)('%s: at least 90 percent of the messages differ from English', (locale) => {
    const same = KEYS.filter((k) => catalogues[locale][k as keyof typeof en] === en[k as keyof typeof en]);
    expect(same.length / KEYS.length, `${same.length} of ${KEYS.length} ${locale} messages are still English, e.g. ${same.slice(0, 5).join(', ')}`).toBeLessThanOrEqual(0.1);
  });
});

describe('t()', () => {
  test('fills {placeholders} and leaves unknown ones as they are', () => {
    expect(t('en', 'learn.hello', { name: 'Mārtiņš' })).toBe('Hello, Mārtiņš!');
    expect(t('en', 'learn.hello', {})).toBe('Hello, {name}!');
    expect(translator('en')('staff.learnersInCustody', { count: 3 })).toBe('Learners in custody: 3');
  });

  test('reads the requested language', () => {
    expect(t('ru', 'layout.signOut')).toBe(catalogues.ru['layout.signOut']);
    expect(t('lv', 'layout.signOut')).toBe(catalogues.lv['layout.signOut']);
  });

  test('knows its keys and falls back to Latvian for an unknown locale value', () => {
    expect(isMessageKey('layout.signOut')).toBe(true);
    expect(isMessageKey('layout.nope')).toBe(false);
    expect(isMessageKey('toString')).toBe(false);
    expect(toLocale('ru')).toBe('ru');
    expect(toLocale('de')).toBe('lv');
    expect(toLocale(undefined)).toBe('lv');
  });

  test('dates read as each language writes them', () => {
    expect(formatDate('lv', '2026-03-15T12:00:00Z')).toMatch(/2026/);
    expect(formatDate('en', '2026-03-15T12:00:00Z')).toMatch(/15 Mar 2026/);
  });

  test('numbers and percentages read as each language writes them (a no-break space before % in lv and ru)', () => {
    expect(formatPercent('lv', 28.6)).toBe('28,6\u00a0%');
    expect(formatPercent('en', 28.6)).toBe('28.6%');
    expect(formatPercent('ru', 28.6)).toBe('28,6\u00a0%');
    expect(formatPercent('lv', 100)).toBe('100\u00a0%');
    expect(formatPercent('en', 16.67)).toBe('16.7%');
    expect(formatNumber('lv', 2.5)).toBe('2,5');
    expect(formatNumber('en', 2.5)).toBe('2.5');
    expect(formatNumber('ru', 1234.5)).toBe('1\u00a0234,5');
  });
});
