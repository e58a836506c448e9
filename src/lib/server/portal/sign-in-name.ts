import { stmt, type Db } from '../db.ts';

// Russian and Ukrainian letters in a plain Latin transliteration (as on a keyboard without Cyrillic).
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'e', ж: 'zh', з: 'z', и: 'i', і: 'i', ї: 'i', й: 'y',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/**
 * A name in lowercase ASCII letters and digits: Latvian diacritics dropped
 * (Celmiņš → celmins), Cyrillic transliterated (Пётр → petr), anything else
 * removed; words joined with '-'.
 */
export function foldToAscii(name: string): string {
  const lower = name.toLowerCase();
  let out = '';
  for (const ch of lower) out += CYRILLIC[ch] ?? ch;
  return out
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const MAX_BASE = 32;

/**
 * A free sign-in name for a released person: `given.surname` from the first
 * given name, ASCII-folded (`raivis.celmins`), with a number added when it is
 * taken (`raivis.celmins2`). Always matches the staff username rule.
 */
export function freeSignInName(db: Db, givenNames: string, surname: string): string {
  const given = foldToAscii(givenNames.trim().split(/\s+/)[0] ?? '');
  const family = foldToAscii(surname);
  let base = [given, family].filter(Boolean).join('.').slice(0, MAX_BASE).replace(/[.-]+$/, '');
  if (base.length < 3) base = `tilts.${base || 'portals'}`.replace(/[.-]+$/, '');
  const taken = stmt(db, 'SELECT 1 FROM user WHERE username = ?').pluck();
  if (!taken.get(base)) return base;
  for (let n = 2; ; n++) if (!taken.get(`${base}${n}`)) return `${base}${n}`;
}
