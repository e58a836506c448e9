// npm run roster:import -- <file.csv> [--dry-run]: the nightly sync with the prison register's roster.
// Runs as the system (every facility). Prints one line per problem of a refused row
// ("row N, <column>: <reason>") and the counts; --dry-run saves nothing.
// Exits 0 when every row was accepted, 1 when some rows were refused (the valid ones are imported),
// 2 when the file cannot be read as a roster at all (nothing is imported).
import fs from 'node:fs/promises';
import path from 'node:path';
import { openMigrated } from './lib/database.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit.ts';
import { describeRosterFileError, formatRosterReport, importRoster } from '../src/lib/server/people/roster.ts';
import { MAX_ROSTER_BYTES } from '../src/lib/server/people/roster-csv.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const dryRun = args.includes('--dry-run');
const files = args.filter((a) => a !== '--dry-run');
if (files.length !== 1 || files[0]!.startsWith('--')) {
  console.error('Usage: npm run roster:import -- <file.csv> [--dry-run]');
  process.exit(2);
}
const file = files[0]!;

let bytes: Buffer;
try {
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  // A file far over the limit is refused without reading it all.
  bytes = stat.size > MAX_ROSTER_BYTES ? Buffer.alloc(MAX_ROSTER_BYTES + 1) : await fs.readFile(file);
} catch (e) {
  console.error(`${file}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  process.exit(2);
}

const { db } = openMigrated();
const result = await importRoster(db, { kind: 'system', audit: SYSTEM_ACTOR }, bytes, { dryRun, fileName: path.basename(file) });
db.close();
if (!result.ok) {
  console.error(`${file}: not a roster: ${describeRosterFileError('en', result)}`);
  process.exit(2);
}
console.log(`Roster ${file}${dryRun ? ' (dry run: nothing was saved)' : ''}:`);
console.log(formatRosterReport(result.report));
const refused = result.report.counts.refused;
if (refused) {
  console.error(`\n${refused} row(s) refused${dryRun ? '' : '; the other rows were imported'}. Correct the rows named above and run it again.`);
  process.exit(1);
}
