// npm start: take the port, build when needed, check and migrate the database, seed the demo into an empty one, serve.
import { ensureBuild } from './lib/build.ts';
import { exitOnStartupError, openMigrated } from './lib/database.ts';
import { formatAccounts } from './lib/accounts.ts';
import { openPort, serve } from './server.ts';
import { loadConfig } from '../src/lib/server/config.ts';
import { demoAccounts, hasDemo, isEmpty, seedDemo } from '../src/lib/server/seed/demo.ts';
import { createFirstAdmin } from '../src/lib/server/seed/first-admin.ts';
import { seedDemoLearning } from '../src/lib/server/seed/demo-learning.ts';
import { seedDemoConsultations } from '../src/lib/server/seed/demo-consultations.ts';
import { seedDemoProgrammes } from '../src/lib/server/seed/demo-programmes.ts';
import { seedDemoCertificates } from '../src/lib/server/seed/demo-certificates.ts';
import { formatSyncReport, syncCourses } from '../src/lib/server/courses/sync.ts';
import { coursesDir } from './lib/courses.ts';
import { cleanupH5pOrphans } from '../src/lib/server/h5p/content.ts';
import { auditKey } from '../src/lib/server/audit.ts';
import { AuditKeyError } from '../src/lib/server/audit-key.ts';
import { rebuildMissingH5pFiles } from '../src/lib/server/h5p/rebuild.ts';

const CANNOT_START = 'Tilts cannot start';

// Nothing is written before these pass: the configuration (PORT=abc) and the port (in use).
const { host, port } = await exitOnStartupError(CANNOT_START, () => loadConfig());
const listener = await exitOnStartupError(CANNOT_START, () => openPort({ host, port }));
// TILTS_BUILD_DIR names a prebuilt app to serve as it is (scripts/lib/build.ts).
if (!process.env.TILTS_BUILD_DIR) ensureBuild();
// A read-only data folder, an empty, unopenable or damaged database: one line, nothing served.
const { db, file, dataDir, applied } = await exitOnStartupError(CANNOT_START, () => openMigrated(process.env, { quickCheck: true }));
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
// Unpacked H5P files that are gone (a database restored without its data folder) come back from the packages the database keeps.
const h5p = await rebuildMissingH5pFiles(db, dataDir);
if (h5p.rebuilt.length) console.log(`Rebuilt ${h5p.rebuilt.length} missing H5P folder(s) from the stored packages.`);
for (const missing of h5p.missing) console.warn(`H5P files missing and not rebuilt: ${missing}`);
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
  }
}
const demo = hasDemo(db);
db.close();

await serve(listener);
console.log(`\nTilts is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
if (firstAdmin) console.log(`\nFirst administrator: username 'admin', password '${firstAdmin}' (shown once; change it after signing in).`);
if (demo) console.log(`\nDemo accounts (every demo learner's PIN is the same):\n${formatAccounts(demoAccounts())}\n`);
