// npm run audit:checkpoint -- <file>: verify the audit log, then write a checkpoint of it signed with
// the installation's Ed25519 key, to keep away from the server. Exit 0 written, 1 log broken or no key, 2 bad usage.
import fs from 'node:fs';
import { loadConfig } from '../src/lib/server/config.ts';
import { openDatabase } from '../src/lib/server/db.ts';
import { describeAuditVerification } from '../src/lib/server/audit.ts';
import { AuditKeyError } from '../src/lib/server/audit-key.ts';
import { writeCheckpoint } from '../src/lib/server/audit-checkpoint-files.ts';

const args = process.argv.slice(2);
if (args.length !== 1 || args[0]!.startsWith('-')) {
  console.error('Usage: npm run audit:checkpoint -- <checkpoint-file.json>');
  process.exit(2);
}
let databaseFile: string;
try {
  databaseFile = loadConfig().databaseFile;
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
if (!fs.existsSync(databaseFile)) {
  console.error(`No database at ${databaseFile} (set TILTS_DATA_DIR).`);
  process.exit(2);
}
const db = openDatabase(databaseFile);
try {
  const result = writeCheckpoint(db, args[0]!);
  if (result.ok) {
    const c = result.checkpoint;
    console.log(`Checkpoint written to ${result.file}: ${c.count} entries, head #${c.headId ?? '-'} ${c.headHash}, signed by key ${c.keyId}.`);
    console.log('Keep it away from this server (print it, mail it, store it on a log host).');
  } else if (result.code === 'exists') {
    console.error(`${result.file} exists already; choose a new file name.`);
    process.exitCode = 2;
  } else {
    console.error(`No checkpoint written: ${describeAuditVerification(result.verification)}`);
    process.exitCode = 1;
  }
} catch (e) {
  if (!(e instanceof AuditKeyError)) throw e;
  console.error(`No checkpoint written: ${e.message}`);
  process.exitCode = 1;
} finally {
  db.close();
}
