// npm run db:restore -- <file>: a backup archive into an empty TILTS_DATA_DIR.
import { loadConfig } from '../src/lib/server/config.ts';
import { restoreBackup } from '../src/lib/server/backup/restore.ts';
import { formatSummary } from '../src/lib/server/backup/summary.ts';
import fs from 'node:fs';
import { exitOnStartupError, MIGRATIONS_DIR } from './lib/database.ts';

const archive = process.argv[2];
if (!archive) {
  console.error('Usage: npm run db:restore -- <backup-file.zip>   (restores into TILTS_DATA_DIR, which must be empty)');
  process.exit(2);
}
const { dataDir } = await exitOnStartupError('Restore refused', () => loadConfig());
const newestMigration = Math.max(0, ...fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).map((f) => Number(f.slice(0, 4))));
const result = await restoreBackup(archive, dataDir, { newestMigration });
if (!result.ok) {
  console.error(`Restore refused: ${result.message}. Nothing was restored.`);
  process.exit(1);
}
console.log(`Restored the backup of ${result.createdAt} into ${result.dataDir}: ${formatSummary(result.summary, result.dataFiles)}.`);
console.log('Every file matched its SHA-256 checksum, the database passed its integrity check and the audit log verified.');
console.log('Start the server on this folder (npm start); it applies any newer migrations.');
