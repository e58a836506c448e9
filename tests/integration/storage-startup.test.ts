import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildDir, HOST, ROOT, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';
import { freePort, waitForExit } from '../../scripts/lib/server-process.ts';

/**
 * Storage that never lies about its state: `npm start` refuses, in one line
 * naming the variable or path, what it cannot serve truthfully (an empty,
 * unopenable or damaged database, a bad or taken port, a data folder that
 * takes no files), and writes nothing before the port is its own.
 */

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tilts-storage-');
  dirs.push(dir);
  return dir;
};
let server: TestServer | null = null;
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Refusal {
  code: number | null;
  output: string;
}

/** `npm start` as an operator runs it (the test build, no rebuild); it must exit by itself. */
async function startRefused(env: Record<string, string>): Promise<Refusal> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('TILTS_')) delete childEnv[key];
  Object.assign(childEnv, { TILTS_BUILD_DIR: buildDir(), HOST, ASTRO_TELEMETRY_DISABLED: '1', PORT: String(await freePort()) }, env);
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.ts')], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // A start that does not refuse would serve for ever: stop it, and the assertions below say why.
  if (!(await waitForExit(child, 90_000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
    return { code: null, output: `(still running)\n${output}` };
  }
  return { code: child.exitCode, output };
}

/** The refusal is exactly one line starting with "Tilts cannot start:". */
function expectOneLine(result: Refusal, pattern: RegExp): void {
  expect(result.code, result.output).toBe(1);
  expect(result.output).toMatch(/^Tilts cannot start: [^\n]+\n$/);
  expect(result.output).toMatch(pattern);
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Overwrites the cell pointers of the first leaf page of `table`: a damaged page, as a failing disk leaves it. */
function corruptPage(file: string, table: string): void {
  const db = new Database(file);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const page = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno LIMIT 1").pluck().get(table) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, (page - 1) * pageSize + 8);
  } finally {
    fs.closeSync(fd);
  }
  // A harmless commit from another connection: a server holding the file reads its pages afresh.
  const bump = new Database(file);
  bump.prepare('INSERT OR REPLACE INTO app_secret (name, value, created_at) VALUES (?, ?, ?)').run('test-bump', Buffer.alloc(1), new Date().toISOString());
  bump.close();
}

/** A migrated database in a new data folder (no demo: quick to make). */
async function migratedDir(): Promise<string> {
  const dir = newDir();
  const result = await runNpm('db:migrate', [], { TILTS_DATA_DIR: dir });
  expect(result.code, result.stderr).toBe(0);
  return dir;
}

describe('nothing is written before the port is ours', () => {
  test('PORT=abc stops the start with one line naming PORT; no data folder appears', async () => {
    const dataDir = path.join(newDir(), 'data');
    const result = await startRefused({ PORT: 'abc', TILTS_DATA_DIR: dataDir });
    expectOneLine(result, /PORT="abc" must be a port number from 1 to 65535/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  test('a port in use stops the start with one line naming PORT, before migrations or the course sync', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, HOST, resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const dataDir = path.join(newDir(), 'data');
      const result = await startRefused({ PORT: String(port), TILTS_DATA_DIR: dataDir });
      expectOneLine(result, new RegExp(`PORT=${port} on HOST=${HOST.replaceAll('.', '\\.')} is in use by another program \\(EADDRINUSE\\)`));
      expect(fs.existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('only a missing database file means a new installation', () => {
  test('a 0-byte tilts.db refuses to start (no demo with published passwords), and stays as it was', async () => {
    const dir = newDir();
    const file = path.join(dir, 'tilts.db');
    fs.writeFileSync(file, '');
    const result = await startRefused({ TILTS_DATA_DIR: dir });
    expectOneLine(result, /the database .*tilts\.db is empty \(0 bytes.*npm run db:restore/);
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['tilts.db']);
  });

  test('a file that is not a database, and a folder where the file should be, refuse to start', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'tilts.db'), 'these are the minutes of a meeting, not a database '.repeat(100));
    expectOneLine(await startRefused({ TILTS_DATA_DIR: dir }), /tilts\.db is damaged or not a Tilts database/);
    const folder = newDir();
    fs.mkdirSync(path.join(folder, 'tilts.db'));
    expectOneLine(await startRefused({ TILTS_DATA_DIR: folder }), /tilts\.db is not a file/);
  });

  test('a data folder that cannot be made or written names TILTS_DATA_DIR', async () => {
    const notAFolder = path.join(newDir(), 'plain-file');
    fs.writeFileSync(notAFolder, '');
    expectOneLine(await startRefused({ TILTS_DATA_DIR: notAFolder }), /TILTS_DATA_DIR .*plain-file (cannot be created|is not writable)/);
    if (process.getuid?.() === 0) {
      console.warn('skipped: the read-only data folder case (root writes to any folder; the check above covers the message)');
      return;
    }
    const readOnly = newDir();
    fs.chmodSync(readOnly, 0o555);
    try {
      expectOneLine(await startRefused({ TILTS_DATA_DIR: readOnly }), /TILTS_DATA_DIR .* is not writable/);
    } finally {
      fs.chmodSync(readOnly, 0o755);
    }
  });
});

describe('a damaged database is never served', () => {
  test('a database with a corrupted page refuses to start, saying to restore the last backup; db:check names the damage', async () => {
    const dir = await migratedDir();
    const file = path.join(dir, 'tilts.db');
    corruptPage(file, 'schema_migration');
    const before = sha256(file);
    const result = await startRefused({ TILTS_DATA_DIR: dir });
    expectOneLine(result, /the database .*tilts\.db is damaged \(quick_check: .*\); refusing to serve it: restore the last backup .*npm run db:restore/);
    expect(sha256(file)).toBe(before);

    const check = await runNpm('db:check', [], { TILTS_DATA_DIR: dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/is damaged \(integrity_check\)/);
    expect(check.stderr).toMatch(/restore the last backup/);
  });

  test('db:check passes a sound database', async () => {
    const dir = await migratedDir();
    const check = await runNpm('db:check', [], { TILTS_DATA_DIR: dir });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/passed its integrity check/);
  });

  test('a page damaged while serving: the request fails and /healthz reports the database as corrupt', async () => {
    server = await startServer();
    const staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
    expect(await (await fetch(`${server.baseUrl}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
    corruptPage(server.databaseFile, 'learner');
    const list = await staff.get('/staff/learners');
    expect(list.status).toBe(500);
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', database: 'corrupt' });
  }, 120_000);
});
