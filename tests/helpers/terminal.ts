import { openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';
import { newCredentialSecret, signCredential, TERMINAL_COOKIE } from '../../src/lib/server/terminals/credential.ts';
import { replaceSlots } from '../../src/lib/server/terminals/hours.ts';
import type { Slot } from '../../src/lib/server/terminals/timetable.ts';
import { terminalFromCredential, type Terminal } from '../../src/lib/server/terminals/terminals.ts';

export { TERMINAL_COOKIE };

/**
 * Terminals for tests. Learners sign in only on an approved terminal inside
 * learning hours; tests that are not about that get a terminal set up here,
 * straight in the test server's database (the registration itself is tested
 * through the real pages in tests/e2e/supervisor/terminals.spec.ts), and test
 * servers are open round the clock (startServer calls openAllHours).
 */

/** Every day 00:00–24:00: the test servers' learning hours (never the demo's). */
export const ALL_DAY: Slot[] = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startsAt: '00:00', endsAt: '24:00' }));

function withDb<T>(databaseFile: string, fn: (db: Db) => T): T {
  const db = openDatabase(databaseFile);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Sets every facility's weekly slots (all day by default). */
export function setAllHours(databaseFile: string, slots: readonly Slot[] = ALL_DAY): void {
  withDb(databaseFile, (db) => {
    for (const id of stmt(db, 'SELECT id FROM facility').pluck().all() as number[]) replaceSlots(db, id, slots);
  });
}

/** Sets one facility's weekly slots and holidays (by facility code). */
export function setFacilityHours(databaseFile: string, facilityCode: string, slots: readonly Slot[], holidays: string[] = []): void {
  withDb(databaseFile, (db) => {
    const id = stmt(db, 'SELECT id FROM facility WHERE code = ?').pluck().get(facilityCode) as number;
    replaceSlots(db, id, slots);
    stmt(db, 'DELETE FROM learning_holiday WHERE facility_id = ?').run(id);
    for (const date of holidays) stmt(db, 'INSERT INTO learning_holiday (facility_id, date) VALUES (?, ?)').run(id, date);
  });
}

/**
 * A new approved terminal in the facility of the learner with `inmateNumber`
 * (in a room "Testa klase"), and the credential cookie value a device of it
 * holds.
 */
export function provisionTerminal(databaseFile: string, inmateNumber: string): string {
  return withDb(databaseFile, (db) => {
    // An unknown inmate number (a test of a wrong sign-in) gets a terminal of the first facility.
    const facilityId = (stmt(db, 'SELECT u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number = ?').pluck().get(inmateNumber) ??
      stmt(db, 'SELECT min(id) FROM facility').pluck().get()) as number;
    const at = new Date().toISOString();
    stmt(db, 'INSERT OR IGNORE INTO room (facility_id, name, created_at) VALUES (?, ?, ?)').run(facilityId, 'Testa klase', at);
    const roomId = stmt(db, 'SELECT id FROM room WHERE facility_id = ? AND name = ?').pluck().get(facilityId, 'Testa klase') as number;
    const { secret, hash } = newCredentialSecret();
    const id = Number(
      stmt(db, `INSERT INTO terminal (status, name, facility_id, room_id, credential_hash, approved_at, created_at, updated_at)
                VALUES ('approved', 'Testa terminālis', ?, ?, ?, ?, ?, ?)`).run(facilityId, roomId, hash, at, at, at).lastInsertRowid,
    );
    return signCredential(db, id, secret);
  });
}

/** For unit tests on a fixture database: an approved terminal of `facilityId`, open all day. */
export function approvedTerminal(db: Db, facilityId: number): Terminal {
  replaceSlots(db, facilityId, ALL_DAY);
  const at = new Date().toISOString();
  stmt(db, 'INSERT OR IGNORE INTO room (facility_id, name, created_at) VALUES (?, ?, ?)').run(facilityId, 'Testa klase', at);
  const roomId = stmt(db, 'SELECT id FROM room WHERE facility_id = ? AND name = ?').pluck().get(facilityId, 'Testa klase') as number;
  const { secret, hash } = newCredentialSecret();
  const id = Number(
    stmt(db, `INSERT INTO terminal (status, name, facility_id, room_id, credential_hash, approved_at, created_at, updated_at)
              VALUES ('approved', 'Testa terminālis', ?, ?, ?, ?, ?, ?)`).run(facilityId, roomId, hash, at, at, at).lastInsertRowid,
  );
  return terminalFromCredential(db, signCredential(db, id, secret))!;
}
