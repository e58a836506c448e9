// npm run courses:sync: load the course packages (TILTS_COURSES_DIR, default courses/) into the database.
// Exits 1 when any package was refused (the others are still loaded).
import { openMigrated } from './lib/database.ts';
import { coursesDir } from './lib/courses.ts';
import { formatSyncReport, syncCourses } from '../src/lib/server/courses/sync.ts';

const { db, dataDir } = openMigrated();
const dir = coursesDir();
const report = await syncCourses(db, dir, dataDir);
db.close();
console.log(`Course packages in ${dir}:\n${formatSyncReport(report)}`);
if (report.refused.length) {
  console.error(`\n${report.refused.length} package(s) refused; fix the files named above and run npm run courses:sync again.`);
  process.exit(1);
}
