import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt, type Db } from '../../../src/lib/server/db.ts';
import { verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { cleanupH5pOrphans, getH5pContent, listH5pContentLibraries, listH5pLibraries } from '../../../src/lib/server/h5p/content.ts';
import { getPackageBytes, importH5pPackage, type H5pImportResult, type H5pImported } from '../../../src/lib/server/h5p/store.ts';
import { auditActions, createPrison, type Prison } from '../../helpers/fixture.ts';
import { craftPackage, craftWithName, TINY_PNG } from '../../fixtures/h5p/crafted.ts';
import { NEEDS_SAMPLES, readSample, sampleFiles, samplesPresent } from '../../helpers/h5p-samples.ts';

let prison: Prison & { cleanup: () => void };
let dataDir: string;

beforeEach(async () => {
  prison = await createPrison();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-'));
});
afterEach(() => {
  prison.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every file and folder under `dir`, relative, folders ending in '/'. */
function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

function snapshot(db: Db) {
  const count = (table: string) => stmt(db, `SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    libraries: count('h5p_library'),
    contents: count('h5p_content'),
    links: count('h5p_content_library'),
    audit: count('audit_log'),
    files: listTree(dataDir),
  };
}

function imported(result: H5pImportResult): H5pImported {
  if (!result.ok) return expect.fail(`refused: ${result.code}${'detail' in result ? ` ${result.detail}` : ''}`);
  return result;
}

const importAs = (bytes: Buffer, actor = prison.teacher.user) => importH5pPackage(prison.db, dataDir, actor, bytes);

describe('a teacher imports an H5P package', () => {
  test('content and libraries are stored apart, and the import is audited', async () => {
    const result = imported(await importAs(await craftPackage([{ name: 'content/images/a.png', data: TINY_PNG }])));
    expect(result.mainLibrary).toBe('H5P.Crafted 1.0.3');
    expect(result.librariesAdded).toEqual(['H5P.Crafted 1.0.3']);
    expect(listTree(path.join(dataDir, 'h5p'))).toEqual([
      '.tmp/',
      'content/',
      `content/${result.contentId}/`,
      `content/${result.contentId}/content.json`,
      `content/${result.contentId}/images/`,
      `content/${result.contentId}/images/a.png`,
      'libraries/',
      'libraries/H5P.Crafted-1.0.3/',
      'libraries/H5P.Crafted-1.0.3/crafted.css',
      'libraries/H5P.Crafted-1.0.3/crafted.js',
      'libraries/H5P.Crafted-1.0.3/library.json',
    ]);
    const content = getH5pContent(prison.db, result.contentId)!;
    expect(content.title).toBe('Crafted activity');
    expect(content.mainLibrary.folder).toBe('H5P.Crafted-1.0.3');
    expect(content.createdBy).toBe(prison.teacher.user.id);
    expect(JSON.parse(content.contentJson)).toEqual({ question: 'Cik ir 2 + 2?', answers: ['3', '4'] });
    expect(auditActions(prison.db)).toEqual(['h5p.import']);
    expect(verifyAuditChain(prison.db).ok).toBe(true);
  });

  test('a learner cannot import a package, and nothing is written', async () => {
    const before = snapshot(prison.db);
    expect(await importAs(await craftPackage(), prison.learner.user)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(snapshot(prison.db)).toEqual(before);
  });

  test('two packages sharing a library version store it once, and the second does not overwrite it', async () => {
    const first = imported(await importAs(await craftPackage([], { title: 'First' })));
    const libraryJson = path.join(dataDir, 'h5p/libraries/H5P.Crafted-1.0.3/library.json');
    const stat = fs.statSync(libraryJson);
    // The second package carries other bytes for the same version: the stored copy stays.
    const second = imported(await importAs(await craftPackage([{ name: 'H5P.Crafted-1.0/crafted.js', data: 'tampered();' }], { title: 'Second' })));
    expect(second.librariesAdded).toEqual([]);
    expect(second.librariesReused).toEqual(['H5P.Crafted 1.0.3']);
    expect(listH5pLibraries(prison.db).map((l) => l.folder)).toEqual(['H5P.Crafted-1.0.3']);
    expect(fs.statSync(libraryJson).mtimeMs).toBe(stat.mtimeMs);
    expect(fs.readFileSync(path.join(dataDir, 'h5p/libraries/H5P.Crafted-1.0.3/crafted.js'), 'utf8')).toBe('H5P.Crafted = function () {};\n');
    expect(listH5pContentLibraries(prison.db, first.contentId)[0]!.id).toBe(listH5pContentLibraries(prison.db, second.contentId)[0]!.id);
    const entry = stmt(prison.db, "SELECT details FROM audit_log WHERE target_id = ? AND action = 'h5p.import'")
      .pluck()
      .get(String(second.contentId)) as string;
    expect(JSON.parse(entry).differingCopies).toEqual(['H5P.Crafted 1.0.3']);
  });

  test('another patch version of a library is stored beside the first', async () => {
    imported(await importAs(await craftPackage([], { patch: 3 })));
    imported(await importAs(await craftPackage([], { patch: 4 })));
    expect(listH5pLibraries(prison.db).map((l) => l.folder)).toEqual(['H5P.Crafted-1.0.3', 'H5P.Crafted-1.0.4']);
  });

  test('two simultaneous imports of one new library store it once', async () => {
    const [a, b] = await Promise.all([importAs(await craftPackage([], { title: 'A' })), importAs(await craftPackage([], { title: 'B' }))]);
    expect(imported(a).contentId).not.toBe(imported(b).contentId);
    expect(listH5pLibraries(prison.db)).toHaveLength(1);
    expect(listTree(path.join(dataDir, 'h5p/.tmp'))).toEqual([]);
  });

  test('the same file uploaded twice (even at once) is stored once, and its bytes are kept as uploaded', async () => {
    const bytes = await craftPackage();
    const [a, b] = await Promise.all([importAs(bytes), importAs(bytes)]);
    expect(imported(a).contentId).toBe(imported(b).contentId);
    expect([imported(a).alreadyStored, imported(b).alreadyStored].sort()).toEqual([false, true]);
    expect(prison.db.prepare('SELECT count(*) FROM h5p_content').pluck().get()).toBe(1);
    expect(getPackageBytes(prison.db, imported(a).packageHash)?.equals(bytes)).toBe(true);
    expect(listTree(path.join(dataDir, 'h5p/content'))).toEqual(['1/', '1/content.json']);
  });
});

describe('a refused package leaves nothing on disk or in the database', () => {
  const crafted: Array<[string, () => Promise<Buffer>]> = [
    ['path traversal', () => craftWithName('../evil.js')],
    ['zip bomb', () => craftPackage([{ name: 'content/zeros.txt', data: Buffer.alloc(20 * 1024 * 1024) }])],
    ['SVG with a script', () => craftPackage([{ name: 'content/x.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>' }])],
    ['executable', () => craftPackage([{ name: 'content/run.exe', data: 'MZ' }])],
    ['not a zip', async () => Buffer.from('not a zip')],
  ];
  test.each(crafted)('%s: no rows, no files, not even the h5p folder', async (_what, make) => {
    const before = snapshot(prison.db);
    const result = await importAs(await make());
    expect(result.ok).toBe(false);
    expect(snapshot(prison.db)).toEqual(before);
    expect(before.files).toEqual([]);
  });

  test('after earlier imports, a refused package changes nothing either', async () => {
    imported(await importAs(await craftPackage()));
    const before = snapshot(prison.db);
    expect((await importAs(await craftWithName('/abs.txt'))).ok).toBe(false);
    expect(snapshot(prison.db)).toEqual(before);
  });

  test.skipIf(!samplesPresent).each(sampleFiles('invalid'))(`the invalid sample %s${NEEDS_SAMPLES}`, async (file) => {
    const before = snapshot(prison.db);
    expect((await importAs(readSample('invalid', file))).ok).toBe(false);
    expect(snapshot(prison.db)).toEqual(before);
  });
});

describe('an import that fails midway leaves no half library visible', () => {
  test('a failure inside the transaction removes the folders it had published', async () => {
    prison.db.exec("CREATE TEMP TRIGGER crash BEFORE INSERT ON h5p_content_library BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
    await expect(importAs(await craftPackage())).rejects.toThrow('simulated crash');
    const after = snapshot(prison.db);
    expect({ libraries: after.libraries, contents: after.contents, links: after.links, audit: after.audit }).toEqual({
      libraries: 0,
      contents: 0,
      links: 0,
      audit: 0,
    });
    expect(after.files).toEqual(['h5p/', 'h5p/.tmp/', 'h5p/content/', 'h5p/libraries/']);
    prison.db.exec('DROP TRIGGER crash');
    expect(imported(await importAs(await craftPackage())).librariesAdded).toEqual(['H5P.Crafted 1.0.3']);
  });

  test('folders a crash left behind are never used, and the clean-up removes them', async () => {
    const kept = imported(await importAs(await craftPackage()));
    const h5p = path.join(dataDir, 'h5p');
    // What a process killed between rename and commit leaves: folders without rows.
    const orphans = ['.tmp/import-dead/x.js', 'libraries/H5P.Half-1.0.0/library.json', 'content/999/content.json'];
    for (const rel of orphans) {
      fs.mkdirSync(path.dirname(path.join(h5p, rel)), { recursive: true });
      fs.writeFileSync(path.join(h5p, rel), '{}');
    }
    const fresh = path.join(h5p, '.tmp/import-running');
    fs.mkdirSync(fresh);
    const hourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    for (const dir of ['.tmp/import-dead', 'libraries/H5P.Half-1.0.0', 'content/999', `content/${kept.contentId}`, 'libraries/H5P.Crafted-1.0.3']) {
      fs.utimesSync(path.join(h5p, dir), hourAgo, hourAgo);
    }
    expect(listH5pLibraries(prison.db).map((l) => l.folder)).toEqual(['H5P.Crafted-1.0.3']);
    expect(cleanupH5pOrphans(prison.db, dataDir)).toEqual(['.tmp/import-dead', 'content/999', 'libraries/H5P.Half-1.0.0']);
    expect(fs.existsSync(fresh)).toBe(true); // an import still writing is left alone
    expect(fs.existsSync(path.join(h5p, `content/${kept.contentId}/content.json`))).toBe(true);
    expect(fs.existsSync(path.join(h5p, 'libraries/H5P.Crafted-1.0.3/library.json'))).toBe(true);
  });
});

describe.skipIf(!samplesPresent)(`the shared samples import${NEEDS_SAMPLES}`, () => {
  test('a hundred activities share one H5P.MultiChoice: MultiChoice and QuestionSet store it once', async () => {
    const multiChoice = imported(await importAs(readSample('valid', 'H5P.MultiChoice.h5p')));
    const questionSet = imported(await importAs(readSample('valid', 'H5P.QuestionSet.h5p')));
    expect(multiChoice.mainLibrary).toBe('H5P.MultiChoice 1.14.6');
    expect(questionSet.librariesReused).toContain('H5P.MultiChoice 1.14.6');
    expect(questionSet.librariesAdded).not.toContain('H5P.MultiChoice 1.14.6');
    const copies = listH5pLibraries(prison.db).filter((l) => l.machineName === 'H5P.MultiChoice');
    expect(copies).toHaveLength(1);
    const idIn = (contentId: number) => listH5pContentLibraries(prison.db, contentId).find((l) => l.machineName === 'H5P.MultiChoice')!;
    expect(idIn(questionSet.contentId).id).toBe(idIn(multiChoice.contentId).id);
    expect(idIn(questionSet.contentId).neededToPlay).toBe(true);
    const again = imported(await importAs(readSample('valid', 'H5P.MultiChoice.h5p')));
    expect(again.librariesAdded).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'h5p/libraries')).filter((f) => f.startsWith('H5P.MultiChoice-'))).toEqual(['H5P.MultiChoice-1.14.6']);
  });
});
