import { SYSTEM_ACTOR } from '../audit.ts';
import type { Db } from '../db.ts';
import { describeRefusal } from '../h5p/refusal.ts';
import { storeH5pPackage, type Uploader } from '../h5p/store.ts';
import type { LoadedCourse, PackageError } from './load.ts';

/**
 * The H5P activities of a course package are validated and stored before the
 * course is synced: the loader only reads their bytes (it is synchronous and
 * pure), this step runs the full H5P validation and stores each file once by
 * its hash. A refused activity refuses the whole package, naming the lesson's
 * file and the reason.
 */
export async function storeCourseActivities(
  db: Db,
  dataDir: string | null,
  course: LoadedCourse,
  who: Uploader = { userId: null, audit: SYSTEM_ACTOR },
): Promise<PackageError[]> {
  const errors: PackageError[] = [];
  const id = course.manifest.id;
  for (const [file, { bytes }] of course.activities) {
    if (dataDir === null) {
      errors.push({ file: `${id}/${file}`, field: '', reason: 'H5P activities need the data folder (TILTS_DATA_DIR)' });
      continue;
    }
    const stored = await storeH5pPackage(db, dataDir, who, bytes);
    if (!stored.ok) errors.push({ file: `${id}/${file}`, field: '', reason: `H5P package refused: ${describeRefusal('en', stored)}` });
  }
  return errors;
}
