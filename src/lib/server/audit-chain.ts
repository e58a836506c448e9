import { stmt, type Db } from './db.ts';
import { AuditKeyError, auditKeyFile, auditKeyMessage, readAuditKeyFile, type AuditKey } from './audit-key.ts';
import { entryHash, GENESIS_HASH, KEYED_CHAIN_MARKER, legacyEntryHash, type AuditRow } from './audit-hash.ts';
import { checkpointSignatureValid, type AuditCheckpoint } from './audit-checkpoint.ts';

/**
 * Verification of the audit log: every entry's keyed hash and link, the
 * legacy part (if any) before the marker, and optionally a signed checkpoint
 * kept elsewhere, which catches entries removed from the end. Only reads:
 * it never creates a key.
 */

export interface VerifyOptions {
  /** The key to verify with; default: read from the database's key file (null: no key). */
  key?: AuditKey | null;
  /** A checkpoint the log must still contain unchanged. */
  checkpoint?: AuditCheckpoint;
}

export type ChainVerification =
  | { ok: true; count: number; legacy?: number; checkpoint?: { count: number; at: string } }
  /** `count`: entries walked up to and including the broken one. */
  | { ok: false; count: number; brokenAt: number; reason: 'prevHash' | 'hash' }
  | { ok: false; count: number; reason: 'missingKey' | 'invalidKey'; keyFile: string }
  /** The checkpoint names another audit key than the key file holds. */
  | { ok: false; count: number; reason: 'wrongKey'; keyFile: string; expected: string; actual: string }
  | { ok: false; count: number; reason: 'checkpointSignature' }
  | { ok: false; count: number; reason: 'truncated'; checkpointCount: number; checkpointAt: string }
  /** The entry at the checkpoint's position is not the one it recorded (`brokenAt`: the checkpoint's head id). */
  | { ok: false; count: number; brokenAt: number; reason: 'checkpointMismatch'; checkpointAt: string };

/** Walks the whole log and reports the first problem; see `describeAuditVerification` for the words. */
export function verifyAuditChain(db: Db, options: VerifyOptions = {}): ChainVerification {
  return db.transaction((): ChainVerification => {
    const total = stmt(db, 'SELECT count(*) FROM audit_log').pluck().get() as number;
    const { checkpoint } = options;
    if (checkpoint && !checkpointSignatureValid(db, checkpoint)) return { ok: false, count: total, reason: 'checkpointSignature' };

    let key: AuditKey | null;
    const keyFile = options.key?.file ?? (db.name === ':memory:' ? ':memory:' : auditKeyFile(db));
    try {
      key = options.key !== undefined ? options.key : readAuditKeyFile(keyFile);
    } catch (e) {
      if (e instanceof AuditKeyError) return { ok: false, count: total, reason: 'invalidKey', keyFile };
      throw e;
    }
    const markerId = stmt(db, 'SELECT min(id) FROM audit_log WHERE action = ?').pluck().get(KEYED_CHAIN_MARKER) as number | null;
    if (!key && (checkpoint || (total > 0 && (markerId !== null || !startsLegacy(db))))) return { ok: false, count: total, reason: 'missingKey', keyFile };
    if (key && checkpoint && checkpoint.auditKeyId !== key.id) {
      return { ok: false, count: total, reason: 'wrongKey', keyFile, expected: checkpoint.auditKeyId, actual: key.id };
    }

    // Entries before the marker carry legacy hashes; without a key the whole log is legacy (an installation not yet upgraded).
    const keyedFrom = key ? (markerId ?? 0) : Infinity;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (const row of stmt(db, 'SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
      count++;
      if (row.prev_hash !== prevHash) return { ok: false, count, brokenAt: row.id, reason: 'prevHash' };
      const expected = row.id >= keyedFrom ? entryHash(row.prev_hash, row, key!) : legacyEntryHash(row.prev_hash, row);
      if (expected !== row.hash) return { ok: false, count, brokenAt: row.id, reason: 'hash' };
      if (checkpoint && count === checkpoint.count && (row.id !== checkpoint.headId || row.hash !== checkpoint.headHash)) {
        return { ok: false, count, brokenAt: checkpoint.headId ?? row.id, reason: 'checkpointMismatch', checkpointAt: checkpoint.at };
      }
      prevHash = row.hash;
    }
    if (checkpoint && count < checkpoint.count) {
      return { ok: false, count, reason: 'truncated', checkpointCount: checkpoint.count, checkpointAt: checkpoint.at };
    }
    const legacy = markerId !== null && key ? (stmt(db, 'SELECT count(*) FROM audit_log WHERE id < ?').pluck().get(markerId) as number) : 0;
    return {
      ok: true,
      count,
      ...(legacy ? { legacy } : {}),
      ...(checkpoint ? { checkpoint: { count: checkpoint.count, at: checkpoint.at } } : {}),
    };
  })();
}

/** True when the first entry carries a plain SHA-256 hash: a log written before the keyed chain. */
function startsLegacy(db: Db): boolean {
  const first = stmt(db, 'SELECT * FROM audit_log ORDER BY id LIMIT 1').get() as AuditRow | undefined;
  return first !== undefined && legacyEntryHash(GENESIS_HASH, first) === first.hash;
}

/** The plain SHA-256 chain of a log written before the keyed chain (checked once, when the key is made). */
export function verifyLegacyChain(db: Db): { ok: boolean; count: number; head: string } {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let ok = true;
  for (const row of stmt(db, 'SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
    count++;
    if (row.prev_hash !== prevHash || legacyEntryHash(row.prev_hash, row) !== row.hash) ok = false;
    prevHash = row.hash;
  }
  return { ok, count, head: prevHash };
}

/** One line for an operator (CLI, restore report). */
export function describeAuditVerification(result: ChainVerification): string {
  if (result.ok) {
    const legacy = result.legacy ? ` (the first ${result.legacy} from before the keyed chain, anchored by it)` : '';
    const checkpoint = result.checkpoint ? `; the checkpoint of ${result.checkpoint.at} (${result.checkpoint.count} entries) is contained unchanged` : '';
    return `Audit log intact: ${result.count} entries${legacy}, every link verified${checkpoint}.`;
  }
  switch (result.reason) {
    case 'hash':
      return `Audit log BROKEN at entry #${result.brokenAt}: the entry does not match its keyed hash (edited, or rechained without the key${result.count === 1 ? ', or the key file is not this log\'s key' : ''}). Entries from #${result.brokenAt} on cannot be trusted.`;
    case 'prevHash':
      return `Audit log BROKEN at entry #${result.brokenAt}: the entry does not point to the entry before it (an entry was removed or rewritten). Entries from #${result.brokenAt} on cannot be trusted.`;
    case 'missingKey':
      return `Cannot verify the audit log: ${auditKeyMessage('missing', result.keyFile)}`;
    case 'invalidKey':
      return `Cannot verify the audit log: ${auditKeyMessage('invalid', result.keyFile)}`;
    case 'wrongKey':
      return `Cannot verify the audit log: the key file ${result.keyFile} (key ${result.actual}) is not the key the checkpoint was made with (key ${result.expected}).`;
    case 'checkpointSignature':
      return 'The checkpoint\'s signature is not valid for this installation: the checkpoint was altered, or it comes from another installation.';
    case 'truncated':
      return `Audit log TRUNCATED: it has ${result.count} entries, but the checkpoint of ${result.checkpointAt} recorded ${result.checkpointCount}: entries were removed.`;
    case 'checkpointMismatch':
      return `Audit log REWRITTEN: entry #${result.brokenAt} is not the entry the checkpoint of ${result.checkpointAt} recorded (entries were removed or the log was rechained).`;
  }
}
