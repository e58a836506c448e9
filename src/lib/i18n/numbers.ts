import type { Locale } from '../shared/domain.ts';

/**
 * Numbers as the reader writes them: Latvian and Russian "28,6 %", English
 * "28.6%". Intl formatters are costly to build, so one per locale and style.
 */
const TAGS: Record<Locale, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' };
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, style: 'decimal' | 'percent', maxDigits: number): Intl.NumberFormat {
  const key = `${locale}:${style}:${maxDigits}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(TAGS[locale] ?? TAGS.lv, { style, maximumFractionDigits: maxDigits })));
  return f;
}

/** A number with at most `maxDigits` decimals (default 1). */
export function formatNumber(locale: Locale, value: number, maxDigits = 1): string {
  return numberFormat(locale, 'decimal', maxDigits).format(value);
}

/** A percentage given as 0–100 (as the domain stores it), with at most `maxDigits` decimals (default 0). */
export function formatPercent(locale: Locale, percent: number, maxDigits = 0): string {
  return numberFormat(locale, 'percent', maxDigits).format(percent / 100);
}
