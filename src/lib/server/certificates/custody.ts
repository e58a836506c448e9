import { stmt, type Db } from '../db.ts';
import { CUSTODY_TERMS } from './custody-words.ts';

/**
 * The custody check: no free text that reaches a document (a provider's name,
 * course, module and programme titles, the holder's name, corrections on
 * re-issue) may reveal that the learning happened in prison. Text is
 * compared word by word, case-insensitive, after Unicode normalisation
 * (NFKC, invisible characters removed), without diacritics (Latvian typed
 * with or without them: "cietumā" = "cietuma"), ё = е, and with Cyrillic and
 * Latin look-alike letters in one word read both ways ("prisоn" with a
 * Cyrillic о). Every facility's name counts too, with Latvian endings free
 * ("Olaines cietumā"), but only as the whole name: "Olaines" alone is a town.
 */

/** Text refused because it names custody: which field, and the words as written. */
export interface CustodyRefusal {
  ok: false;
  code: 'certificate.custodyWord';
  field: string;
  word: string;
}

/** A term: consecutive whole words, each matched by one anchored pattern. */
type Term = readonly RegExp[];

const compile = (words: readonly string[]): Term => words.map((w) => new RegExp(`^(?:${w})$`, 'u'));
const VOCABULARY: readonly Term[] = CUSTODY_TERMS.map(compile);

// Look-alike letters (lower case) for words that mix scripts.
const CYRILLIC_TO_LATIN: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', һ: 'h', к: 'k', м: 'm', т: 't', в: 'b', н: 'h' };
const LATIN_TO_CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', y: 'у', x: 'х', k: 'к', m: 'м', t: 'т', b: 'в', h: 'н' };

/** One word folded for comparison: lower case, no diacritics (ā → a, ё → е, й → и). */
export function foldToken(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The readings of a folded word: itself, and for a word mixing Latin and Cyrillic letters, each script's reading. */
function readings(folded: string): string[] {
  if (!(/\p{Script=Latin}/u.test(folded) && /\p{Script=Cyrillic}/u.test(folded))) return [folded];
  const map = (table: Record<string, string>) => [...folded].map((c) => table[c] ?? c).join('');
  return [folded, map(CYRILLIC_TO_LATIN), map(LATIN_TO_CYRILLIC)];
}

interface Token {
  start: number;
  end: number;
  readings: string[];
}

function tokenize(text: string): { clean: string; tokens: Token[] } {
  // NFKC folds compatibility forms (ﬁ, full-width letters); format characters (soft hyphen, zero-width joiners) would split words.
  const clean = text.normalize('NFKC').replace(/\p{Cf}/gu, '');
  const tokens = [...clean.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, readings: readings(foldToken(m[0])) }));
  return { clean, tokens };
}

/** The length in words of `term` matched at token `i`, or 0. */
function matchAt(tokens: readonly Token[], i: number, term: Term): number {
  if (i + term.length > tokens.length) return 0;
  return term.every((pattern, k) => tokens[i + k]!.readings.some((r) => pattern.test(r))) ? term.length : 0;
}

// Latvian endings (folded), longest first: a facility's name matches in any case ("Olaines cietumā", "Rīgas Centrālcietumam").
const ENDINGS = /(ajiem|ajam|ajai|iem|am|em|im|ai|ei|as|es|is|us|os|a|e|i|o|s|u)$/u;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The term for one facility's name: every word with its Latvian ending free. */
export function facilityTerm(name: string): Term | null {
  const words = tokenize(name).tokens.map((t) => t.readings[0]!);
  if (!words.length) return null;
  return words.map((w) => {
    const stem = w.replace(ENDINGS, '');
    return new RegExp(stem.length >= 3 ? `^${escape(stem)}\\p{L}{0,5}$` : `^${escape(w)}$`, 'u');
  });
}

/**
 * The first custody word or phrase in `text`, as written there (the longest
 * term starting at the leftmost word that matches), or null.
 */
export function findCustodyWord(text: string, facilityNames: readonly string[] = []): string | null {
  const { clean, tokens } = tokenize(text);
  const terms = [...VOCABULARY, ...facilityNames.map(facilityTerm).filter((t): t is Term => t !== null)];
  for (let i = 0; i < tokens.length; i++) {
    const length = Math.max(0, ...terms.map((term) => matchAt(tokens, i, term)));
    if (length > 0) return clean.slice(tokens[i]!.start, tokens[i + length - 1]!.end);
  }
  return null;
}

/** Every facility's name, active or not (a closed prison's name still reveals custody). */
export function facilityNames(db: Db): string[] {
  return stmt(db, 'SELECT name FROM facility ORDER BY id').pluck().all() as string[];
}

/** What a field holds: one text, texts in several languages, or nothing. */
export type CustodyFieldValue = string | null | undefined | ReadonlyArray<string | null | undefined>;

/**
 * Checks every field (in order) against the vocabulary and the facilities'
 * names; the refusal names the first field and the words found.
 */
export function checkCustody(db: Db, fields: Record<string, CustodyFieldValue>): CustodyRefusal | null {
  const names = facilityNames(db);
  for (const [field, value] of Object.entries(fields)) {
    const texts = Array.isArray(value) ? value : [value];
    for (const text of texts) {
      const word = typeof text === 'string' ? findCustodyWord(text, names) : null;
      if (word) return { ok: false, code: 'certificate.custodyWord', field, word };
    }
  }
  return null;
}
