import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { resolvePlayerFile } from '../../../src/lib/server/h5p/player.ts';
import { rebuildMissingH5pFiles } from '../../../src/lib/server/h5p/rebuild.ts';
import { storeH5pPackage, type H5pImported } from '../../../src/lib/server/h5p/store.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';
import { craftPackage, CRAFTED_LIBRARY } from '../../fixtures/h5p/crafted.ts';

/*
 * A database restored without its data folder (an old, database-only
 * backup) used to answer 404 for every H5P file: the files are unpacked on
 * disk, the database keeps only the packages. The start rebuilds them.
 */

const PICTURE = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('rebuilding missing H5P folders from the stored packages', () => {
  let t: TestDb;
  let stored: H5pImported;
  beforeEach(async () => {
    t = createTestDb();
    const result = await storeH5pPackage(t.db, t.dir, { userId: null, audit: SYSTEM_ACTOR }, await craftPackage([{ name: 'content/images/p.png', data: PICTURE }]));
    if (!result.ok) throw new Error('the crafted package must import');
    stored = result;
  });
  afterEach(() => t.cleanup());

  const picture = () => resolvePlayerFile(t.db, t.dir, stored.contentId, 'content/images/p.png');
  const script = () => resolvePlayerFile(t.db, t.dir, stored.contentId, `libraries/${CRAFTED_LIBRARY}-1.0/crafted.js`);

  test('a data folder without its h5p/ folder gets the content and library files back, byte for byte', async () => {
    const before = script();
    expect(before?.kind).toBe('file');
    const scriptBytes = fs.readFileSync((before as { path: string }).path);
    fs.rmSync(path.join(t.dir, 'h5p'), { recursive: true });
    expect(picture()).toBeNull();
    expect(script()).toBeNull();

    const result = await rebuildMissingH5pFiles(t.db, t.dir);
    expect(result.rebuilt.sort()).toEqual([`content/${stored.contentId}`, `libraries/${CRAFTED_LIBRARY}-1.0.3`]);
    expect(result.missing).toEqual([]);
    expect(fs.readFileSync((picture() as { path: string }).path)).toEqual(PICTURE);
    expect(fs.readFileSync((script() as { path: string }).path)).toEqual(scriptBytes);
    // Nothing is left in the scratch folder, and a second start has nothing to do.
    expect(fs.readdirSync(path.join(t.dir, 'h5p', '.tmp'))).toEqual([]);
    expect(await rebuildMissingH5pFiles(t.db, t.dir)).toEqual({ rebuilt: [], missing: [] });
  });

  test('a complete folder is left alone', async () => {
    expect(await rebuildMissingH5pFiles(t.db, t.dir)).toEqual({ rebuilt: [], missing: [] });
  });

  test('content whose package is not kept is named, not invented', async () => {
    fs.rmSync(path.join(t.dir, 'h5p', 'content'), { recursive: true });
    t.db.prepare('UPDATE h5p_content SET package_hash = NULL').run();
    const result = await rebuildMissingH5pFiles(t.db, t.dir);
    expect(result.rebuilt).toEqual([]);
    expect(result.missing).toEqual([`content/${stored.contentId} (no valid package kept for it)`]);
  });
});
