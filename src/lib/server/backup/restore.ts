import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { checkDatabase } from '../storage/database-file.ts';
import { DATA_PREFIX, DATABASE_ENTRY, MANIFEST_NAME, manifestSchema, type Manifest, type ManifestFile } from './manifest.ts';
import { fsyncPath } from './data-files.ts';
import { checkAuditChain, summarizeDatabase, type BackupSummary } from './summary.ts';

/**
 * `npm run db:restore`: a backup archive back into an EMPTY data folder.
 * Everything is unpacked into a new folder beside the target, and only when
 * every file matched its SHA-256, the database passed `integrity_check` and
 * its audit chain verified is that folder renamed into place. A corrupt or
 * foreign archive therefore leaves nothing behind: the target stays as it was.
 */

export interface RestoreDone {
  ok: true;
  dataDir: string;
  summary: BackupSummary;
  /** Files of the data folder besides the database. */
  dataFiles: number;
  /** When the backup was taken. */
  createdAt: string;
}

export type RestoreResult = RestoreDone | { ok: false; message: string };

class Refusal extends Error {}

export interface RestoreOptions {
  /** The newest migration this Tilts knows: a backup of a newer database is refused (its code would not fit). */
  newestMigration?: number;
}

/** Restores `archive` into `dataDir`, which must be missing or empty. */
export async function restoreBackup(archive: string, dataDir: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const target = path.resolve(dataDir);
  let staging: string | null = null;
  let zip: yauzl.ZipFile | null = null;
  try {
    refuseNonEmpty(target);
    const source = path.resolve(archive);
    if (!fs.existsSync(source) || !fs.statSync(source).isFile()) throw new Refusal(`${source} is not a file`);
    zip = await openArchive(source);
    const entries = await listEntries(zip);
    const manifest = await readManifest(zip, entries);
    checkEntriesMatch(entries, manifest);
    if (options.newestMigration !== undefined && manifest.schemaVersion > options.newestMigration) {
      throw new Refusal(`this backup comes from a newer Tilts (database migration ${manifest.schemaVersion}; this one knows up to ${options.newestMigration}): restore it with that version or a later one`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.restoring-`));
    for (const file of manifest.files) await extract(zip, entries.get(file.path)!, file, staging);
    const summary = checkRestoredDatabase(staging);
    // Still empty? (nobody started a server on it meanwhile)
    refuseNonEmpty(target);
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(staging, target);
    staging = null;
    fsyncPath(path.dirname(target));
    return { ok: true, dataDir: target, summary, dataFiles: manifest.files.length - 1, createdAt: manifest.createdAt };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOSPC' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EPERM') return { ok: false, message: (error as Error).message };
    throw error;
  } finally {
    zip?.close();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}

function refuseNonEmpty(target: string): void {
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) throw new Refusal(`TILTS_DATA_DIR ${target} is not a folder`);
  const present = fs.readdirSync(target);
  if (present.length) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '');
    throw new Refusal(`TILTS_DATA_DIR ${target} is not empty (${shown}); a backup is restored only into an empty folder: stop the server and move these files aside, or name a new folder`);
  }
}

async function openArchive(file: string): Promise<yauzl.ZipFile> {
  try {
    // validateEntrySizes: a header that lies about a size is an error, not a silent truncation.
    return await yauzl.openPromise(file, { autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw new Refusal(`${file} is not a readable backup archive (${(error as Error).message})`);
  }
}

async function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entries.has(entry.fileName)) throw new Refusal(`the archive holds ${entry.fileName} twice`);
      entries.set(entry.fileName, entry);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal(`the archive is damaged (${(error as Error).message})`);
  }
  return entries;
}

async function readManifest(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>): Promise<Manifest> {
  const entry = entries.get(MANIFEST_NAME);
  if (!entry) throw new Refusal(`this is not a Tilts backup (it has no ${MANIFEST_NAME})`);
  if (entry.uncompressedSize > 64 * 1024 * 1024) throw new Refusal(`the archive's ${MANIFEST_NAME} is implausibly large`);
  let text: string;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw new Refusal(`the archive is damaged: ${MANIFEST_NAME} cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Refusal(`the archive is damaged or not a Tilts backup: ${MANIFEST_NAME} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Refusal(`this is not a Tilts backup this version can restore (${MANIFEST_NAME}: ${issue.path.join('.') || 'root'}: ${issue.message})`);
  }
  return parsed.data;
}

/** The archive must hold exactly the manifest's files: nothing missing, nothing added. */
function checkEntriesMatch(entries: Map<string, yauzl.Entry>, manifest: Manifest): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  if (listed.size !== manifest.files.length) throw new Refusal(`the manifest lists a file twice`);
  for (const file of manifest.files) if (!entries.has(file.path)) throw new Refusal(`the archive lacks ${file.path}, which its manifest lists`);
  for (const name of entries.keys()) {
    if (name !== MANIFEST_NAME && !listed.has(name)) throw new Refusal(`the archive holds ${name}, which its manifest does not list`);
  }
  const sidecar = manifest.files.find((f) => /^data\/tilts\.db-(wal|shm|journal)$/.test(f.path));
  if (sidecar) throw new Refusal(`the archive holds ${sidecar.path}, which a backup never does`);
}

/** Unpacks one file into `root`, counting and hashing the bytes, and flushes it. */
async function extract(zip: yauzl.ZipFile, entry: yauzl.Entry, file: ManifestFile, root: string): Promise<void> {
  const rel = file.path.slice(DATA_PREFIX.length);
  const dest = path.resolve(root, rel);
  if (!dest.startsWith(root + path.sep)) throw new Refusal(`${file.path} leaves the data folder`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > file.bytes) return done(new Refusal(`${file.path} is larger than its manifest says`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(await zip.openReadStreamPromise(entry), count, fs.createWriteStream(dest, { flags: 'wx' }));
  } catch (error) {
    if (error instanceof Refusal) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') throw error;
    throw new Refusal(`the archive is damaged: ${file.path} cannot be unpacked (${(error as Error).message})`);
  }
  if (bytes !== file.bytes || hash.digest('hex') !== file.sha256) throw new Refusal(`the archive is damaged: ${file.path} does not match its SHA-256 checksum`);
  // The permission bits it had (at least readable and writable by its owner, as the server needs).
  const mode = (entry.externalFileAttributes >>> 16) & 0o777;
  if (mode) fs.chmodSync(dest, mode | 0o600);
  fsyncPath(dest);
}

/** integrity_check and the audit chain of the unpacked database; its counts. */
function checkRestoredDatabase(dir: string): BackupSummary {
  const file = path.join(dir, DATABASE_ENTRY.slice(DATA_PREFIX.length));
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Refusal(`the backup's database cannot be opened (${(error as Error).message})`);
  }
  try {
    const problems = checkDatabase(db, 'integrity_check');
    if (problems.length) throw new Refusal(`the backup's database failed its integrity check: ${problems.join('; ')}`);
    const audit = checkAuditChain(db, dir);
    if (!audit.ok) throw new Refusal(`the backup's audit log does not verify: ${audit.problem}`);
    return summarizeDatabase(db);
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal(`the backup's database cannot be read (${(error as Error).message})`);
  } finally {
    db.close();
  }
}
