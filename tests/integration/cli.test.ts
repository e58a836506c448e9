import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';
import { copyAuditKey } from '../helpers/audit.ts';

/**
 * The operator's commands, run as the README says (`npm run …`) against
 * temporary data folders: audit verification (and catching a tampered
 * entry), seeding, migrating. Backup and restore: backup-restore.test.ts.
 */

let server: TestServer;
const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tilts-cli-');
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  // A live, seeded server: the copies below are taken while it runs.
  server = await startServer();
  await signedIn(server.baseUrl, ACCOUNTS.admin);
});
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('npm run audit:verify', () => {
  let copyDir: string;
  beforeAll(() => {
    copyDir = newDir();
    const live = new Database(server.databaseFile, { readonly: true });
    live.prepare('VACUUM INTO ?').run(path.join(copyDir, 'tilts.db'));
    live.close();
    copyAuditKey(server.dataDir, copyDir);
  });

  test('says the chain is intact on a clean database', async () => {
    const result = await runNpm('audit:verify', [], { TILTS_DATA_DIR: copyDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/intact/i);
  });

  test('exits 1 naming the entry whose details someone edited around the trigger', async () => {
    const file = path.join(copyDir, 'tilts.db');
    const db = new Database(file);
    const entries = db.prepare('SELECT id FROM audit_log ORDER BY id').pluck().all() as number[];
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const victim = entries[Math.floor(entries.length / 2)]!;
    // The append-only trigger refuses the edit…
    expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE id = ?").run(victim)).toThrow(/append-only/);
    // …so the forger drops it, edits, and puts it back.
    const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'").pluck().get() as string;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"forged":true}' WHERE id = ?`).run(victim);
    db.exec(trigger);
    db.close();

    const result = await runNpm('audit:verify', [], { TILTS_DATA_DIR: copyDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`#${victim}`);
  });
});

describe('npm run db:seed', () => {
  test('puts the demo into an empty database', async () => {
    const dir = newDir();
    const result = await runNpm('db:seed', [], { TILTS_DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('ieva.ozola');
    const file = path.join(dir, 'tilts.db');
    expect(count(file, "SELECT count(*) FROM facility")).toBe(5);
    expect(count(file, "SELECT count(*) FROM learner WHERE status = 'in_custody'")).toBe(40);
  });

  test('refuses a database that already has users, changing nothing', async () => {
    const dir = newDir();
    const live = new Database(server.databaseFile, { readonly: true });
    live.prepare('VACUUM INTO ?').run(path.join(dir, 'tilts.db'));
    live.close();
    const users = count(path.join(dir, 'tilts.db'), 'SELECT count(*) FROM user');
    const result = await runNpm('db:seed', [], { TILTS_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already has users/);
    expect(count(path.join(dir, 'tilts.db'), 'SELECT count(*) FROM user')).toBe(users);
  });
});

describe('npm run db:migrate', () => {
  test('applies the migrations once and is idempotent', async () => {
    const dir = newDir();
    const first = await runNpm('db:migrate', [], { TILTS_DATA_DIR: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied .*0001_/);
    const file = path.join(dir, 'tilts.db');
    const migrations = count(file, 'SELECT count(*) FROM schema_migration');
    expect(migrations).toBe(fs.readdirSync(path.resolve(import.meta.dirname, '../../db/migrations')).filter((f) => f.endsWith('.sql')).length);

    const second = await runNpm('db:migrate', [], { TILTS_DATA_DIR: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
    expect(count(file, 'SELECT count(*) FROM schema_migration')).toBe(migrations);
  });
});

describe('npm run roster:import', () => {
  const SAMPLE = path.resolve(import.meta.dirname, '../../docs/roster-sample.csv');
  const HEADER = 'inmate_number,surname,given_names,birth_year,facility_code,expected_release_date,education_level,latvian_level,preferred_language';
  let dir: string;
  let file: string;
  const learners = () => count(file, 'SELECT count(*) FROM learner');
  const imports = () => count(file, "SELECT count(*) FROM audit_log WHERE action = 'roster.import'");
  const write = (name: string, text: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
  };
  beforeAll(() => {
    // A copy of the seeded demo (five facilities, 40 learners).
    dir = newDir();
    file = path.join(dir, 'tilts.db');
    const live = new Database(server.databaseFile, { readonly: true });
    live.prepare('VACUUM INTO ?').run(file);
    live.close();
    copyAuditKey(server.dataDir, dir);
  });

  test('--dry-run reports the sample file row by row and saves nothing (exit 0)', async () => {
    const before = learners();
    const result = await runNpm('roster:import', [SAMPLE, '--dry-run'], { TILTS_DATA_DIR: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('dry run');
    expect(result.stdout).toContain('9 created, 0 updated, 0 unchanged, 0 transferred, 0 refused');
    expect(learners()).toBe(before);
    expect(imports()).toBe(0);
  });

  test('imports the sample (exit 0), and the same file again changes nothing', async () => {
    const before = learners();
    const first = await runNpm('roster:import', [SAMPLE], { TILTS_DATA_DIR: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('9 created');
    expect(learners()).toBe(before + 9);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT surname, given_names FROM learner WHERE inmate_number = ?').get('260104')).toEqual({ surname: 'Петрова', given_names: 'Светлана Игоревна' });
    db.close();
    const again = await runNpm('roster:import', [SAMPLE], { TILTS_DATA_DIR: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 created, 0 updated, 9 unchanged, 0 transferred, 0 refused');
    expect(learners()).toBe(before + 9);
    expect(imports()).toBe(2);
  });

  test('exits 1 listing each refused row by row number, column and reason; the valid rows are imported', async () => {
    const before = learners();
    const roster = write(
      'partly-bad.csv',
      [HEADER, '270001,Kalns,Pēteris,1990,OLA,2027-01-31,basic,B1,lv', '270002,Lapa,Anna,1992,XYZ,2027-01-31,basic,B1,lv', '270003,Sīle,Ēriks,1985,OLA,31.01.2027,basic,B1,lv'].join('\n'),
    );
    const result = await runNpm('roster:import', [roster], { TILTS_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('row 3, facility_code: There is no facility with the code XYZ.');
    expect(result.stdout).toMatch(/row 4, expected_release_date: .*YYYY-MM-DD/);
    expect(result.stdout).toContain('1 created, 0 updated, 0 unchanged, 0 transferred, 2 refused');
    expect(learners()).toBe(before + 1);
  });

  test('exits 2 for a file that is not a roster or cannot be read, and imports nothing', async () => {
    const before = [learners(), imports()];
    const noColumn = write('no-column.csv', 'inmate_number,surname\n270010,Kalns\n');
    const result = await runNpm('roster:import', [noColumn], { TILTS_DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lacks these columns: given_names, birth_year/);
    const missing = await runNpm('roster:import', [path.join(dir, 'nowhere.csv')], { TILTS_DATA_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const usage = await runNpm('roster:import', [], { TILTS_DATA_DIR: dir });
    expect(usage.code).toBe(2);
    expect([learners(), imports()]).toEqual(before);
  });
});
