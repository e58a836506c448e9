import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { signedIn, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';
import { aroundAuditTriggers, copyAuditKey, deleteNewest, forgeAndRechain, rechain } from '../helpers/audit.ts';

/**
 * The operator's audit commands against a real installation: the server
 * makes the audit key and a daily checkpoint; `audit:checkpoint` signs one to
 * keep elsewhere; `audit:verify` (with and without `--checkpoint`) catches an
 * edited entry, a log rechained with plain SHA-256 and entries cut off the end.
 */

let server: TestServer;
let checkpointDir: string;
const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tilts-audit-cli-');
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  checkpointDir = newDir();
  server = await startServer({ env: { TILTS_AUDIT_CHECKPOINT_DIR: checkpointDir } });
  await signedIn(server.baseUrl, ACCOUNTS.admin);
});
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the live installation (database and audit key), to attack. */
function copyOfInstallation(): string {
  const dir = newDir();
  const live = new Database(server.databaseFile, { readonly: true });
  live.prepare('VACUUM INTO ?').run(path.join(dir, 'tilts.db'));
  live.close();
  copyAuditKey(server.dataDir, dir);
  return dir;
}

/** Opens the copy's database as someone with write access to the file would. */
function attack<T>(dir: string, change: (db: Database.Database) => T): T {
  const db = new Database(path.join(dir, 'tilts.db'));
  try {
    return change(db);
  } finally {
    db.close();
  }
}

const verify = (dir: string, ...args: string[]) => runNpm('audit:verify', args, { TILTS_DATA_DIR: dir });

async function checkpointOf(dir: string): Promise<string> {
  const file = path.join(newDir(), 'checkpoint.json');
  const result = await runNpm('audit:checkpoint', [file], { TILTS_DATA_DIR: dir });
  expect(result.code, result.stderr).toBe(0);
  return file;
}

describe('the server', () => {
  test('made the audit key of the new installation in keys/ of the data folder, readable by its owner only', () => {
    const key = path.join(server.dataDir, 'keys', 'audit.key');
    expect(fs.readFileSync(key, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(fs.statSync(key).mode & 0o077).toBe(0);
  });

  test("writes today's signed checkpoint into TILTS_AUDIT_CHECKPOINT_DIR, and it verifies", async () => {
    const today = path.join(checkpointDir, `audit-checkpoint-${new Date().toISOString().slice(0, 10)}.json`);
    await vi.waitFor(() => expect(fs.existsSync(today)).toBe(true), { timeout: 60_000, interval: 200 });
    expect(fs.readdirSync(checkpointDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const result = await verify(server.dataDir, '--checkpoint', today);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Audit log intact: \d+ entries, every link verified; the checkpoint of .* is contained unchanged\.\n$/);
  });

  test('refuses to start when the key file is gone but the log has keyed entries, naming the file and the variable', async () => {
    const dir = copyOfInstallation();
    fs.rmSync(path.join(dir, 'keys', 'audit.key'));
    await expect(startServer({ dataDir: dir })).rejects.toThrow(/audit key file .*keys\/audit\.key is missing.*TILTS_AUDIT_KEY_FILE/);
    expect(fs.existsSync(path.join(dir, 'keys', 'audit.key'))).toBe(false);
  });
});

describe('an installation from before the keyed chain', () => {
  test('its first start makes the key and anchors the old entries with a marker; everything verifies', async () => {
    const dir = copyOfInstallation();
    // As the old code left it: a plain SHA-256 chain and no key file.
    const old = attack(dir, (db) => {
      rechain(db);
      return db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    });
    fs.rmSync(path.join(dir, 'keys'), { recursive: true });
    const upgraded = await startServer({ dataDir: dir });
    await upgraded.stop();
    expect(fs.existsSync(path.join(dir, 'keys', 'audit.key'))).toBe(true);
    const marker = attack(dir, (db) => db.prepare("SELECT id, details FROM audit_log WHERE action = 'audit.chainKeyed'").all()) as { id: number; details: string }[];
    expect(marker).toHaveLength(1);
    expect(JSON.parse(marker[0]!.details)).toMatchObject({ legacyEntries: old, legacyIntact: true });
    const result = await verify(dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(the first ${old} from before the keyed chain, anchored by it)`);
  });
});

describe('npm run audit:checkpoint', () => {
  test('writes a signed checkpoint once, refusing to overwrite a file', async () => {
    const file = path.join(newDir(), 'cp.json');
    const first = await runNpm('audit:checkpoint', [file], { TILTS_DATA_DIR: server.dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Checkpoint written to .*cp\.json: \d+ entries, head #\d+ [0-9a-f]{64}, signed by key [0-9a-f]{16}\./);
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'tilts-audit-checkpoint/1', count: expect.any(Number), signature: expect.any(String) });
    const again = await runNpm('audit:checkpoint', [file], { TILTS_DATA_DIR: server.dataDir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  test('exits 2 without a file name', async () => {
    const result = await runNpm('audit:checkpoint', [], { TILTS_DATA_DIR: server.dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: npm run audit:checkpoint -- <checkpoint-file\.json>/);
  });

  test('signs nothing over a log that does not verify', async () => {
    const dir = copyOfInstallation();
    const victim = attack(dir, (db) => db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number);
    attack(dir, (db) => forgeAndRechain(db, victim, { forged: true }));
    const file = path.join(dir, 'cp.json');
    const result = await runNpm('audit:checkpoint', [file], { TILTS_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^No checkpoint written: Audit log BROKEN at entry #\d+/);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('npm run audit:verify catches', () => {
  test('an entry edited with raw SQL, with or without a checkpoint', async () => {
    const dir = copyOfInstallation();
    const checkpoint = await checkpointOf(dir);
    const victim = attack(dir, (db) => {
      const ids = db.prepare('SELECT id FROM audit_log ORDER BY id').pluck().all() as number[];
      const id = ids[Math.floor(ids.length / 2)]!;
      aroundAuditTriggers(db, () => db.prepare(`UPDATE audit_log SET actor_label = 'someone.else' WHERE id = ?`).run(id));
      return id;
    });
    for (const args of [[], ['--checkpoint', checkpoint]]) {
      const result = await verify(dir, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Audit log BROKEN at entry #${victim}: the entry does not match its keyed hash`));
    }
  });

  test('an edit hidden by rechaining the whole log with plain SHA-256', async () => {
    const dir = copyOfInstallation();
    const checkpoint = await checkpointOf(dir);
    const first = attack(dir, (db) => {
      const ids = db.prepare('SELECT id FROM audit_log ORDER BY id').pluck().all() as number[];
      forgeAndRechain(db, ids.at(-1)!, { forged: true });
      return ids[0]!;
    });
    for (const args of [[], ['--checkpoint', checkpoint]]) {
      const result = await verify(dir, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Audit log BROKEN at entry #${first}: the entry does not match its keyed hash (edited, or rechained without the key`);
    }
  });

  test('the newest entries deleted after a checkpoint (the chain alone cannot see it)', async () => {
    const dir = copyOfInstallation();
    const checkpoint = await checkpointOf(dir);
    const { count } = JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { count: number };
    attack(dir, (db) => deleteNewest(db, 2));
    expect((await verify(dir)).code).toBe(0);
    const result = await verify(dir, '--checkpoint', checkpoint);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Audit log TRUNCATED: it has ${count - 2} entries, but the checkpoint of ${JSON.parse(fs.readFileSync(checkpoint, 'utf8')).at} recorded ${count}: entries were removed.\n`);
  });

  test('a checkpoint whose count was edited: its signature fails', async () => {
    const dir = copyOfInstallation();
    const checkpoint = await checkpointOf(dir);
    const edited = JSON.parse(fs.readFileSync(checkpoint, 'utf8')) as { count: number };
    fs.writeFileSync(checkpoint, JSON.stringify({ ...edited, count: edited.count - 1 }));
    const result = await verify(dir, '--checkpoint', checkpoint);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^The checkpoint's signature is not valid for this installation/);
  });

  test('a missing key file, naming it and the variable', async () => {
    const dir = copyOfInstallation();
    fs.rmSync(path.join(dir, 'keys'), { recursive: true });
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Cannot verify the audit log: The audit key file .*keys\/audit\.key is missing.*TILTS_AUDIT_KEY_FILE/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('and finds the key where TILTS_AUDIT_KEY_FILE says', async () => {
    const dir = copyOfInstallation();
    const elsewhere = path.join(newDir(), 'audit.key');
    fs.renameSync(path.join(dir, 'keys', 'audit.key'), elsewhere);
    const result = await runNpm('audit:verify', [], { TILTS_DATA_DIR: dir, TILTS_AUDIT_KEY_FILE: elsewhere });
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('npm run audit:verify exits 2 on bad usage', () => {
  test.each([
    ['--checkpoint without a file', ['--checkpoint'], /argument missing|requires/i],
    ['an unknown option', ['--fast'], /Unknown option/i],
    ['a stray argument', ['extra'], /positional/i],
    ['a checkpoint file that does not exist', ['--checkpoint', '/nonexistent/cp.json'], /Cannot read the checkpoint file/],
    ['a file that is not a checkpoint', ['--checkpoint', path.resolve(import.meta.dirname, '../../package.json')], /is not a Tilts audit checkpoint/],
  ])('%s', async (_, args, message) => {
    const result = await verify(server.dataDir, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run audit:verify');
  });
});

describe("the admin's audit page", () => {
  test('says the log is intact, and says so plainly when the key file has gone missing under the running server', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const intact = await admin.post('/admin/audit');
    expect(intact.status).toBe(200);
    expect(visibleText(intact.body)).toMatch(/Žurnāls ir neskarts: ierakstu skaits — \d+, visas saites pārbaudītas\./);

    const key = path.join(server.dataDir, 'keys', 'audit.key');
    const aside = path.join(newDir(), 'audit.key');
    fs.renameSync(key, aside);
    try {
      const missing = await admin.post('/admin/audit');
      expect(missing.status).toBe(200);
      expect(visibleText(missing.body)).toContain('Žurnālu nevar pārbaudīt: audita atslēgas fails trūkst vai ir bojāts.');
    } finally {
      fs.renameSync(aside, key);
    }
  });
});
