// npm run audit:verify [-- --checkpoint <file>]: walk the audit log's keyed chain (and check it
// still contains a signed checkpoint kept elsewhere). Exit 0 intact, 1 a problem (named), 2 bad usage.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/lib/server/config.ts';
import { openDatabase } from '../src/lib/server/db.ts';
import { describeAuditVerification, verifyAuditChain } from '../src/lib/server/audit.ts';
import { parseCheckpoint, type AuditCheckpoint } from '../src/lib/server/audit-checkpoint.ts';

const USAGE = 'Usage: npm run audit:verify [-- --checkpoint <checkpoint.json>]';
const usage = (message: string): never => {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
};

let checkpointFile: string | undefined;
try {
  checkpointFile = parseArgs({ options: { checkpoint: { type: 'string' } }, allowPositionals: false }).values.checkpoint;
} catch (e) {
  usage((e as Error).message);
}
let checkpoint: AuditCheckpoint | undefined;
if (checkpointFile !== undefined) {
  let text = '';
  try {
    text = fs.readFileSync(checkpointFile, 'utf8');
  } catch {
    usage(`Cannot read the checkpoint file ${checkpointFile}.`);
  }
  const parsed = parseCheckpoint(text);
  if (!parsed.ok) usage(`${checkpointFile} is not a Tilts audit checkpoint${parsed.code === 'notJson' ? ' (not JSON)' : ''}.`);
  else checkpoint = parsed.checkpoint;
}

let config;
try {
  config = loadConfig();
} catch (e) {
  usage((e as Error).message);
}
if (!fs.existsSync(config!.databaseFile)) usage(`No database at ${config!.databaseFile} (set TILTS_DATA_DIR).`);
const db = openDatabase(config!.databaseFile);
const result = verifyAuditChain(db, checkpoint ? { checkpoint } : {});
db.close();
if (result.ok) console.log(describeAuditVerification(result));
else {
  console.error(describeAuditVerification(result));
  process.exit(1);
}
