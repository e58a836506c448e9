import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { generatePassword, hashSecret } from '../password.ts';

/** A real installation (TILTS_DEMO=off) starts with one administrator; the password is returned once. */
export async function createFirstAdmin(db: Db): Promise<string> {
  const password = generatePassword();
  const hash = await hashSecret(password);
  const now = new Date().toISOString();
  db.transaction(() => {
    const id = stmt(
      db,
      `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
       VALUES ('admin', 'admin', 'Administrator', NULL, ?, 'lv', ?, ?)`,
    ).run(hash, now, now).lastInsertRowid;
    appendAudit(db, { actor: SYSTEM_ACTOR, action: 'user.create', targetType: 'user', targetId: Number(id), details: { role: 'admin', username: 'admin' } });
  }).immediate();
  return password;
}
