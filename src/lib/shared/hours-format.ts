import type { Locale } from './domain.ts';

/** Learning hours are kept and shown in Riga time, whatever the device's clock zone. */
const ZONE = 'Europe/Riga';
const LANG: Record<Locale, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' };

/**
 * Building an Intl formatter costs far more than formatting (it was 4% of the
 * server's time under load when built per call): one per locale and style.
 */
function cached(styles: Map<Locale, Intl.DateTimeFormat>, locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = styles.get(locale);
  if (!f) styles.set(locale, (f = new Intl.DateTimeFormat(LANG[locale], { timeZone: ZONE, ...options })));
  return f;
}
const openings = new Map<Locale, Intl.DateTimeFormat>();
const clocks = new Map<Locale, Intl.DateTimeFormat>();

/** "pirmdiena, 2. marts, 08:00": when learning opens next. */
export function formatOpening(at: number, locale: Locale): string {
  return cached(openings, locale, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(at);
}

/** "21:50": a time of day in Riga. */
export function formatClock(at: number, locale: Locale): string {
  return cached(clocks, locale, { hour: '2-digit', minute: '2-digit' }).format(at);
}
