import fs from 'node:fs';
import path from 'node:path';
import { stmt, type Db } from '../db.ts';
import { h5pPaths } from './files.ts';

/** Reading stored H5P content and its libraries (for the player and for teachers' lists). */

export interface H5pLibraryRecord {
  id: number;
  machineName: string;
  major: number;
  minor: number;
  patch: number;
  title: string;
  /** Folder under TILTS_DATA_DIR/h5p/libraries/. */
  folder: string;
  filesHash: string;
}

export interface H5pContentRecord {
  id: number;
  title: string;
  mainLibrary: H5pLibraryRecord;
  /** h5p.json as uploaded. */
  h5pJson: string;
  /** content/content.json as uploaded. */
  contentJson: string;
  createdBy: number | null;
  createdAt: string;
}

export interface H5pContentLibrary extends H5pLibraryRecord {
  /** Loaded when the content plays (otherwise shipped for the editor only). */
  neededToPlay: boolean;
}

interface LibraryRow {
  id: number;
  machine_name: string;
  major: number;
  minor: number;
  patch: number;
  title: string;
  folder: string;
  files_hash: string;
}

const LIBRARY_COLUMNS = 'l.id, l.machine_name, l.major, l.minor, l.patch, l.title, l.folder, l.files_hash';

function toLibrary(row: LibraryRow): H5pLibraryRecord {
  return {
    id: row.id,
    machineName: row.machine_name,
    major: row.major,
    minor: row.minor,
    patch: row.patch,
    title: row.title,
    folder: row.folder,
    filesHash: row.files_hash,
  };
}

/** One stored activity, or null. */
export function getH5pContent(db: Db, id: number): H5pContentRecord | null {
  const row = stmt(
    db,
    `SELECT c.id AS content_id, c.title AS content_title, c.h5p_json, c.content_json, c.created_by, c.created_at, ${LIBRARY_COLUMNS}
     FROM h5p_content c JOIN h5p_library l ON l.id = c.main_library_id WHERE c.id = ?`,
  ).get(id) as
    | (LibraryRow & {
        content_id: number;
        content_title: string;
        h5p_json: string;
        content_json: string;
        created_by: number | null;
        created_at: string;
      })
    | undefined;
  if (!row) return null;
  return {
    id: row.content_id,
    title: row.content_title,
    mainLibrary: toLibrary(row),
    h5pJson: row.h5p_json,
    contentJson: row.content_json,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The library versions an activity uses, by machine name. */
export function listH5pContentLibraries(db: Db, contentId: number): H5pContentLibrary[] {
  const rows = stmt(
    db,
    `SELECT ${LIBRARY_COLUMNS}, cl.needed_to_play FROM h5p_content_library cl JOIN h5p_library l ON l.id = cl.library_id
     WHERE cl.content_id = ? ORDER BY l.machine_name, l.major, l.minor`,
  ).all(contentId) as Array<LibraryRow & { needed_to_play: number }>;
  return rows.map((r) => ({ ...toLibrary(r), neededToPlay: r.needed_to_play === 1 }));
}

/** Every stored library version. */
export function listH5pLibraries(db: Db): H5pLibraryRecord[] {
  return (stmt(db, `SELECT ${LIBRARY_COLUMNS} FROM h5p_library l ORDER BY l.machine_name, l.major, l.minor, l.patch`).all() as LibraryRow[]).map(
    toLibrary,
  );
}

/**
 * Removes what interrupted imports left behind: folders under .tmp/, and
 * library or content folders that no database row names. Only folders older
 * than `olderThanMs` are touched, so an import in progress (of this or
 * another process) keeps its folders. Returns the removed paths, relative to
 * TILTS_DATA_DIR/h5p/.
 */
export function cleanupH5pOrphans(db: Db, dataDir: string, { olderThanMs = 60 * 60_000, now = Date.now() } = {}): string[] {
  const paths = h5pPaths(dataDir);
  const removed: string[] = [];
  const libraries = new Set(stmt(db, 'SELECT folder FROM h5p_library').pluck().all() as string[]);
  const contents = new Set((stmt(db, 'SELECT id FROM h5p_content').pluck().all() as number[]).map(String));
  const sweep = (dir: string, keep: Set<string>) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (keep.has(name) || now - fs.lstatSync(full).mtimeMs < olderThanMs) continue;
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(path.relative(paths.root, full));
    }
  };
  sweep(paths.tmp, new Set());
  sweep(paths.libraries, libraries);
  sweep(paths.content, contents);
  return removed.sort();
}
