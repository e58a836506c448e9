import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { Client, signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { runNpm } from '../helpers/cli.ts';
import { openDatabase, type Db } from '../../src/lib/server/db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { storeH5pPackage } from '../../src/lib/server/h5p/store.ts';
import { createGrant } from '../../src/lib/server/h5p/player.ts';
import { t } from '../../src/lib/i18n/index.ts';
import { craftPackage, CRAFTED_LIBRARY, zipFiles } from '../fixtures/h5p/crafted.ts';

/**
 * The restore drill an operator runs, end to end with the real commands:
 * a backup taken while the server serves and writes go on steadily, restored
 * into an empty folder, and a server started on it: the H5P activity still
 * plays (its files are in the data folder, not the database: a backup of the
 * database alone brought every activity back as 404s), people sign in, the
 * audit log verifies. Then what restore must refuse, leaving nothing behind.
 */

const PICTURE = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
/** The live installation's audit key (keys/audit.key, made at its first start): it must travel with the database. */
let KEY: Buffer;

let live: TestServer;
let restored: TestServer | null = null;
let liveDb: Db;
let grant: string;
let archive = '';
const dirs: string[] = [];
const newDir = (prefix = 'tilts-drill-') => {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  live = await startServer();
  liveDb = openDatabase(live.databaseFile);
  // A teacher's H5P activity with a picture: library and content files land in the data folder.
  const stored = await storeH5pPackage(
    liveDb,
    live.dataDir,
    { userId: null, audit: SYSTEM_ACTOR },
    await craftPackage([{ name: 'content/images/picture.png', data: PICTURE }], { title: 'Drill activity' }),
  );
  if (!stored.ok) throw new Error('the crafted package must import');
  grant = createGrant(liveDb, stored.contentId);
  // Every file of the data folder (the audit key, say) must come back byte for byte, owner-only.
  KEY = fs.readFileSync(path.join(live.dataDir, 'keys', 'audit.key'));
  expect(fs.statSync(path.join(live.dataDir, 'keys', 'audit.key')).mode & 0o777).toBe(0o600);
});
afterAll(async () => {
  liveDb?.close();
  await restored?.stop();
  await live?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** AAAA, AAAB, … : unique facility codes of four capital letters. */
function code(n: number): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26);
  }
  return out;
}

const count = (file: string, sql: string, ...params: unknown[]) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get(...params) as number;
  } finally {
    db.close();
  }
};

/** Sibling folders a restore may have left (it stages beside its target). */
const leftovers = (parent: string) => fs.readdirSync(parent).filter((name) => name.includes('.restoring-'));

describe('the restore drill', () => {
  test('a backup taken under steady writes holds every write acknowledged before it began', async () => {
    const admin = await signedIn(live.baseUrl, ACCOUNTS.admin);
    const created = t('lv', 'facilities.created');
    const acked: string[] = [];
    const failures: string[] = [];
    let auditWrites = 0;
    let stop = false;
    let next = 0;
    // Admins adding facilities over HTTP (each with its audit entry)…
    const httpWriter = async () => {
      while (!stop) {
        const c = code(next++);
        const reply = await admin.post('/admin/facilities', { code: c, name: `Drill ${c}` });
        if (reply.status === 200 && reply.body.includes(created)) acked.push(c);
        else failures.push(`facility ${c}: HTTP ${reply.status}\n${live.output().slice(-1500)}`);
      }
    };
    // …and another connection appending to the audit log, a commit every few milliseconds
    // (back to back, it would keep the write lock from the server longer than its busy timeout).
    const dbWriter = async () => {
      while (!stop) {
        appendAudit(liveDb, { actor: SYSTEM_ACTOR, action: 'drill.write', details: { n: auditWrites } });
        auditWrites++;
        await sleep(5);
      }
    };
    // Eight writers over HTTP, as when the old step-wise backup never finished, and one beside the server.
    const writers = [...Array.from({ length: 8 }, httpWriter), dbWriter()];
    while (acked.length < 20 && failures.length === 0) await sleep(50);

    const folder = newDir('tilts-backups-');
    archive = path.join(folder, 'tilts-backup.zip');
    const ackedBefore = [...acked];
    const auditBefore = auditWrites;
    const backup = await runNpm('db:backup', [archive], { TILTS_DATA_DIR: live.dataDir });
    const ackedDuring = acked.length - ackedBefore.length + (auditWrites - auditBefore);
    stop = true;
    await Promise.all(writers);

    expect(backup.code, backup.stderr).toBe(0);
    expect(failures.join('\n')).toBe('');
    expect(ackedDuring, 'writes went on while the backup ran').toBeGreaterThan(0);
    expect(backup.stdout).toMatch(/integrity check/);
    expect(backup.stdout).toMatch(/SHA-256 of the archive: [0-9a-f]{64}/);
    // Only the finished archive is where the backup should be: no partial file beside it.
    expect(fs.readdirSync(folder)).toEqual(['tilts-backup.zip']);

    // What the archive holds, unpacked by the restore below, is checked there; here: it refuses to overwrite.
    const again = await runNpm('db:backup', [archive], { TILTS_DATA_DIR: live.dataDir });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exists already/);
    const inside = await runNpm('db:backup', [path.join(live.dataDir, 'b.zip')], { TILTS_DATA_DIR: live.dataDir });
    expect(inside.code).not.toBe(0);
    expect(inside.stderr).toMatch(/inside TILTS_DATA_DIR/);

    // Restore into an empty folder and compare with what was acknowledged before the backup began.
    const target = path.join(newDir(), 'restored');
    const restore = await runNpm('db:restore', [archive], { TILTS_DATA_DIR: target });
    expect(restore.code, restore.stderr).toBe(0);
    const file = path.join(target, 'tilts.db');
    const learners = count(live.databaseFile, 'SELECT count(*) FROM learner');
    expect(restore.stdout).toContain(`${learners} learners`);
    expect(restore.stdout).toMatch(/\d+ certificates, \d+ audit entries, 1 H5P activities, \d+ files of the data folder/);
    expect(restore.stdout).toMatch(/checksum.*integrity check.*audit log verified/);
    const hasFacility = (c: string) => count(file, 'SELECT count(*) FROM facility WHERE code = ?', c) === 1;
    expect(ackedBefore.filter((c) => !hasFacility(c)), 'acknowledged writes missing from the backup').toEqual([]);
    expect(count(file, "SELECT count(*) FROM audit_log WHERE action = 'drill.write'")).toBeGreaterThanOrEqual(auditBefore);
    // Every file of the data folder came back, byte for byte, with its permissions; the live WAL never travels.
    const keyFile = path.join(target, 'keys', 'audit.key');
    expect(fs.readFileSync(keyFile)).toEqual(KEY);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(target, 'tilts.db-wal'))).toBe(false);
    expect(fs.readdirSync(path.join(target, 'h5p', 'libraries'))).toContain(`${CRAFTED_LIBRARY}-1.0.3`);
    expect(leftovers(path.dirname(target))).toEqual([]);

    restored = await startServer({ dataDir: target });
  }, 240_000);

  test('on the restored folder the H5P activity plays, sign-ins work and the audit log verifies', async () => {
    expect(restored, 'the drill above started a server on the restored folder').not.toBeNull();
    const server = restored!;
    const player = new Client(server.baseUrl);
    // The grant handed out before the backup still opens (the secret came with the database)…
    expect((await player.request('GET', `/h5p/play/${grant}/`)).status).toBe(200);
    expect((await player.request('GET', `/h5p/play/${grant}/h5p.json`)).status).toBe(200);
    // …and the files on disk answer: a library script and the content's picture.
    const script = await player.request('GET', `/h5p/play/${grant}/libraries/${CRAFTED_LIBRARY}-1.0/crafted.js`);
    expect(script.status).toBe(200);
    expect(script.body.length).toBeGreaterThan(0);
    expect((await player.request('GET', `/h5p/play/${grant}/content/images/picture.png`)).status).toBe(200);

    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    expect((await admin.get('/admin/facilities')).body).toContain('Drill AAAA');
    const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
    expect((await learner.get('/learn')).status).toBe(200);

    const verify = await runNpm('audit:verify', [], { TILTS_DATA_DIR: server.dataDir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/intact/i);
  }, 120_000);
});

test('a database restored without its data folder (an old database-only backup) plays its H5P activity again', async () => {
  const dir = path.join(newDir(), 'db-only');
  expect((await runNpm('db:restore', [archive], { TILTS_DATA_DIR: dir })).code).toBe(0);
  // What the old `db:backup` gave: the database file and nothing else.
  for (const name of fs.readdirSync(dir)) if (name !== 'tilts.db') fs.rmSync(path.join(dir, name), { recursive: true });
  const server = await startServer({ dataDir: dir });
  try {
    expect(server.output()).toMatch(/Rebuilt 2 missing H5P folder\(s\) from the stored packages/);
    const player = new Client(server.baseUrl);
    expect((await player.request('GET', `/h5p/play/${grant}/libraries/${CRAFTED_LIBRARY}-1.0/crafted.js`)).status).toBe(200);
    const picture = await player.request('GET', `/h5p/play/${grant}/content/images/picture.png`);
    expect(picture.status).toBe(200);
  } finally {
    await server.stop();
  }
}, 120_000);

describe('restore refuses, leaving nothing behind', () => {
  /** Runs db:restore of `file` into a new folder `restored` and checks that nothing appeared there or beside it. */
  const refusedInto = async (file: string) => {
    const parent = newDir();
    const target = path.join(parent, 'restored');
    const result = await runNpm('db:restore', [file], { TILTS_DATA_DIR: target });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Restore refused: .*Nothing was restored\.\n$/);
    expect(fs.existsSync(target)).toBe(false);
    expect(leftovers(parent)).toEqual([]);
    return result.stderr;
  };

  test('a folder that is not empty', async () => {
    expect(archive, 'the drill above wrote an archive').not.toBe('');
    const target = newDir();
    fs.writeFileSync(path.join(target, 'tilts.db'), 'the current installation');
    const result = await runNpm('db:restore', [archive], { TILTS_DATA_DIR: target });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TILTS_DATA_DIR .* is not empty \(tilts\.db\)/);
    expect(fs.readdirSync(target)).toEqual(['tilts.db']);
    expect(fs.readFileSync(path.join(target, 'tilts.db'), 'utf8')).toBe('the current installation');
  });

  test('an archive with flipped bytes', async () => {
    const bytes = fs.readFileSync(archive);
    // Inside the database's compressed data (the first entry), well past its header.
    for (let i = 4_000; i < 4_016; i++) bytes[i]! ^= 0xff;
    const damaged = path.join(newDir(), 'damaged.zip');
    fs.writeFileSync(damaged, bytes);
    expect(await refusedInto(damaged)).toMatch(/damaged/);
  });

  test('a truncated archive', async () => {
    const bytes = fs.readFileSync(archive);
    const truncated = path.join(newDir(), 'truncated.zip');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await refusedInto(truncated)).toMatch(/not a readable backup archive/);
  });

  test('a zip that is not a Tilts backup, and a file that is no zip', async () => {
    const foreign = path.join(newDir(), 'photos.zip');
    fs.writeFileSync(foreign, await zipFiles([{ name: 'holiday.jpg', data: PICTURE }]));
    expect(await refusedInto(foreign)).toMatch(/not a Tilts backup/);
    const text = path.join(newDir(), 'notes.zip');
    fs.writeFileSync(text, 'just some text');
    expect(await refusedInto(text)).toMatch(/not a readable backup archive/);
  });

  test('a well-formed archive whose audit log was edited (checksums made to match)', async () => {
    // The forger restores a copy, edits an audit entry around the append-only trigger, and archives it anew.
    const copy = path.join(newDir(), 'copy');
    expect((await runNpm('db:restore', [archive], { TILTS_DATA_DIR: copy })).code).toBe(0);
    const db = new Database(path.join(copy, 'tilts.db'));
    const victim = db.prepare("SELECT id FROM audit_log WHERE action = 'facility.create' ORDER BY id LIMIT 1").pluck().get() as number;
    const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'").pluck().get() as string;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET details = '{"code":"XXXX"}' WHERE id = ?`).run(victim);
    db.exec(trigger);
    db.close();
    const forged = path.join(newDir(), 'forged.zip');
    expect((await runNpm('db:backup', [forged], { TILTS_DATA_DIR: copy })).code).toBe(0);
    expect(await refusedInto(forged)).toContain(`audit log does not verify: audit entry #${victim}`);
  });

  test('a backup of a newer Tilts (a migration this one does not know)', async () => {
    const copy = path.join(newDir(), 'copy');
    expect((await runNpm('db:restore', [archive], { TILTS_DATA_DIR: copy })).code).toBe(0);
    const db = new Database(path.join(copy, 'tilts.db'));
    db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (9999, ?, ?)').run('9999_future.sql', new Date().toISOString());
    db.close();
    const future = path.join(newDir(), 'future.zip');
    expect((await runNpm('db:backup', [future], { TILTS_DATA_DIR: copy })).code).toBe(0);
    expect(await refusedInto(future)).toMatch(/newer Tilts \(database migration 9999; this one knows up to \d+\)/);
  });

  test('a crafted archive whose manifest leads out of the data folder', async () => {
    const manifest = {
      format: 'tilts-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      schemaVersion: 1,
      files: [
        { path: 'data/tilts.db', bytes: 1, sha256: '0'.repeat(64) },
        { path: 'data/../../escaped', bytes: 1, sha256: '0'.repeat(64) },
      ],
    };
    const crafted = path.join(newDir(), 'crafted.zip');
    fs.writeFileSync(
      crafted,
      await zipFiles([
        { name: 'manifest.json', data: JSON.stringify(manifest) },
        { name: 'data/tilts.db', data: 'x' },
      ]),
    );
    expect(await refusedInto(crafted)).toMatch(/manifest\.json: files\.1\.path/);
  });
});
