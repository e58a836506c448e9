import fs from 'node:fs';
import path from 'node:path';
import { stmt, type Db } from '../db.ts';
import { h5pPaths, libraryFolderName, syncFolder, writeTree } from './files.ts';
import { validateH5pPackage, type ValidatedPackage } from './validate.ts';

/**
 * Rebuilding unpacked H5P files from the packages kept in the database. The
 * player serves an activity's files from TILTS_DATA_DIR/h5p/, while the
 * database keeps every .h5p file as uploaded (h5p_package): when the folders
 * are gone (a database restored without its data folder, a lost disk) the
 * files are unpacked again instead of every activity answering 404. A library
 * folder is rebuilt only from a copy with the very files stored (same
 * files_hash); folders are written aside and renamed into place whole.
 */

export interface H5pRebuild {
  /** Folders written again, relative to TILTS_DATA_DIR/h5p/. */
  rebuilt: string[];
  /** Folders still missing, with the reason. */
  missing: string[];
}

interface ContentRow {
  id: number;
  package_hash: string | null;
}

interface LinkedLibrary {
  folder: string;
  files_hash: string;
}

/** Every stored activity whose content folder or linked library folders are missing on disk, rebuilt. */
export async function rebuildMissingH5pFiles(db: Db, dataDir: string): Promise<H5pRebuild> {
  const paths = h5pPaths(dataDir);
  const result: H5pRebuild = { rebuilt: [], missing: [] };
  const contents = stmt(db, 'SELECT id, package_hash FROM h5p_content ORDER BY id').all() as ContentRow[];
  const linked = (id: number) =>
    stmt(db, 'SELECT l.folder, l.files_hash FROM h5p_content_library cl JOIN h5p_library l ON l.id = cl.library_id WHERE cl.content_id = ?').all(id) as LinkedLibrary[];
  for (const content of contents) {
    const contentDir = path.join(paths.content, String(content.id));
    const libraries = linked(content.id).filter((l) => !fs.existsSync(path.join(paths.libraries, l.folder)));
    if (fs.existsSync(contentDir) && libraries.length === 0) continue;
    const pkg = content.package_hash ? await unpack(db, content.package_hash) : null;
    if (!pkg) {
      result.missing.push(`content/${content.id} (no valid package kept for it)`);
      continue;
    }
    for (const dir of [paths.libraries, paths.content, paths.tmp]) fs.mkdirSync(dir, { recursive: true });
    const work = fs.mkdtempSync(path.join(paths.tmp, 'rebuild-'));
    try {
      if (!fs.existsSync(contentDir)) {
        await writeTree(path.join(work, 'content'), pkg.contentFiles);
        fs.renameSync(path.join(work, 'content'), contentDir);
        syncFolder(paths.content);
        result.rebuilt.push(`content/${content.id}`);
      }
      for (const library of libraries) {
        const copy = pkg.libraries.find((l) => libraryFolderName(l) === library.folder && l.filesHash === library.files_hash);
        if (!copy) {
          result.missing.push(`libraries/${library.folder} (the package of content ${content.id} holds other files for it)`);
          continue;
        }
        const target = path.join(paths.libraries, library.folder);
        if (fs.existsSync(target)) continue;
        await writeTree(path.join(work, library.folder), copy.files);
        fs.renameSync(path.join(work, library.folder), target);
        syncFolder(paths.libraries);
        result.rebuilt.push(`libraries/${library.folder}`);
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  // A library another content's package rebuilt later is not missing after all.
  result.missing = result.missing.filter((m) => !m.startsWith('libraries/') || !fs.existsSync(path.join(paths.libraries, m.slice(10, m.indexOf(' ')))));
  return result;
}

async function unpack(db: Db, hash: string): Promise<ValidatedPackage | null> {
  const bytes = stmt(db, 'SELECT bytes FROM h5p_package WHERE hash = ?').pluck().get(hash) as Buffer | undefined;
  if (!bytes) return null;
  const validation = await validateH5pPackage(bytes);
  return validation.ok ? validation.package : null;
}
