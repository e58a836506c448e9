import { t } from '../../i18n/index.ts';
import type { Locale } from '../../shared/domain.ts';

/**
 * Why an H5P package was refused. Every code is also a message key of the
 * i18n catalogues (`h5p.*`), shown to the teacher in their language with
 * `{detail}` filled in: the file or the library concerned.
 */
export const H5P_REFUSALS = [
  // The archive itself
  'h5p.notZip',
  'h5p.corruptArchive',
  'h5p.encrypted',
  'h5p.unsupportedCompression',
  // Names inside the archive (zip slip)
  'h5p.pathTraversal',
  'h5p.unsafeName',
  'h5p.symlink',
  'h5p.specialFile',
  'h5p.duplicateName',
  // Limits (zip bomb)
  'h5p.tooManyFiles',
  'h5p.tooLarge',
  'h5p.zipBomb',
  // What the files are
  'h5p.extensionNotAllowed',
  'h5p.svgRefused',
  'h5p.textEncoding',
  'h5p.fileTypeMismatch',
  // The H5P structure
  'h5p.h5pJsonMissing',
  'h5p.h5pJsonNotJson',
  'h5p.h5pJsonInvalid',
  'h5p.contentJsonMissing',
  'h5p.contentJsonInvalid',
  'h5p.libraryFolderName',
  'h5p.libraryJsonMissing',
  'h5p.libraryJsonInvalid',
  'h5p.libraryFolderMismatch',
  'h5p.preloadedFileMissing',
  'h5p.mainLibraryMissing',
  'h5p.libraryMissing',
] as const;

export type H5pRefusalCode = (typeof H5P_REFUSALS)[number];

/** An expected failure: the package is not stored, and the teacher is told why. */
export interface H5pRefusal {
  ok: false;
  code: H5pRefusalCode;
  /** What the refusal is about, in no particular language: a file path, a library with its version, a count. */
  detail: string;
}

export function refuse(code: H5pRefusalCode, detail: string): H5pRefusal {
  return { ok: false, code, detail };
}

/**
 * The refusal as one sentence in `locale`. Messages without a `{detail}`
 * placeholder get the detail appended in brackets, so nothing is lost.
 */
export function describeRefusal(locale: Locale, refusal: Pick<H5pRefusal, 'code' | 'detail'>): string {
  const text = t(locale, refusal.code, { detail: refusal.detail });
  return refusal.detail && !text.includes(refusal.detail) ? `${text} (${refusal.detail})` : text;
}
