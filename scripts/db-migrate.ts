// npm run db:migrate: apply pending migrations to the database in TILTS_DATA_DIR.
import { openMigrated } from './lib/database.ts';

const { db, file, applied } = openMigrated();
db.close();
console.log(applied.length ? `${file}: applied ${applied.join(', ')}` : `${file}: up to date`);
