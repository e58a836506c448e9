// npm run db:backup -- <file>: a consistent copy of the live database (SQLite online backup).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/lib/server/config.ts';
import { openDatabase } from '../src/lib/server/db.ts';

const target = process.argv[2];
if (!target) {
  console.error('Usage: npm run db:backup -- <backup-file.db>');
  process.exit(2);
}
const { databaseFile } = loadConfig();
if (!fs.existsSync(databaseFile)) {
  console.error(`No database at ${databaseFile} (set TILTS_DATA_DIR).`);
  process.exit(2);
}
const out = path.resolve(target);
if (fs.existsSync(out)) {
  console.error(`${out} exists already; choose a new file name.`);
  process.exit(2);
}
const db = openDatabase(databaseFile);
await db.backup(out);
db.close();
const copy = openDatabase(out);
const check = copy.pragma('integrity_check', { simple: true });
copy.pragma('journal_mode = DELETE');
copy.close();
if (check !== 'ok') {
  console.error(`The backup at ${out} failed its integrity check: ${String(check)}`);
  process.exit(1);
}
console.log(`Backup written to ${out} (integrity check ok).`);
