import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import { hashSecret } from '../../src/lib/server/password.ts';
import type { SessionTimeouts, SessionUser } from '../../src/lib/server/session.ts';
import type { Locale, Role } from '../../src/lib/shared/domain.ts';

/**
 * The one fixture builder of the test suites: a temporary database, migrated,
 * holding a small prison system with a user in every role. Each test builds
 * its own, so no test sees another's data and none touches db/data.
 */

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../db/migrations');

/** The session limits a server with no configuration uses (learner 15 min, staff 30 min, 12 h). */
export const TEST_TIMEOUTS: SessionTimeouts = (() => {
  const { idleMs, sessionMaxMs } = loadConfig({});
  return { idleMs, sessionMaxMs };
})();

/** Every staff and released account of the fixture signs in with this password. */
export const STAFF_PASSWORD = 'fixture-password-2026';
/** Every learner of the fixture signs in with this PIN. */
export const LEARNER_PIN = '4321';

export interface TestDb {
  db: Db;
  /** The temporary folder holding the database file. */
  dir: string;
  file: string;
  /** Closes the database and removes its folder. */
  cleanup: () => void;
}

/** A fresh database file in a temporary folder, with the pragmas of the server and (by default) every migration applied. */
export function createTestDb({ migrated = true }: { migrated?: boolean } = {}): TestDb {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-test-'));
  const file = path.join(dir, 'tilts.db');
  const db = openDatabase(file);
  if (migrated) migrate(db, MIGRATIONS_DIR);
  return {
    db,
    dir,
    file,
    cleanup: () => {
      if (db.open) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One person of the fixture: who they are to the policy, and how they sign in. */
export interface Person {
  user: SessionUser;
  /** Username, or inmate number for learners. */
  login: string;
  secret: string;
}

export interface LearnerPerson extends Person {
  learnerId: number;
  inmateNumber: string;
}

export interface FixtureFacility {
  id: number;
  code: string;
  name: string;
}

/** The education provider every fixture has (the first row of the register): programmes issue through it by default. */
export const FIXTURE_PROVIDER = { id: 1, name: 'Profesionālās izglītības kompetences centrs' } as const;

/** Adds an education provider to the register (no audit entry); returns its id. */
export function addProvider(db: Db, nameLv: string, { active = true, registrationNumber = null as string | null } = {}): number {
  return Number(
    stmt(
      db,
      `INSERT INTO education_provider (name_lv, name_en, registration_number, address, active, created_at, updated_at)
       VALUES (?, ?, ?, 'Skolas iela 1, Rīga, LV-1001', ?, ?, ?)`,
    ).run(nameLv, nameLv, registrationNumber, active ? 1 : 0, NOW, NOW).lastInsertRowid,
  );
}

/** The id of the provider with this Latvian name, added to the register first if it is not there (e.g. in the demo database). */
export function ensureProvider(db: Db, nameLv: string): number {
  const id = stmt(db, 'SELECT id FROM education_provider WHERE name_lv = ?').pluck().get(nameLv) as number | undefined;
  return id ?? addProvider(db, nameLv);
}

export interface Prison {
  db: Db;
  /** Olaine: home of every role below except where noted. */
  facilityA: FixtureFacility;
  /** Iļģuciems: the "other prison". */
  facilityB: FixtureFacility;
  /** Administrator (no home facility: acts everywhere). */
  admin: Person;
  educationStaff: Person;
  teacher: Person;
  supervisor: Person;
  /** An inmate in custody at facility A. */
  learner: LearnerPerson;
  /** A released person's portal account (no facility), linked to `formerLearner`. */
  released: Person;
  /** The released person's old in-custody account: status released, deactivated. */
  formerLearner: LearnerPerson;
  /** An inmate in custody at facility B. */
  otherLearner: LearnerPerson;
  /** Education staff at facility B. */
  otherEducationStaff: Person;
}

// Hashing is slow on purpose; every account of one kind shares one hash
// (salted once), computed once per test file.
let hashes: Promise<{ password: string; pin: string }> | null = null;
function fixtureHashes() {
  hashes ??= Promise.all([hashSecret(STAFF_PASSWORD), hashSecret(LEARNER_PIN)]).then(([password, pin]) => ({ password, pin }));
  return hashes;
}

const NOW = '2026-01-15T08:00:00.000Z';

/**
 * Fills a migrated, empty database with two facilities and their people.
 * Writes no audit entries, so a test's audit log holds only what it caused.
 */
export async function buildPrison(db: Db): Promise<Prison> {
  const { password, pin } = await fixtureHashes();
  const addFacility = (code: string, name: string): FixtureFacility => {
    const id = Number(
      stmt(db, 'INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(code, name, NOW, NOW).lastInsertRowid,
    );
    return { id, code, name };
  };
  const addUser = (role: Role, username: string | null, displayName: string, facilityId: number | null, locale: Locale = 'lv'): number =>
    Number(
      stmt(
        db,
        `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(role, username, displayName, facilityId, role === 'learner' ? pin : password, locale, NOW, NOW).lastInsertRowid,
    );
  const staff = (role: Exclude<Role, 'learner'>, username: string, displayName: string, facilityId: number | null, locale: Locale = 'lv'): Person => {
    const id = addUser(role, username, displayName, facilityId, locale);
    return {
      user: { id, role, displayName, username, facilityId, facilityIds: facilityId ? [facilityId] : [], locale, learnerId: null },
      login: username,
      secret: STAFF_PASSWORD,
    };
  };
  const learner = (
    inmateNumber: string,
    givenNames: string,
    surname: string,
    facilityId: number,
    status: 'in_custody' | 'released' = 'in_custody',
    portalUserId: number | null = null,
  ): LearnerPerson => {
    const displayName = `${givenNames} ${surname}`;
    const userId = addUser('learner', null, displayName, facilityId);
    const learnerId = Number(
      stmt(
        db,
        `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level,
           expected_release_date, status, portal_user_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1990, 'basic', 'B1', '2027-06-30', ?, ?, ?, ?)`,
      ).run(userId, inmateNumber, surname, givenNames, status, portalUserId, NOW, NOW).lastInsertRowid,
    );
    if (status !== 'in_custody') stmt(db, 'UPDATE user SET active = 0 WHERE id = ?').run(userId);
    return {
      user: { id: userId, role: 'learner', displayName, username: null, facilityId, facilityIds: [facilityId], locale: 'lv', learnerId },
      login: inmateNumber,
      secret: LEARNER_PIN,
      learnerId,
      inmateNumber,
    };
  };

  return db
    .transaction((): Prison => {
      const facilityA = addFacility('OLA', 'Olaines cietums');
      const facilityB = addFacility('ILG', 'Iļģuciema cietums');
      if (addProvider(db, FIXTURE_PROVIDER.name, { registrationNumber: '3013000001' }) !== FIXTURE_PROVIDER.id) throw new Error('the fixture provider must be the first of the register');
      const released = staff('released', 'raivis.celmins', 'Raivis Celmiņš', null);
      return {
        db,
        facilityA,
        facilityB,
        admin: staff('admin', 'anita.admin', 'Anita Kalniņa', null),
        educationStaff: staff('education_staff', 'ieva.ozola', 'Ieva Ozola', facilityA.id),
        teacher: staff('teacher', 'janis.liepa', 'Jānis Liepa', facilityA.id),
        supervisor: staff('supervisor', 'andris.vitols', 'Andris Vītols', facilityA.id),
        learner: learner('A-1001', 'Mārtiņš', 'Bērziņš', facilityA.id),
        released,
        formerLearner: learner('A-0999', 'Raivis', 'Celmiņš', facilityA.id, 'released', released.user.id),
        otherLearner: learner('B-2001', 'Līga', 'Kalniņa', facilityB.id),
        otherEducationStaff: staff('education_staff', 'marina.petrova', 'Marina Petrova', facilityB.id, 'ru'),
      };
    })
    .immediate();
}

/** A temporary database with the prison in it; call `cleanup` after the test. */
export async function createPrison(): Promise<Prison & { cleanup: () => void; file: string }> {
  const t = createTestDb();
  try {
    return { ...(await buildPrison(t.db)), cleanup: t.cleanup, file: t.file };
  } catch (e) {
    t.cleanup();
    throw e;
  }
}

/** Grants `person` the right to act on another facility; returns their user as a new session would see it. */
export function grantFacility(db: Db, person: Person, facilityId: number): SessionUser {
  stmt(db, 'INSERT INTO facility_grant (user_id, facility_id, granted_at) VALUES (?, ?, ?)').run(person.user.id, facilityId, NOW);
  return { ...person.user, facilityIds: [...new Set([...person.user.facilityIds, facilityId])] };
}

/** The audit actions recorded so far, oldest first (for "this change was audited" assertions). */
export function auditActions(db: Db): string[] {
  return stmt(db, 'SELECT action FROM audit_log ORDER BY id').pluck().all() as string[];
}
