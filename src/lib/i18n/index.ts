import { en, type MessageKey } from './en.ts';
import { lv } from './lv.ts';
import { ru } from './ru.ts';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../shared/domain.ts';

export type { MessageKey };

/** Every catalogue has every key: the compiler checks the types, tests/unit/i18n checks the values. */
export const catalogues: Record<Locale, Record<MessageKey, string>> = { lv, en, ru };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/**
 * The message `key` in `locale`, with `{name}` placeholders filled from
 * `params`. Falls back to Latvian, then to the key itself (never throws).
 */
export function t(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = (catalogues[locale] ?? catalogues[DEFAULT_LOCALE])[key] ?? catalogues[DEFAULT_LOCALE][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A translator bound to one locale, for templates: `const tr = translator(locale)`. */
export function translator(locale: Locale) {
  return (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params);
}
export type Translator = ReturnType<typeof translator>;

export function toLocale(value: unknown): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** The names of the languages, each in its own language (for the switcher). */
export const LANGUAGE_NAMES: Record<Locale, string> = { lv: 'Latviešu', en: 'English', ru: 'Русский' };

const TAGS: Record<Locale, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' };
// Building an Intl formatter costs more than rendering a page row: keep one per locale and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = withTime
      ? { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Riga' }
      : { dateStyle: 'medium', timeZone: 'Europe/Riga' };
    formatters.set(key, (f = new Intl.DateTimeFormat(TAGS[locale] ?? TAGS.lv, options)));
  }
  return f;
}

/** Dates as the reader expects them (Latvian: 2026. gada 23. nov.), in Riga time. */
export function formatDate(locale: Locale, iso: string | number | Date): string {
  return formatter(locale, false).format(new Date(iso));
}

export function formatDateTime(locale: Locale, iso: string | number | Date): string {
  return formatter(locale, true).format(new Date(iso));
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, style: 'decimal' | 'percent', maxDigits: number): Intl.NumberFormat {
  const key = `${locale}:${style}:${maxDigits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(TAGS[locale] ?? TAGS.lv, { style, maximumFractionDigits: maxDigits })));
  return f;
}

/** A number as the reader writes it: 28,6 in Latvian and Russian, 28.6 in English (at most `maxDigits` decimals, default one). */
export function formatNumber(locale: Locale, value: number, maxDigits = 1): string {
  return numberFormat(locale, 'decimal', maxDigits).format(value);
}

/** A percentage given as 0–100: "28,6 %" (lv, ru), "28.6%" (en), with at most `maxDigits` decimals (default one). */
export function formatPercent(locale: Locale, percent: number, maxDigits = 1): string {
  const text = numberFormat(locale, 'percent', maxDigits).format(percent / 100);
  // CLDR writes "28,6%" for Latvian; Latvian typography (and the issue) wants a space before the sign, as Russian has.
  return locale === 'lv' ? text.replace(/\s?%/, '\u00a0%') : text;
}

/** Active time as "1 h 05 min" / "12 min" in the reader's language. */
export function formatDuration(locale: Locale, seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? t(locale, 'time.hoursMinutes', { h, m: String(m).padStart(2, '0') }) : t(locale, 'time.minutes', { m });
}
