import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { appendAudit, type AuditActor } from '../audit.ts';
import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import { auditActor } from '../people/users.ts';
import type { SessionUser } from '../session.ts';
import { h5pPaths, libraryFolderName, moveAside, syncFolder, writeTree, type H5pPaths } from './files.ts';
import type { H5pRefusal } from './refusal.ts';
import { libraryLabel, validateH5pPackage, type H5pLimits, type PackageLibrary, type ValidatedPackage } from './validate.ts';

/**
 * Storing a validated H5P package: its content apart from its libraries, and
 * each library version once (a hundred activities share one
 * H5P.MultiChoice 1.14.6). A stored version is never overwritten: a later
 * package that brings the same version uses the stored copy.
 *
 * Order of an import: validate (nothing written); write the new libraries and
 * the content under .tmp/ (slow, asynchronous, invisible); then, without
 * yielding to other requests, rename the libraries into place and, in one
 * transaction, insert the rows, rename the content folder into place and
 * append the audit entry. Any failure removes what this import renamed; a
 * crash leaves only folders without rows, which nothing serves and
 * `cleanupH5pOrphans` removes.
 */

export interface H5pImported {
  ok: true;
  contentId: number;
  /** SHA-256 of the .h5p file: the same file imported twice is stored once. */
  packageHash: string;
  /** True when this very file was already stored (nothing new was written). */
  alreadyStored: boolean;
  /** `H5P.MultiChoice 1.14.6`. */
  mainLibrary: string;
  /** Library versions stored by this import. */
  librariesAdded: string[];
  /** Library versions that were already stored and are shared. */
  librariesReused: string[];
}

export type H5pImportResult = H5pImported | H5pRefusal | { ok: false; code: 'auth.forbidden' };

export interface ImportOptions {
  /** Limits other than `DEFAULT_H5P_LIMITS`. */
  limits?: Partial<H5pLimits>;
  now?: Date;
}

/** Who may upload H5P activities: course authors. */
const CAPABILITY = 'courses:author';

function findLibraryId(db: Db, lib: PackageLibrary): number | null {
  const id = stmt(db, 'SELECT id FROM h5p_library WHERE machine_name = ? AND major = ? AND minor = ? AND patch = ?')
    .pluck()
    .get(lib.machineName, lib.majorVersion, lib.minorVersion, lib.patchVersion) as number | undefined;
  return id ?? null;
}

function insertLibrary(db: Db, lib: PackageLibrary, at: string): number {
  return Number(
    stmt(
      db,
      `INSERT INTO h5p_library (machine_name, major, minor, patch, title, runnable, library_json, files_hash, folder, created_at)
       VALUES (@machineName, @major, @minor, @patch, @title, @runnable, @libraryJson, @filesHash, @folder, @at)`,
    ).run({
      machineName: lib.machineName,
      major: lib.majorVersion,
      minor: lib.minorVersion,
      patch: lib.patchVersion,
      title: lib.title,
      runnable: lib.runnable ? 1 : 0,
      libraryJson: lib.libraryJson,
      filesHash: lib.filesHash,
      folder: libraryFolderName(lib),
      at,
    }).lastInsertRowid,
  );
}

/** Writes the libraries not yet stored, and the content, under `work`; returns the staged library folders. */
async function stage(db: Db, pkg: ValidatedPackage, work: string): Promise<Map<PackageLibrary, string>> {
  const staged = new Map<PackageLibrary, string>();
  fs.mkdirSync(path.join(work, 'libraries'));
  for (const lib of pkg.libraries) {
    if (findLibraryId(db, lib) !== null) continue;
    const dir = path.join(work, 'libraries', libraryFolderName(lib));
    await writeTree(dir, lib.files);
    staged.set(lib, dir);
  }
  await writeTree(path.join(work, 'content'), pkg.contentFiles);
  return staged;
}

/**
 * Renames the staged library folders into place, except versions another
 * import stored meanwhile (those are dropped from `staged`). Synchronous.
 */
function publishLibraries(db: Db, paths: H5pPaths, staged: Map<PackageLibrary, string>, work: string, published: string[]): void {
  for (const [lib, dir] of staged) {
    if (findLibraryId(db, lib) !== null) {
      staged.delete(lib);
      continue;
    }
    const target = path.join(paths.libraries, libraryFolderName(lib));
    moveAside(target, work);
    fs.renameSync(dir, target);
    published.push(target);
  }
  if (published.length) syncFolder(paths.libraries);
}

/** The rows of one import, the content folder renamed into place, and the audit entry: all or nothing. */
function recordImport(
  db: Db,
  who: Uploader,
  pkg: ValidatedPackage,
  original: { hash: string; bytes: Buffer },
  staged: Map<PackageLibrary, string>,
  move: { paths: H5pPaths; work: string; published: string[] },
  at: string,
): H5pImported {
  return db
    .transaction((): H5pImported => {
      const libraryIds = new Map(pkg.libraries.map((lib) => [lib, staged.has(lib) ? insertLibrary(db, lib, at) : findLibraryId(db, lib)!]));
      stmt(db, 'INSERT OR IGNORE INTO h5p_package (hash, bytes, created_at) VALUES (?, ?, ?)').run(original.hash, original.bytes, at);
      const contentId = Number(
        stmt(
          db,
          'INSERT INTO h5p_content (title, main_library_id, h5p_json, content_json, created_by, created_at, package_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(pkg.title, libraryIds.get(pkg.mainLibrary)!, pkg.h5pJsonText, pkg.contentJsonText, who.userId, at, original.hash).lastInsertRowid,
      );
      const target = path.join(move.paths.content, String(contentId));
      moveAside(target, move.work);
      fs.renameSync(path.join(move.work, 'content'), target);
      move.published.push(target);
      syncFolder(move.paths.content);
      const link = stmt(db, 'INSERT INTO h5p_content_library (content_id, library_id, needed_to_play) VALUES (?, ?, ?)');
      for (const [lib, id] of libraryIds) link.run(contentId, id, lib.neededToPlay ? 1 : 0);
      const reused = pkg.libraries.filter((l) => !staged.has(l));
      const result: H5pImported = {
        ok: true,
        contentId,
        packageHash: original.hash,
        alreadyStored: false,
        mainLibrary: libraryLabel(pkg.mainLibrary),
        librariesAdded: pkg.libraries.filter((l) => staged.has(l)).map(libraryLabel),
        librariesReused: reused.map(libraryLabel),
      };
      appendAudit(db, {
        actor: who.audit,
        action: 'h5p.import',
        targetType: 'h5p_content',
        targetId: contentId,
        details: {
          title: pkg.title,
          mainLibrary: result.mainLibrary,
          librariesAdded: result.librariesAdded,
          librariesReused: reused.length,
          // Same version, other files: the stored copy is used; an admin may want to know.
          differingCopies: reused.filter((l) => storedHash(db, libraryIds.get(l)!) !== l.filesHash).map(libraryLabel),
        },
      });
      return result;
    })
    .immediate();
}

/** Who stores a package: a teacher uploading it, or the system loading a course package. */
export interface Uploader {
  userId: number | null;
  audit: AuditActor;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The content stored from exactly these bytes, if any. */
export function findContentByPackageHash(db: Db, hash: string): { contentId: number; mainLibrary: string } | null {
  const row = stmt(
    db,
    `SELECT c.id, l.machine_name, l.major, l.minor, l.patch FROM h5p_content c JOIN h5p_library l ON l.id = c.main_library_id WHERE c.package_hash = ?`,
  ).get(hash) as { id: number; machine_name: string; major: number; minor: number; patch: number } | undefined;
  return row ? { contentId: row.id, mainLibrary: `${row.machine_name} ${row.major}.${row.minor}.${row.patch}` } : null;
}

/** The .h5p file as it was uploaded (for exports and course packages). */
export function getPackageBytes(db: Db, hash: string): Buffer | null {
  return (stmt(db, 'SELECT bytes FROM h5p_package WHERE hash = ?').pluck().get(hash) as Buffer | undefined) ?? null;
}

/**
 * Validates `bytes` as an H5P package and, when it passes, stores it for
 * `actor` (a course author). A refused package leaves nothing on disk or in
 * the database; an unexpected error removes what this import published and
 * is thrown.
 */
export async function importH5pPackage(
  db: Db,
  dataDir: string,
  actor: SessionUser,
  bytes: Buffer,
  options: ImportOptions = {},
): Promise<H5pImportResult> {
  if (!can(actor, CAPABILITY)) return { ok: false, code: 'auth.forbidden' };
  return storeH5pPackage(db, dataDir, { userId: actor.id, audit: auditActor(actor) }, bytes, options);
}

/**
 * The import itself, for callers that already decided who may store it (the
 * course sync stores the activities of packages in courses/ as the system).
 * The same file stored before is not stored again: its content is returned.
 */
export async function storeH5pPackage(
  db: Db,
  dataDir: string,
  who: Uploader,
  bytes: Buffer,
  options: ImportOptions = {},
): Promise<H5pImported | H5pRefusal> {
  const hash = sha256Hex(bytes);
  const known = findContentByPackageHash(db, hash);
  if (known) return { ok: true, contentId: known.contentId, packageHash: hash, alreadyStored: true, mainLibrary: known.mainLibrary, librariesAdded: [], librariesReused: [] };
  const validation = await validateH5pPackage(bytes, options.limits);
  if (!validation.ok) return validation;
  const pkg = validation.package;
  const paths = h5pPaths(dataDir);
  for (const dir of [paths.libraries, paths.content, paths.tmp]) fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(paths.tmp, 'import-'));
  const published: string[] = [];
  try {
    const staged = await stage(db, pkg, work);
    // From here to the end: synchronous, so no other import of this process runs in between.
    const again = findContentByPackageHash(db, hash);
    if (again) return { ok: true, contentId: again.contentId, packageHash: hash, alreadyStored: true, mainLibrary: again.mainLibrary, librariesAdded: [], librariesReused: [] };
    publishLibraries(db, paths, staged, work, published);
    return recordImport(db, who, pkg, { hash, bytes }, staged, { paths, work, published }, (options.now ?? new Date()).toISOString());
  } catch (e) {
    for (const dir of published) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function storedHash(db: Db, libraryId: number): string {
  return stmt(db, 'SELECT files_hash FROM h5p_library WHERE id = ?').pluck().get(libraryId) as string;
}
