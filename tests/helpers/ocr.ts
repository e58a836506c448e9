import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Reading a PDF the way a person does: poppler's pdftoppm draws the first page
 * as an image and tesseract reads the image back. Text extraction alone proves
 * nothing about what a viewer shows (issue 12: the text was extractable while
 * most letters were drawn blank). Without the tools the tests are skipped with
 * a message, except in CI (CI=true), where their absence fails the run.
 */

function runs(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
}

function tesseractLanguages(): string[] {
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout}${r.stderr}`.split('\n').map((l) => l.trim()) : [];
}

const missing: string[] = [];
if (!runs('pdftoppm', ['-v'])) missing.push('pdftoppm (apt-get install poppler-utils)');
const languages = tesseractLanguages();
if (!languages.length) missing.push('tesseract (apt-get install tesseract-ocr)');
else for (const lang of ['lav', 'rus', 'eng']) if (!languages.includes(lang)) missing.push(`tesseract language ${lang} (apt-get install tesseract-ocr-${lang})`);

export const ocrAvailable = missing.length === 0;
if (!ocrAvailable && process.env.CI === 'true') throw new Error(`The PDF rendering tests need ${missing.join(', ')}; .ci/run installs them.`);
/** Appended to the names of describe blocks that need the tools. */
export const NEEDS_OCR = ocrAvailable ? '' : ` — SKIPPED: missing ${missing.join(', ')}`;
if (!ocrAvailable) console.warn(`PDF rendering tests skipped: missing ${missing.join(', ')} (set CI=true to make this an error).`);

/**
 * The text a person would read on the first page of `pdf`, rendered once at
 * `dpi` and read by tesseract once per entry of `langs` (e.g. ['lav', 'eng']):
 * a reading per language, because each model is biased to its own alphabet
 * (with English beside it, tesseract reads 'Līga' as 'Liga'; Latvian alone
 * reads the Q of a serial as O, a letter Latvian has but its alphabet lacks).
 */
export function readFirstPage(pdf: Uint8Array, langs: readonly string[], dpi = 150): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-ocr-'));
  try {
    fs.writeFileSync(path.join(dir, 'doc.pdf'), pdf);
    const render = spawnSync('pdftoppm', ['-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', '-png', 'doc.pdf', 'page'], { cwd: dir, encoding: 'utf8' });
    if (render.status !== 0) throw new Error(`pdftoppm failed: ${render.stderr}`);
    return langs.map((lang) => {
      const ocr = spawnSync('tesseract', ['page.png', '-', '-l', lang], { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
      if (ocr.status !== 0) throw new Error(`tesseract failed: ${ocr.stderr}`);
      return ocr.stdout;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Lower case, one kind of dash and quote, single spaces. */
export function normalise(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `needle` is in the text exactly once spaces are removed (serials: OCR may split them). */
export function containsWithoutSpaces(text: string, needle: string): boolean {
  return normalise(text).replace(/ /g, '').includes(normalise(needle).replace(/ /g, ''));
}

/**
 * The fewest edits (insert, delete, substitute a character) that turn `needle`
 * into some stretch of `text` (Sellers' approximate substring match), both
 * normalised: how far the best reading in the text is from `needle`.
 */
export function fuzzyDistance(text: string, needle: string): number {
  const t = [...normalise(text)];
  const n = [...normalise(needle)];
  let previous = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= n.length; i++) {
    const current = new Array<number>(t.length + 1);
    current[0] = i;
    for (let j = 1; j <= t.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (n[i - 1] === t[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return Math.min(...previous);
}
