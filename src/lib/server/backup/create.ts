import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { checkDatabase, inspectDatabaseFile } from '../storage/database-file.ts';
import { DATA_PREFIX, DATABASE_ENTRY, MANIFEST_FORMAT, MANIFEST_NAME, MANIFEST_VERSION, type Manifest, type ManifestFile } from './manifest.ts';
import { fsyncPath, isInside, listDataFiles } from './data-files.ts';
import { summarizeDatabase, type BackupSummary } from './summary.ts';

/**
 * `npm run db:backup`: one zip archive of a running installation.
 *
 * 1. The database is copied with `VACUUM INTO` from one read transaction: a
 *    consistent snapshot that writers neither block nor restart (the backup
 *    API copying 100 pages a step restarted on every write and never
 *    finished under steady load). The copy must pass `integrity_check`.
 * 2. Then every other file of the data folder. The database goes first on
 *    purpose: an H5P folder is renamed into place before its rows commit, so
 *    every activity the copied database names is already on disk.
 * 3. A manifest with each file's size and SHA-256, hashed from the very bytes
 *    written into the archive.
 * The archive is written under a temporary name beside the target, flushed,
 * and put in place when complete: the target path never holds a partial backup.
 */

export interface BackupDone {
  ok: true;
  file: string;
  /** Size of the archive. */
  bytes: number;
  /** SHA-256 of the whole archive file. */
  sha256: string;
  summary: BackupSummary;
  /** Files of the data folder besides the database. */
  dataFiles: number;
  /** Entries of the data folder that are not regular files (not backed up). */
  skipped: string[];
}

export type BackupResult = BackupDone | { ok: false; message: string };

export interface BackupSource {
  dataDir: string;
  databaseFile: string;
}

class Refusal extends Error {}

/** Writes the backup archive `target` (which must not exist) of `source`. */
export async function createBackup(source: BackupSource, target: string, now = new Date()): Promise<BackupResult> {
  const out = path.resolve(target);
  const stamp = `${process.pid}-${now.getTime()}`;
  const snapshot = `${out}.${stamp}.db.partial`;
  const partial = `${out}.${stamp}.partial`;
  try {
    if (fs.existsSync(out)) throw new Refusal(`${out} exists already; choose a new file name`);
    if (isInside(out, source.dataDir)) throw new Refusal(`${out} lies inside TILTS_DATA_DIR (${source.dataDir}); write backups elsewhere`);
    if (!fs.existsSync(path.dirname(out))) throw new Refusal(`the folder ${path.dirname(out)} does not exist`);
    if (inspectDatabaseFile(source.databaseFile) === 'missing') throw new Refusal(`no database at ${source.databaseFile} (set TILTS_DATA_DIR)`);
    const copied = copyDatabase(source.databaseFile, snapshot);
    const { files, skipped } = listDataFiles(source.dataDir);
    await writeArchive(partial, [{ rel: DATABASE_ENTRY, full: snapshot }, ...files.map((f) => ({ rel: DATA_PREFIX + f.rel, full: f.full }))], (entries) => ({
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      createdAt: now.toISOString(),
      schemaVersion: copied.schemaVersion,
      files: entries,
    }));
    fsyncPath(partial);
    publish(partial, out);
    fsyncPath(path.dirname(out));
    const bytes = fs.statSync(out).size;
    return { ok: true, file: out, bytes, sha256: await hashFile(out), summary: copied.summary, dataFiles: files.length, skipped };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    // A full disk, a missing folder, no permission: said in one line (SQLite's codes for the copy).
    const plain = ['ENOENT', 'EACCES', 'ENOSPC', 'EROFS', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY'];
    if (typeof code === 'string' && (plain.includes(code) || code.startsWith('SQLITE_IOERR'))) return { ok: false, message: `${(error as Error).message} (${code})` };
    throw error;
  } finally {
    fs.rmSync(snapshot, { force: true });
    fs.rmSync(partial, { force: true });
  }
}

/**
 * Puts the finished archive at `out` without ever replacing a file that
 * appeared there meanwhile (another backup to the same name): a hard link
 * fails when the name exists; file systems without links get a checked rename.
 */
function publish(partial: string, out: string): void {
  try {
    fs.linkSync(partial, out);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Refusal(`${out} appeared while the backup ran; choose a new file name`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  if (fs.existsSync(out)) throw new Refusal(`${out} appeared while the backup ran; choose a new file name`);
  fs.renameSync(partial, out);
}

/** The consistent copy of the live database, integrity-checked, as one self-contained file. */
function copyDatabase(databaseFile: string, snapshot: string): { summary: BackupSummary; schemaVersion: number } {
  const live = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    live.pragma('busy_timeout = 10000');
    live.prepare('VACUUM INTO ?').run(snapshot);
  } finally {
    live.close();
  }
  const copy = new Database(snapshot, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const problems = checkDatabase(copy, 'integrity_check');
    if (problems.length) throw new Refusal(`the copy of the database failed its integrity check: ${problems.join('; ')}`);
    const schemaVersion = (copy.prepare('SELECT max(version) FROM schema_migration').pluck().get() as number | null) ?? 0;
    return { summary: summarizeDatabase(copy), schemaVersion };
  } finally {
    copy.close();
  }
}

/**
 * Streams `entries` into a zip at `file`, hashing each as it is read, and
 * adds the manifest built from those hashes last.
 */
async function writeArchive(file: string, entries: Array<{ rel: string; full: string }>, manifest: (files: ManifestFile[]) => Manifest): Promise<void> {
  const zip = new yazl.ZipFile();
  const done: ManifestFile[] = new Array(entries.length);
  let remaining = entries.length;
  const output = fs.createWriteStream(file, { flags: 'wx' });
  const written = new Promise<void>((resolve, reject) => {
    output.once('close', resolve);
    output.once('error', reject);
    zip.once('error', reject);
  });
  zip.outputStream.pipe(output);
  const finish = () => {
    zip.addBuffer(Buffer.from(JSON.stringify(manifest(done), null, 2) + '\n'), MANIFEST_NAME);
    zip.end();
  };
  entries.forEach((entry, index) => {
    // Permission bits travel with each file (a key file readable by its owner only stays so).
    const mode = fs.statSync(entry.full).mode;
    zip.addReadStreamLazy(entry.rel, { mode }, (callback) => {
      const hash = createHash('sha256');
      let bytes = 0;
      const stream = fs.createReadStream(entry.full);
      stream.on('data', (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      stream.once('error', (error) => zip.emit('error', new Refusal(`${entry.full} could not be read (${(error as NodeJS.ErrnoException).code ?? error.message}); run the backup again`)));
      stream.once('end', () => {
        done[index] = { path: entry.rel, bytes, sha256: hash.digest('hex') };
        if (--remaining === 0) finish();
      });
      callback(null, stream);
    });
  });
  if (entries.length === 0) finish();
  await written;
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
