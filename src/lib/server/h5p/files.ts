import fs from 'node:fs';
import path from 'node:path';

/**
 * Where H5P files live, and how they get there. Everything is under
 * TILTS_DATA_DIR/h5p/ (one file system, so a rename is atomic):
 *
 *   libraries/<machine>-<major>.<minor>.<patch>/   one folder per library version
 *   content/<content id>/                          the files of one activity's content/ folder
 *   .tmp/<import>/                                 an import being written
 *
 * Why the disk and not a blob table: the player fetches hundreds of small
 * scripts, styles, fonts and pictures per activity; served as files they are
 * streamed with ranges and caching by the static file server and cost the
 * database nothing, and the database (and its backups) stays small. The price
 * is that the disk and the database must agree; they do because a folder is
 * only ever made visible whole (written under .tmp/, flushed, then renamed),
 * and only the database rows make a folder reachable: a folder without its row
 * is an orphan of an interrupted import that `cleanupH5pOrphans` removes.
 */
export interface H5pPaths {
  root: string;
  libraries: string;
  content: string;
  tmp: string;
}

export function h5pPaths(dataDir: string): H5pPaths {
  const root = path.join(dataDir, 'h5p');
  return { root, libraries: path.join(root, 'libraries'), content: path.join(root, 'content'), tmp: path.join(root, '.tmp') };
}

/** `H5P.MultiChoice-1.14.6`: the folder of a stored library version. */
export function libraryFolderName(lib: { machineName: string; majorVersion: number; minorVersion: number; patchVersion: number }): string {
  return `${lib.machineName}-${lib.majorVersion}.${lib.minorVersion}.${lib.patchVersion}`;
}

/** `root/rel`, refusing (as a bug: validation already checked the names) any path that leaves `root`. */
export function insideFolder(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`path leaves its folder: ${rel}`);
  return full;
}

/** Flushes a folder's entries (new names, renames) to the disk. */
export function syncFolder(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const PARALLEL_WRITES = 16;

/**
 * Writes `files` (path inside `dir` → bytes) into the new folder `dir`, each
 * file created exclusively (never through something already there) and
 * flushed, then every folder flushed: once this resolves, a rename of `dir`
 * publishes complete files even across a power cut.
 */
export async function writeTree(dir: string, files: Map<string, Buffer>): Promise<void> {
  fs.mkdirSync(dir, { recursive: false });
  const folders = new Set<string>([dir]);
  for (const rel of files.keys()) {
    const parent = path.dirname(insideFolder(dir, rel));
    if (!folders.has(parent)) fs.mkdirSync(parent, { recursive: true });
    for (let p = parent; p.startsWith(dir) && !folders.has(p); p = path.dirname(p)) folders.add(p);
  }
  const queue = [...files];
  const worker = async () => {
    for (let next = queue.pop(); next; next = queue.pop()) {
      const handle = await fs.promises.open(insideFolder(dir, next[0]), 'wx');
      try {
        await handle.writeFile(next[1]);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_WRITES }, worker));
  for (const folder of folders) syncFolder(folder);
}

/** Moves `target` out of the way into `trash` when something is there (an orphan of an interrupted import). */
export function moveAside(target: string, trash: string): void {
  if (!fs.existsSync(target)) return;
  fs.renameSync(target, path.join(trash, `stale-${path.basename(target)}-${process.hrtime.bigint()}`));
}
