// npm run db:check: PRAGMA integrity_check of the database in TILTS_DATA_DIR (safe while the server runs).
import Database from 'better-sqlite3';
import { loadConfig } from '../src/lib/server/config.ts';
import { checkDatabase, inspectDatabaseFile, isCorruptionError, RESTORE_ADVICE } from '../src/lib/server/storage/database-file.ts';
import { exitOnStartupError } from './lib/database.ts';

const { databaseFile } = await exitOnStartupError('Check failed', () => loadConfig());
const state = await exitOnStartupError('Check failed', () => inspectDatabaseFile(databaseFile));
if (state === 'missing') {
  console.error(`Check failed: no database at ${databaseFile} (set TILTS_DATA_DIR).`);
  process.exit(2);
}
let problems: string[];
try {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  try {
    problems = checkDatabase(db, 'integrity_check', 100);
  } finally {
    db.close();
  }
} catch (error) {
  if (!isCorruptionError(error)) throw error;
  problems = [(error as Error).message];
}
if (problems.length) {
  console.error(`The database ${databaseFile} is damaged (integrity_check):\n${problems.map((p) => `  ${p}`).join('\n')}\nStop the server and ${RESTORE_ADVICE}.`);
  process.exit(1);
}
console.log(`The database ${databaseFile} passed its integrity check.`);
