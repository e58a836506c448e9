import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';

/**
 * The operator's commands, run as the README says (`npm run …`) against
 * temporary data folders: backup, audit verification (and catching a
 * tampered entry), seeding, migrating.
 */

let server: TestServer;
const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tilts-cli-');
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  // A live, seeded server: the backup is taken while it runs.
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

describe('npm run db:backup', () => {
  test('copies the live database consistently, and refuses to overwrite a file', async () => {
    const target = path.join(newDir(), 'backup.db');
    const result = await runNpm('db:backup', [target], { TILTS_DATA_DIR: server.dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(fs.existsSync(target)).toBe(true);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(count(target, 'SELECT count(*) FROM user')).toBe(count(server.databaseFile, 'SELECT count(*) FROM user'));
    // The sign-in above is in the copy too: it was committed before the backup.
    expect(count(target, "SELECT count(*) FROM audit_log WHERE action = 'auth.login'")).toBeGreaterThanOrEqual(1);

    const before = fs.statSync(target).mtimeMs;
    const again = await runNpm('db:backup', [target], { TILTS_DATA_DIR: server.dataDir });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists/);
    expect(fs.statSync(target).mtimeMs).toBe(before);
  });
});

describe('npm run audit:verify', () => {
  let copyDir: string;
  beforeAll(async () => {
    copyDir = newDir();
    const result = await runNpm('db:backup', [path.join(copyDir, 'tilts.db')], { TILTS_DATA_DIR: server.dataDir });
    expect(result.code, result.stderr).toBe(0);
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
