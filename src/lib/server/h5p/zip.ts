import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { refuse, type H5pRefusal } from './refusal.ts';

/**
 * Reading an uploaded ZIP archive without trusting it. The central directory
 * is checked entry by entry before a single byte is inflated (names, links,
 * encryption, the sizes the headers state); then entries are inflated one at
 * a time while the bytes actually produced are counted, so a header that lies
 * about a size cannot make us unpack more than the limits allow.
 */

/** How much an archive may unpack to. */
export interface H5pLimits {
  /** Entries (files and folders) in the archive. */
  maxEntries: number;
  /** Sum of the unpacked sizes of all entries, in bytes. */
  maxTotalBytes: number;
  /** Unpacked size ÷ packed size above which an entry, or the whole archive, is treated as a zip bomb. */
  maxRatio: number;
  /** Entries (and archives) smaller than this, unpacked, are not ratio-checked: small text compresses very well. */
  ratioMinBytes: number;
}

export const DEFAULT_H5P_LIMITS: H5pLimits = {
  maxEntries: 5_000,
  maxTotalBytes: 100 * 1024 * 1024,
  maxRatio: 100,
  ratioMinBytes: 1024 * 1024,
};

/** One entry of the central directory, checked. */
export interface ZipEntryInfo {
  /** The path inside the archive, `/`-separated, without a trailing `/` for folders. */
  name: string;
  isDirectory: boolean;
  /** Unpacked size as the header states it (trusted only as an upper bound). */
  declaredSize: number;
  entry: yauzl.Entry;
}

export type ZipListing = { ok: true; zip: yauzl.ZipFile; entries: ZipEntryInfo[] } | H5pRefusal;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** A name as it may be shown: control characters escaped. */
export function shownName(name: string): string {
  return name.replace(/[\x00-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The refusal for an unsafe entry name, or null. Works on the raw name, before any normalisation. */
export function checkEntryName(raw: string): H5pRefusal | null {
  const shown = shownName(raw);
  if (raw.includes('\\')) return refuse('h5p.pathTraversal', shown);
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) return refuse('h5p.pathTraversal', shown);
  const segments = (raw.endsWith('/') ? raw.slice(0, -1) : raw).split('/');
  if (segments.includes('..')) return refuse('h5p.pathTraversal', shown);
  if (/[\x00-\x1f\x7f:]/.test(raw)) return refuse('h5p.unsafeName', shown);
  if (raw.length > 1000 || segments.some((s) => s === '' || s === '.' || Buffer.byteLength(s) > 255)) {
    return refuse('h5p.unsafeName', shown);
  }
  return null;
}

/** Names that differ only in letter case or Unicode normalisation are one name on some disks. */
const nameKey = (name: string) => name.normalize('NFC').toLowerCase();

function checkEntry(entry: yauzl.Entry, name: string, limits: H5pLimits): H5pRefusal | null {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) return refuse('h5p.symlink', name);
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return refuse('h5p.specialFile', name);
  if (entry.isEncrypted()) return refuse('h5p.encrypted', name);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return refuse('h5p.unsupportedCompression', name);
  const size = entry.uncompressedSize;
  if (size > limits.maxTotalBytes) return refuse('h5p.tooLarge', `${name}: ${mb(size)} > ${mb(limits.maxTotalBytes)}`);
  if (size > limits.ratioMinBytes && size > limits.maxRatio * entry.compressedSize) {
    return refuse('h5p.zipBomb', `${name}: ${kb(entry.compressedSize)} → ${mb(size)}`);
  }
  return null;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function openBuffer(bytes: Buffer): Promise<yauzl.ZipFile | Error> {
  return new Promise((resolve) => {
    // decodeStrings: false — names arrive raw, and we judge them ourselves (yauzl would
    // silently turn backslashes into slashes). validateEntrySizes: false — we count.
    yauzl.fromBuffer(bytes, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }, (err, zip) =>
      resolve(err ?? zip),
    );
  });
}

/**
 * Opens the archive and checks its central directory: entry count, names
 * (zip slip), links and special files, duplicates, encryption, compression
 * methods and the stated sizes. Nothing is inflated yet.
 */
export async function listZip(bytes: Buffer, limits: H5pLimits): Promise<ZipListing> {
  if (bytes.length > limits.maxTotalBytes) return refuse('h5p.tooLarge', `${mb(bytes.length)} > ${mb(limits.maxTotalBytes)}`);
  const opened = bytes.length === 0 ? new Error('empty file') : await openBuffer(bytes);
  if (opened instanceof Error) return refuse('h5p.notZip', opened.message);
  const zip = opened;
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    return refuse('h5p.tooManyFiles', `${zip.entryCount} > ${limits.maxEntries}`);
  }
  const refused = (r: H5pRefusal) => (zip.close(), r);
  const entries: ZipEntryInfo[] = [];
  const seen = new Map<string, string>();
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const bad = checkEntryName(raw);
      if (bad) return refused(bad);
      const isDirectory = raw.endsWith('/');
      const name = isDirectory ? raw.slice(0, -1) : raw;
      const problem = checkEntry(entry, name, limits);
      if (problem) return refused(problem);
      const key = nameKey(name);
      const twin = seen.get(key);
      if (twin !== undefined) return refused(refuse('h5p.duplicateName', twin === name ? name : `${twin}, ${name}`));
      seen.set(key, name);
      total += entry.uncompressedSize;
      entries.push({ name, isDirectory, declaredSize: entry.uncompressedSize, entry });
    }
  } catch (e) {
    return refused(refuse('h5p.corruptArchive', (e as Error).message));
  }
  // A file and a folder of the same name (`a` and `a/b`) cannot both exist on disk.
  const files = new Map(entries.filter((e) => !e.isDirectory).map((e) => [nameKey(e.name), e.name]));
  for (const e of entries) {
    const parts = e.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = files.get(nameKey(parts.slice(0, i).join('/')));
      if (parent !== undefined) return refused(refuse('h5p.duplicateName', `${parent}, ${e.name}`));
    }
  }
  if (total > limits.maxTotalBytes) return refused(refuse('h5p.tooLarge', `${mb(total)} > ${mb(limits.maxTotalBytes)}`));
  if (total > limits.ratioMinBytes && total > limits.maxRatio * bytes.length) {
    return refused(refuse('h5p.zipBomb', `${kb(bytes.length)} → ${mb(total)}`));
  }
  return { ok: true, zip, entries };
}

/** Bytes still allowed to be inflated from one archive. */
export interface InflateBudget {
  remaining: number;
}

/**
 * Inflates one entry, counting the bytes actually produced: more than the
 * header stated (or than the budget holds) stops the inflation at once; fewer,
 * or a wrong checksum, means a damaged archive.
 */
export function inflateEntry(zip: yauzl.ZipFile, info: ZipEntryInfo, budget: InflateBudget): Promise<Buffer | H5pRefusal> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: Buffer | H5pRefusal) => {
      if (!settled) ((settled = true), resolve(value));
    };
    zip.openReadStream(info.entry, (err, stream) => {
      if (err) return settle(refuse('h5p.corruptArchive', `${info.name}: ${err.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      let crc = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > info.declaredSize) {
          stream.destroy();
          return settle(refuse('h5p.zipBomb', `${info.name}: > ${info.declaredSize} B`));
        }
        if (size > budget.remaining) {
          stream.destroy();
          return settle(refuse('h5p.tooLarge', info.name));
        }
        crc = zlib.crc32(chunk, crc);
        chunks.push(chunk);
      });
      stream.on('error', (e: Error) => settle(refuse('h5p.corruptArchive', `${info.name}: ${e.message}`)));
      stream.on('end', () => {
        if (size !== info.declaredSize) return settle(refuse('h5p.corruptArchive', `${info.name}: < ${info.declaredSize} B`));
        if (crc !== info.entry.crc32) return settle(refuse('h5p.corruptArchive', `${info.name}: CRC-32`));
        budget.remaining -= size;
        settle(Buffer.concat(chunks, size));
      });
    });
  });
}
