import fs from 'node:fs';
import path from 'node:path';

/**
 * The shared H5P sample packages (`../shared/h5p-samples` next to the
 * repository; never copied into it). Without them the sample tests are
 * skipped with a message, except in CI (CI=true), where their absence fails
 * the run: a CI that silently skips them would prove nothing.
 */
export const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../../shared/h5p-samples');

export const samplesPresent = fs.existsSync(path.join(SAMPLES_DIR, 'valid')) && fs.existsSync(path.join(SAMPLES_DIR, 'invalid'));

if (!samplesPresent && process.env.CI === 'true') {
  throw new Error(`The H5P sample packages are missing: expected ${SAMPLES_DIR}/valid and /invalid. CI must provide ../shared/h5p-samples.`);
}

/** Appended to the names of describe blocks that need the samples. */
export const NEEDS_SAMPLES = samplesPresent ? '' : ` — SKIPPED: no H5P samples at ${SAMPLES_DIR}`;
if (!samplesPresent) console.warn(`H5P sample tests skipped: ${SAMPLES_DIR} not found (set CI=true to make this an error).`);

/** The .h5p files of one sample folder, by file name. */
export function sampleFiles(kind: 'valid' | 'invalid'): string[] {
  if (!samplesPresent) return [];
  return fs
    .readdirSync(path.join(SAMPLES_DIR, kind))
    .filter((f) => f.endsWith('.h5p'))
    .sort();
}

export function readSample(kind: 'valid' | 'invalid', file: string): Buffer {
  return fs.readFileSync(path.join(SAMPLES_DIR, kind, file));
}
