// npm run audit:verify: walk the audit log's hash chain and report the first broken link.
import { loadConfig } from '../src/lib/server/config.ts';
import { openDatabase } from '../src/lib/server/db.ts';
import { verifyAuditChain } from '../src/lib/server/audit.ts';

const db = openDatabase(loadConfig().databaseFile);
const result = verifyAuditChain(db);
db.close();
if (result.ok) {
  console.log(`Audit log intact: ${result.count} entries, every link verified.`);
} else {
  const what = result.reason === 'prevHash' ? 'does not point to the entry before it' : 'does not match its own content';
  console.error(`Audit log BROKEN at entry #${result.brokenAt}: the entry ${what}. Entries from #${result.brokenAt} on cannot be trusted.`);
  process.exit(1);
}
