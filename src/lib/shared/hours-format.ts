import type { Locale } from './domain.ts';

/** Learning hours are kept and shown in Riga time, whatever the device's clock zone. */
const ZONE = 'Europe/Riga';
const LANG: Record<Locale, string> = { lv: 'lv-LV', en: 'en-GB', ru: 'ru-RU' };

/** "pirmdiena, 2. marts, 08:00": when learning opens next. */
export function formatOpening(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(LANG[locale], { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(at);
}

/** "21:50": a time of day in Riga. */
export function formatClock(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(LANG[locale], { timeZone: ZONE, hour: '2-digit', minute: '2-digit' }).format(at);
}
