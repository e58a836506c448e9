import type yauzl from 'yauzl';
import { checkLibraries, libraryLabel, parseJson, resolveDependencies, type PackageLibrary } from './libraries.ts';
import { refuse, type H5pRefusal } from './refusal.ts';
import { CONTENT_EXTENSIONS, firstIssue, h5pJsonSchema, LIBRARY_EXTENSIONS, LIBRARY_FOLDER, type H5pJson } from './schema.ts';
import { extensionOf, fileContentProblem } from './file-types.ts';
import { svgProblem } from './svg.ts';
import { DEFAULT_H5P_LIMITS, inflateEntry, listZip, type H5pLimits, type ZipEntryInfo } from './zip.ts';

/**
 * Validation of an uploaded .h5p package, before anything is stored. The
 * order is fixed: the archive (zip.ts: names, links, sizes), the file types,
 * the library folder names, then — inflating within the limits — h5p.json,
 * content/content.json, every library.json, the dependencies, then every
 * file's bytes (text must be plain UTF-8, pictures, fonts and media what their
 * extension says: file-types.ts) and the SVG pictures. The first problem
 * refuses the package with its code.
 */

export { DEFAULT_H5P_LIMITS, type H5pLimits } from './zip.ts';
export { libraryLabel, type PackageLibrary } from './libraries.ts';

/** A package that passed every check, ready to be stored. */
export interface ValidatedPackage {
  /** The content's title from h5p.json. */
  title: string;
  h5pJson: H5pJson;
  /** h5p.json as written in the package. */
  h5pJsonText: string;
  /** content/content.json as written in the package: the content's parameters. */
  contentJsonText: string;
  /** The library that plays the content. */
  mainLibrary: PackageLibrary;
  /** Every library folder of the package (also those only the editor needs). */
  libraries: PackageLibrary[];
  /** The files of the content folder by their path inside it (content.json included). */
  contentFiles: Map<string, Buffer>;
  /** Bytes unpacked, counted while inflating. */
  unpackedBytes: number;
}

export type H5pValidation = { ok: true; package: ValidatedPackage } | H5pRefusal;

/** H5P ignores files and folders whose name starts with `.` or `_` (`.DS_Store`, `__MACOSX/`): so do we, and they are never stored. */
const isIgnored = (name: string) => name.split('/').some((s) => s.startsWith('.') || s.startsWith('_'));

/** Where a file belongs: the package root, the content folder, or a library folder. */
function placeOf(name: string): { kind: 'root' } | { kind: 'content'; path: string } | { kind: 'library'; folder: string; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { kind: 'root' };
  const top = name.slice(0, slash);
  const path = name.slice(slash + 1);
  return top === 'content' ? { kind: 'content', path } : { kind: 'library', folder: top, path };
}

/** File types and library folder names: decided from the names alone, before anything is inflated. */
function checkNames(entries: ZipEntryInfo[]): H5pRefusal | null {
  if (!entries.some((e) => e.name === 'h5p.json' && !e.isDirectory)) {
    // A common slip: the folder was packed instead of its contents.
    const nested = entries.find((e) => e.name.endsWith('/h5p.json') && !isIgnored(e.name));
    return refuse('h5p.h5pJsonMissing', nested ? nested.name : '');
  }
  for (const e of entries) {
    if (e.isDirectory || isIgnored(e.name)) continue;
    const place = placeOf(e.name);
    const allowed = place.kind === 'library' ? LIBRARY_EXTENSIONS : CONTENT_EXTENSIONS;
    if (!allowed.has(extensionOf(e.name))) return refuse('h5p.extensionNotAllowed', e.name);
  }
  for (const e of entries) {
    if (isIgnored(e.name)) continue;
    const top = e.name.split('/')[0]!;
    const isFolder = e.isDirectory || e.name.includes('/');
    if (isFolder && top !== 'content' && !LIBRARY_FOLDER.test(top)) return refuse('h5p.libraryFolderName', top);
  }
  return null;
}

async function readFiles(zip: yauzl.ZipFile, entries: ZipEntryInfo[], limits: H5pLimits) {
  const budget = { remaining: limits.maxTotalBytes };
  const files = new Map<string, Buffer>();
  for (const e of entries) {
    if (e.isDirectory || isIgnored(e.name)) continue;
    // Other files at the root are never used (H5P ignores them too): not inflated, not stored.
    if (placeOf(e.name).kind === 'root' && e.name !== 'h5p.json') continue;
    const data = await inflateEntry(zip, e, budget);
    if (!Buffer.isBuffer(data)) return data;
    files.set(e.name, data);
  }
  return { files, unpackedBytes: limits.maxTotalBytes - budget.remaining };
}

function checkStructure(files: Map<string, Buffer>, unpackedBytes: number): H5pValidation {
  const h5pBytes = files.get('h5p.json');
  if (!h5pBytes) return refuse('h5p.h5pJsonMissing', '');
  const h5pRead = parseJson(h5pBytes);
  if ('error' in h5pRead) return refuse('h5p.h5pJsonNotJson', h5pRead.error);
  const h5p = h5pJsonSchema.safeParse(h5pRead.value);
  if (!h5p.success) return refuse('h5p.h5pJsonInvalid', firstIssue(h5p.error));

  const contentBytes = files.get('content/content.json');
  if (!contentBytes) return refuse('h5p.contentJsonMissing', 'content/content.json');
  const contentRead = parseJson(contentBytes);
  if ('error' in contentRead) return refuse('h5p.contentJsonInvalid', contentRead.error);
  if (typeof contentRead.value !== 'object' || contentRead.value === null || Array.isArray(contentRead.value)) {
    return refuse('h5p.contentJsonInvalid', 'not a JSON object');
  }

  const contentFiles = new Map<string, Buffer>();
  const folders = new Map<string, Map<string, Buffer>>();
  for (const [name, data] of files) {
    const place = placeOf(name);
    if (place.kind === 'content') contentFiles.set(place.path, data);
    if (place.kind === 'library') {
      let folder = folders.get(place.folder);
      if (!folder) folders.set(place.folder, (folder = new Map()));
      folder.set(place.path, data);
    }
  }
  const checked = checkLibraries(folders);
  if (!checked.ok) return checked;
  const resolved = resolveDependencies(h5p.data, checked.libraries);
  if (!resolved.ok) return resolved;

  for (const [name, data] of files) {
    // What the browser will be served must be what its name says, decoded as we decode it (file-types.ts).
    const content = fileContentProblem(name, data);
    if (content) return refuse(content.code === 'encoding' ? 'h5p.textEncoding' : 'h5p.fileTypeMismatch', `${name}: ${content.reason}`);
    if (extensionOf(name) !== 'svg') continue;
    const problem = svgProblem(data);
    if (problem) return refuse('h5p.svgRefused', `${name}: ${problem}`);
  }
  return {
    ok: true,
    package: {
      title: h5p.data.title,
      h5pJson: h5p.data,
      h5pJsonText: h5pRead.text,
      contentJsonText: contentRead.text,
      mainLibrary: resolved.main,
      libraries: checked.libraries,
      contentFiles,
      unpackedBytes,
    },
  };
}

/**
 * Checks an uploaded .h5p package (the bytes of the file) against the
 * archive rules and the H5P format, within `DEFAULT_H5P_LIMITS` unless some
 * are overridden. Stores nothing and touches no disk.
 */
export async function validateH5pPackage(bytes: Buffer, overrides: Partial<H5pLimits> = {}): Promise<H5pValidation> {
  const limits: H5pLimits = { ...DEFAULT_H5P_LIMITS, ...overrides };
  const listing = await listZip(bytes, limits);
  if (!listing.ok) return listing;
  try {
    const named = checkNames(listing.entries);
    if (named) return named;
    const read = await readFiles(listing.zip, listing.entries, limits);
    if (!('files' in read)) return read;
    return checkStructure(read.files, read.unpackedBytes);
  } finally {
    listing.zip.close();
  }
}

/** `H5P.MultiChoice 1.14.6`: the main library of a validated package. */
export function mainLibraryLabel(pkg: ValidatedPackage): string {
  return libraryLabel(pkg.mainLibrary);
}
