// npm run db:seed: put the demo data into an empty database.
import { exitOnStartupError, openMigrated } from './lib/database.ts';
import { formatAccounts } from './lib/accounts.ts';
import { isEmpty, seedDemo } from '../src/lib/server/seed/demo.ts';
import { seedDemoLearning } from '../src/lib/server/seed/demo-learning.ts';
import { seedDemoConsultations } from '../src/lib/server/seed/demo-consultations.ts';
import { seedDemoProgrammes } from '../src/lib/server/seed/demo-programmes.ts';
import { seedDemoCertificates } from '../src/lib/server/seed/demo-certificates.ts';
import { syncCourses } from '../src/lib/server/courses/sync.ts';
import { coursesDir } from './lib/courses.ts';

const { db, file, dataDir } = await exitOnStartupError('Cannot seed', () => openMigrated());
if (!isEmpty(db)) {
  console.error(`${file} already has users: the demo goes only into an empty database (nothing was changed).`);
  db.close();
  process.exit(1);
}
const accounts = await seedDemo(db);
await syncCourses(db, coursesDir(), dataDir);
seedDemoLearning(db);
seedDemoConsultations(db);
seedDemoProgrammes(db);
seedDemoCertificates(db);
db.close();
console.log(`${file}: demo data added.\n\n${formatAccounts(accounts)}`);
