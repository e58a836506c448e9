// npm run db:migrate: apply pending migrations to the database in TILTS_DATA_DIR.
import { exitOnStartupError, openMigrated } from './lib/database.ts';

const { db, file, applied } = await exitOnStartupError('Cannot migrate', () => openMigrated());
db.close();
console.log(applied.length ? `${file}: applied ${applied.join(', ')}` : `${file}: up to date`);
