// npm start: build when needed, migrate, seed the demo into an empty database, serve.
import { ensureBuild } from './lib/build.ts';
import { openMigrated } from './lib/database.ts';
import { formatAccounts } from './lib/accounts.ts';
import { serve } from './server.ts';
import { demoAccounts, hasDemo, isEmpty, seedDemo } from '../src/lib/server/seed/demo.ts';
import { createFirstAdmin } from '../src/lib/server/seed/first-admin.ts';
import { seedDemoLearning } from '../src/lib/server/seed/demo-learning.ts';
import { seedDemoConsultations } from '../src/lib/server/seed/demo-consultations.ts';
import { seedDemoProgrammes } from '../src/lib/server/seed/demo-programmes.ts';
import { seedDemoCertificates } from '../src/lib/server/seed/demo-certificates.ts';
import { seedDemoHistory } from '../src/lib/server/seed/demo-history.ts';
import { formatSyncReport, syncCourses } from '../src/lib/server/courses/sync.ts';
import { coursesDir } from './lib/courses.ts';
import { cleanupH5pOrphans } from '../src/lib/server/h5p/content.ts';
import { auditKey } from '../src/lib/server/audit.ts';
import { AuditKeyError } from '../src/lib/server/audit-key.ts';

// TILTS_BUILD_DIR names a prebuilt app to serve as it is (scripts/lib/build.ts).
if (!process.env.TILTS_BUILD_DIR) ensureBuild();
const { db, file, dataDir, applied } = openMigrated();
if (applied.length) console.log(`Database ${file}: applied ${applied.join(', ')}`);
// Before anything is audited: the audit key is read, made for a new installation, or its absence stops the start.
try {
  auditKey(db);
} catch (e) {
  if (!(e instanceof AuditKeyError)) throw e;
  console.error(e.message);
  process.exit(1);
}
// Course packages: refused ones are listed with file, field and reason; the rest load.
const report = await syncCourses(db, coursesDir(), dataDir);
// Folders left by an import that was interrupted (a crash, a power cut): never served, removed here.
const orphans = cleanupH5pOrphans(db, dataDir);
if (orphans.length) console.log(`Removed ${orphans.length} unfinished H5P upload folder(s).`);
console.log(`Course packages:\n${formatSyncReport(report)}`);
let firstAdmin: string | null = null;
if (isEmpty(db)) {
  if (process.env.TILTS_DEMO === 'off') firstAdmin = await createFirstAdmin(db);
  else {
    console.log('Empty database: adding the demo data…');
    await seedDemo(db);
    seedDemoLearning(db);
    seedDemoConsultations(db);
    seedDemoProgrammes(db);
    seedDemoCertificates(db);
    seedDemoHistory(db);
  }
}
const demo = hasDemo(db);
db.close();

const host = process.env.HOST ?? 'localhost';
const port = Number(process.env.PORT ?? 4321);
await serve({ host, port });
console.log(`\nTilts is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
if (firstAdmin) console.log(`\nFirst administrator: username 'admin', password '${firstAdmin}' (shown once; change it after signing in).`);
if (demo) console.log(`\nDemo accounts (every demo learner's PIN is the same):\n${formatAccounts(demoAccounts())}\n`);
