import fs from 'node:fs';
import path from 'node:path';

/**
 * The files of a data folder that a backup carries: everything, except the
 * live database (copied consistently on its own) with its -wal/-shm/-journal
 * companions, H5P imports still being written (h5p/.tmp, never served) and
 * the start's write probe.
 */

const LIVE_DATABASE = new Set(['tilts.db', 'tilts.db-wal', 'tilts.db-shm', 'tilts.db-journal']);
const SCRATCH_FOLDERS = new Set(['h5p/.tmp']);

export interface DataFile {
  /** `/`-separated path relative to the data folder. */
  rel: string;
  full: string;
}

export interface DataFolderListing {
  files: DataFile[];
  /** Entries that are neither files nor folders (links, sockets): named so the operator knows. */
  skipped: string[];
}

export function listDataFiles(dataDir: string): DataFolderListing {
  const files: DataFile[] = [];
  const skipped: string[] = [];
  const walk = (dir: string, relDir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (!relDir && (LIVE_DATABASE.has(entry.name) || entry.name.startsWith('.write-probe-'))) continue;
      if (entry.isDirectory()) {
        if (!SCRATCH_FOLDERS.has(rel)) walk(full, rel);
      } else if (entry.isFile()) files.push({ rel, full });
      else skipped.push(rel);
    }
  };
  walk(dataDir, '');
  return { files, skipped };
}

/** True when `child` is `parent` or lies inside it (after resolving both). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Flushes a file or a folder's entries to the disk. */
export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
