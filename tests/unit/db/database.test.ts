import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { inTransaction, migrate, pingDatabase, stmt } from '../../../src/lib/server/db.ts';
import { createTestDb, MIGRATIONS_DIR, type TestDb } from '../../helpers/fixture.ts';

let t: TestDb;
afterEach(() => t?.cleanup());

const tables = (t: TestDb) =>
  t.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('migrations', () => {
  test('a new database gets every migration once, recorded with its name', () => {
    t = createTestDb({ migrated: false });
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(migrate(t.db, MIGRATIONS_DIR).applied).toEqual(files);
    expect(tables(t)).toEqual(expect.arrayContaining(['facility', 'user', 'learner', 'session', 'login_throttle', 'audit_log', 'schema_migration']));
    const recorded = t.db.prepare('SELECT name FROM schema_migration ORDER BY version').pluck().all();
    expect(recorded).toEqual(files);
  });

  test('running the migrations again applies nothing and changes nothing', () => {
    t = createTestDb();
    const schema = () => t.db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const before = schema();
    expect(migrate(t.db, MIGRATIONS_DIR).applied).toEqual([]);
    expect(schema()).toEqual(before);
    expect(t.db.prepare('SELECT count(*) FROM schema_migration').pluck().get()).toBe(fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
  });

  test('a newly added migration is applied on the next start, the old ones are not re-run', () => {
    t = createTestDb({ migrated: false });
    const dir = path.join(t.dir, 'migrations');
    fs.mkdirSync(dir);
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    migrate(t.db, dir);
    fs.writeFileSync(path.join(dir, '9999_extra.sql'), 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;');
    expect(migrate(t.db, dir).applied).toEqual(['9999_extra.sql']);
    expect(tables(t)).toContain('extra');
  });

  test('a failing migration leaves no trace and is not recorded', () => {
    t = createTestDb();
    const dir = path.join(t.dir, 'broken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '9998_half.sql'), 'CREATE TABLE half (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);');
    expect(() => migrate(t.db, dir)).toThrow(/nowhere/);
    expect(tables(t)).not.toContain('half');
    expect(t.db.prepare('SELECT count(*) FROM schema_migration WHERE version = 9998').pluck().get()).toBe(0);
  });
});

describe('pragmas', () => {
  test('the database runs in WAL mode with synchronous=FULL and enforced foreign keys', () => {
    t = createTestDb();
    expect(t.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(t.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(t.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(t.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  test('a row pointing at a missing facility is refused', () => {
    t = createTestDb();
    expect(() =>
      t.db
        .prepare(`INSERT INTO user (role, username, display_name, facility_id, created_at, updated_at) VALUES ('teacher', 'x.y', 'X', 999, 'now', 'now')`)
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});

describe('transactions', () => {
  const insertFacility = (t: TestDb, code: string) =>
    stmt(t.db, "INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, 'F', 'now', 'now')").run(code);
  const facilityCount = (t: TestDb) => t.db.prepare('SELECT count(*) FROM facility').pluck().get();

  test('inTransaction commits and returns the result', () => {
    t = createTestDb();
    expect(inTransaction(t.db, () => (insertFacility(t, 'AA'), insertFacility(t, 'BB'), 'done'))).toBe('done');
    expect(facilityCount(t)).toBe(2);
  });

  test('a throw inside inTransaction rolls back every statement before it', () => {
    t = createTestDb();
    expect(() =>
      inTransaction(t.db, () => {
        insertFacility(t, 'AA');
        insertFacility(t, 'BB');
        throw new Error('half-way');
      }),
    ).toThrow('half-way');
    expect(facilityCount(t)).toBe(0);
    expect(t.db.inTransaction).toBe(false);
  });

  test('db.transaction rolls back on a constraint failure', () => {
    t = createTestDb();
    const both = t.db.transaction(() => {
      insertFacility(t, 'AA');
      insertFacility(t, 'AA'); // duplicate code
    });
    expect(() => both()).toThrow(/UNIQUE/);
    expect(facilityCount(t)).toBe(0);
  });
});

describe('health', () => {
  test('pingDatabase answers true while the database is open and false once it is closed', () => {
    t = createTestDb();
    expect(pingDatabase(t.db)).toBe(true);
    t.db.close();
    expect(pingDatabase(t.db)).toBe(false);
  });

  test('stmt prepares a statement once per database and reuses it', () => {
    t = createTestDb();
    expect(stmt(t.db, 'SELECT 1')).toBe(stmt(t.db, 'SELECT 1'));
    const other = createTestDb();
    try {
      expect(stmt(other.db, 'SELECT 1')).not.toBe(stmt(t.db, 'SELECT 1'));
    } finally {
      other.cleanup();
    }
  });
});
