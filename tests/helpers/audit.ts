import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { GENESIS_HASH, legacyEntryHash, type AuditRow } from '../../src/lib/server/audit-hash.ts';

/**
 * What someone who can write the database file (but not read the audit key)
 * can do to the audit log: drop the append-only triggers, change rows, put the
 * triggers back. Works on any better-sqlite3 handle (the app's or a raw one).
 */
export function aroundAuditTriggers(db: Database.Database, change: () => void): void {
  const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").pluck().all() as string[];
  if (triggers.length !== 2) throw new Error(`expected the 2 audit_log triggers, found ${triggers.length}`);
  db.transaction(() => {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    change();
    for (const trigger of triggers) db.exec(trigger);
  })();
}

/** Recomputes every entry's link and hash with `hash` (default: plain SHA-256, as the old chain did). */
export function rechain(db: Database.Database, hash: (prevHash: string, row: AuditRow) => string = legacyEntryHash): void {
  aroundAuditTriggers(db, () => {
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
    const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
    // Hashes are UNIQUE: clear them first so a new hash never collides with an old one mid-way.
    db.prepare("UPDATE audit_log SET hash = 'old-' || id").run();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const next = hash(prev, row);
      update.run(prev, next, row.id);
      prev = next;
    }
  });
}

/** Edits one entry's details, then rechains everything with plain SHA-256: the attack the old chain could not see. */
export function forgeAndRechain(db: Database.Database, id: number, details: Record<string, unknown>): void {
  aroundAuditTriggers(db, () => db.prepare('UPDATE audit_log SET details = ? WHERE id = ?').run(JSON.stringify(details), id));
  rechain(db);
}

/** Removes the newest `n` entries. */
export function deleteNewest(db: Database.Database, n: number): number[] {
  const ids = db.prepare('SELECT id FROM audit_log ORDER BY id DESC LIMIT ?').pluck().all(n) as number[];
  aroundAuditTriggers(db, () => db.prepare(`DELETE FROM audit_log WHERE id IN (${ids.map(() => '?').join(',')})`).run(...ids));
  return ids;
}

/** Copies the audit key of one data folder into another (a database copied alone cannot be verified or written to). */
export function copyAuditKey(fromDataDir: string, toDataDir: string): void {
  fs.mkdirSync(path.join(toDataDir, 'keys'), { recursive: true, mode: 0o700 });
  fs.copyFileSync(path.join(fromDataDir, 'keys', 'audit.key'), path.join(toDataDir, 'keys', 'audit.key'));
}
