// npm run db:backup -- <file>: one archive of the running installation (database + every file of the data folder).
import { loadConfig } from '../src/lib/server/config.ts';
import { createBackup } from '../src/lib/server/backup/create.ts';
import { formatSummary } from '../src/lib/server/backup/summary.ts';
import { exitOnStartupError } from './lib/database.ts';

const target = process.argv[2];
if (!target) {
  console.error('Usage: npm run db:backup -- <backup-file.zip>');
  process.exit(2);
}
const config = await exitOnStartupError('Backup refused', () => loadConfig());
const result = await exitOnStartupError('Backup refused', () => createBackup(config, target));
if (!result.ok) {
  console.error(`Backup refused: ${result.message}. Nothing was written at ${target}.`);
  process.exit(1);
}
console.log(`Backup written to ${result.file} (${(result.bytes / 1024 / 1024).toFixed(1)} MB): ${formatSummary(result.summary, result.dataFiles)}.`);
console.log('The database copy passed its integrity check; every file is listed with its SHA-256 in manifest.json.');
console.log(`SHA-256 of the archive: ${result.sha256}`);
for (const skipped of result.skipped) console.warn(`Not backed up (not a regular file): ${skipped}`);
