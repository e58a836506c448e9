import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';
import { appendAudit, SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { createBackup } from '../../../src/lib/server/backup/create.ts';
import { restoreBackup } from '../../../src/lib/server/backup/restore.ts';
import { zipFiles } from '../../fixtures/h5p/crafted.ts';

/**
 * The archive format on its own (no server): what a backup carries and
 * leaves out, and that a restore trusts nothing it cannot check.
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-archive-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A data folder: a migrated database with an audit entry (and so its key), H5P files, and what must stay behind. */
function dataFolder(): TestDb {
  const t = createTestDb();
  cleanups.push(t.cleanup);
  appendAudit(t.db, { actor: SYSTEM_ACTOR, action: 'test.entry' });
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, rel), text);
  };
  write('h5p/libraries/H5P.Test-1.0.0/library.json', '{}');
  write('h5p/content/1/images/a.png', 'png');
  write('h5p/.tmp/import-7/half-written.js', 'half');
  // keys/audit.key is the real audit key, made by the first appendAudit above.
  return t;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const manifestOf = (files: Array<{ path: string; data: string }>) =>
  JSON.stringify({
    format: 'tilts-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    schemaVersion: 1,
    files: files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.data), sha256: sha(f.data) })),
  });

describe('a backup', () => {
  test('carries the database and every file of the data folder, but not the live WAL, nor imports in progress', async () => {
    const source = dataFolder();
    const archive = path.join(tmp(), 'b.zip');
    const done = await createBackup({ dataDir: source.dir, databaseFile: source.file }, archive);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.summary.auditEntries).toBe(1);
    expect(done.dataFiles).toBe(3);

    const target = path.join(tmp(), 'restored');
    const restored = await restoreBackup(archive, target);
    expect(restored.ok).toBe(true);
    const files: string[] = [];
    const walk = (dir: string, rel = '') => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) e.isDirectory() ? walk(path.join(dir, e.name), `${rel}${e.name}/`) : files.push(rel + e.name);
    };
    walk(target);
    expect(files.sort()).toEqual(['h5p/content/1/images/a.png', 'h5p/libraries/H5P.Test-1.0.0/library.json', 'keys/audit.key', 'tilts.db']);
  });
});

describe('a restore refuses what it cannot check', () => {
  const refused = async (entries: Array<{ name: string; data: string }>) => {
    const archive = path.join(tmp(), 'a.zip');
    fs.writeFileSync(archive, await zipFiles(entries));
    const parent = tmp();
    const result = await restoreBackup(archive, path.join(parent, 'restored'));
    expect(result.ok).toBe(false);
    // Nothing there, nothing beside it.
    expect(fs.readdirSync(parent)).toEqual([]);
    return result.ok ? '' : result.message;
  };
  const db = { path: 'data/tilts.db', data: 'not checked before every checksum is' };

  test('a file whose bytes differ from its checksum', async () => {
    const key = { path: 'data/keys/audit.key', data: 'key' };
    const message = await refused([
      { name: 'manifest.json', data: manifestOf([db, key]) },
      { name: db.path, data: db.data },
      { name: key.path, data: 'kez' },
    ]);
    expect(message).toBe('the archive is damaged: data/keys/audit.key does not match its SHA-256 checksum');
  });

  test('a file the manifest does not list, and a listed file that is missing', async () => {
    expect(await refused([{ name: 'manifest.json', data: manifestOf([db]) }, { name: db.path, data: db.data }, { name: 'data/extra', data: 'x' }])).toMatch(
      /holds data\/extra, which its manifest does not list/,
    );
    expect(await refused([{ name: 'manifest.json', data: manifestOf([db, { path: 'data/gone', data: 'x' }]) }, { name: db.path, data: db.data }])).toMatch(
      /lacks data\/gone/,
    );
  });

  test('a live WAL file, which a backup never holds', async () => {
    const wal = { path: 'data/tilts.db-wal', data: 'w' };
    expect(await refused([{ name: 'manifest.json', data: manifestOf([db, wal]) }, { name: db.path, data: db.data }, { name: wal.path, data: wal.data }])).toMatch(
      /holds data\/tilts\.db-wal, which a backup never does/,
    );
  });

  test('a database that is not one, even with a matching checksum', async () => {
    expect(await refused([{ name: 'manifest.json', data: manifestOf([db]) }, { name: db.path, data: db.data }])).toMatch(/the backup's database/);
  });
});
