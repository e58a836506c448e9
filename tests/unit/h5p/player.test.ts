import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, stmt } from '../../../src/lib/server/db.ts';
import {
  createGrant,
  GRANT_HOURS,
  PLAY_PREFIX,
  PLAYER_PREFIX,
  playerContentType,
  playerDistDir,
  playerDocument,
  playerVersion,
  resolvePlayerAsset,
  resolvePlayerFile,
  verifyGrant,
} from '../../../src/lib/server/h5p/player.ts';
import { importH5pPackage, type H5pImportResult, type H5pImported } from '../../../src/lib/server/h5p/store.ts';
import { createPrison, createTestDb, type Prison, type TestDb } from '../../helpers/fixture.ts';
import { craftMainLibraryPackage } from '../../helpers/learning.ts';
import { craftPackage, TINY_PNG } from '../../fixtures/h5p/crafted.ts';

/*
 * The sandboxed H5P player: signed grants that open one content, the files a
 * grant reaches, the player's own assets, and the frame document.
 */

const HOUR = 3_600_000;
const T0 = new Date('2026-02-02T08:30:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('grants: a signed, expiring capability for one content', () => {
  let t: TestDb;
  beforeEach(() => {
    t = createTestDb();
  });
  afterEach(() => t.cleanup());

  test('a grant opens its content', () => {
    const grant = createGrant(t.db, 42, T0);
    expect(grant).toMatch(/^42\.\d+\.[\w-]{32}$/);
    expect(verifyGrant(t.db, grant, T0)).toBe(42);
    expect(verifyGrant(t.db, grant, at(HOUR))).toBe(42);
  });

  test('the expiry is rounded up to the hour: a page reloaded within the hour gets the same grant', () => {
    const grant = createGrant(t.db, 7, new Date('2026-02-02T08:00:00.001Z'));
    expect(createGrant(t.db, 7, new Date('2026-02-02T08:59:59.999Z'))).toBe(grant);
    expect(createGrant(t.db, 7, new Date('2026-02-02T09:00:00.001Z'))).not.toBe(grant);
    const hour = Number(grant.split('.')[1]);
    expect(hour * HOUR).toBe(new Date('2026-02-02T09:00:00.000Z').getTime() + GRANT_HOURS * HOUR);
  });

  test('an expired grant is refused', () => {
    const grant = createGrant(t.db, 42, T0);
    // T0 is 08:30: rounded up to 09:00, plus 12 hours.
    const expiry = new Date('2026-02-02T21:00:00.000Z').getTime();
    expect(verifyGrant(t.db, grant, new Date(expiry))).toBe(42);
    expect(verifyGrant(t.db, grant, new Date(expiry + 1))).toBeNull();
    expect(verifyGrant(t.db, grant, at(GRANT_HOURS * HOUR + HOUR))).toBeNull();
    expect(verifyGrant(t.db, grant, new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });

  test('the mac of one content does not open another, and a later expiry cannot be forged', () => {
    const grant = createGrant(t.db, 42, T0);
    const [, hour, mac] = grant.split('.') as [string, string, string];
    expect(verifyGrant(t.db, `43.${hour}.${mac}`, T0)).toBeNull();
    expect(verifyGrant(t.db, `420.${hour}.${mac}`, T0)).toBeNull();
    expect(verifyGrant(t.db, `4.${hour}.${mac}`, T0)).toBeNull();
    expect(verifyGrant(t.db, `42.${Number(hour) + 1000}.${mac}`, T0)).toBeNull();
  });

  test('an altered mac is refused', () => {
    const grant = createGrant(t.db, 42, T0);
    const last = grant.at(-1)!;
    expect(verifyGrant(t.db, grant.slice(0, -1) + (last === 'A' ? 'B' : 'A'), T0)).toBeNull();
    const first = grant.length - 32;
    expect(verifyGrant(t.db, grant.slice(0, first) + (grant[first] === '-' ? '_' : '-') + grant.slice(first + 1), T0)).toBeNull();
    expect(verifyGrant(t.db, `42.${grant.split('.')[1]}.${'A'.repeat(32)}`, T0)).toBeNull();
  });

  test('malformed grants are refused without throwing', () => {
    const good = createGrant(t.db, 42, T0);
    const [, hour, mac] = good.split('.') as [string, string, string];
    const malformed = [
      '',
      'abc',
      '42',
      `42.${hour}`,
      `42.${hour}.`,
      `42..${mac}`,
      `.${hour}.${mac}`,
      `0.${hour}.${mac}`,
      `042.${hour}.${mac}`,
      `-42.${hour}.${mac}`,
      `42.-${hour}.${mac}`,
      `12345678901.${hour}.${mac}`,
      `42.${hour}.${mac.slice(0, 31)}`,
      `42.${hour}.${mac}A`,
      `42.${hour}.${mac.slice(0, 31)}+`,
      `42.${hour}.${mac.slice(0, 31)}/`,
      `42.${hour}.${mac.slice(0, 31)}=`,
      `42.${hour}.${mac.slice(0, 31)}é`,
      `42.${hour}.${mac}.extra`,
      ` ${good}`,
      `${good}\n`,
      `${good}/`,
      good.replaceAll('.', '/'),
    ];
    for (const grant of malformed) expect(verifyGrant(t.db, grant, T0), JSON.stringify(grant)).toBeNull();
  });

  test('the signing secret is kept in app_secret: a grant still opens after the database is reopened', () => {
    const grant = createGrant(t.db, 42, T0);
    const secret = stmt(t.db, "SELECT value FROM app_secret WHERE name = 'h5p-grant'").pluck().get() as Buffer;
    expect(Buffer.isBuffer(secret)).toBe(true);
    expect(secret).toHaveLength(32);
    t.db.close();
    const reopened = openDatabase(t.file);
    try {
      expect(verifyGrant(reopened, grant, T0)).toBe(42);
      expect(createGrant(reopened, 42, T0)).toBe(grant);
      expect(stmt(reopened, 'SELECT count(*) FROM app_secret').pluck().get()).toBe(1);
    } finally {
      reopened.close();
    }
  });

  test('another installation (another secret) does not accept the grant', () => {
    const other = createTestDb();
    try {
      const grant = createGrant(t.db, 42, T0);
      expect(verifyGrant(other.db, grant, T0)).toBeNull();
      expect(createGrant(other.db, 42, T0)).not.toBe(grant);
    } finally {
      other.cleanup();
    }
  });
});

describe('playerContentType', () => {
  test('scripts, styles and JSON by extension, case-insensitive', () => {
    expect(playerContentType('a/b/crafted.js')).toBe('text/javascript; charset=utf-8');
    expect(playerContentType('STYLE.CSS')).toBe('text/css; charset=utf-8');
    expect(playerContentType('content.json')).toBe('application/json; charset=utf-8');
    expect(playerContentType('pictures/a.PNG')).toBe('image/png');
    expect(playerContentType('a.jpeg')).toBe('image/jpeg');
    expect(playerContentType('font.woff2')).toBe('font/woff2');
    expect(playerContentType('video.mp4')).toBe('video/mp4');
    expect(playerContentType('captions.vtt')).toBe('text/vtt; charset=utf-8');
  });

  test('anything unknown is a download', () => {
    for (const file of ['run.exe', 'x.php', 'noextension', '.htaccess', 'a.js.bak', 'a.', 'archive.h5p', 'shell.sh']) {
      expect(playerContentType(file), file).toBe('application/octet-stream');
    }
  });
});

describe('resolvePlayerFile: what a grant reaches', () => {
  let p: Prison & { cleanup: () => void };
  let dataDir: string;
  let main: H5pImported;
  let other: H5pImported;
  beforeEach(async () => {
    p = await createPrison();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-player-'));
    main = imported(await importH5pPackage(p.db, dataDir, p.teacher.user, await craftPackage([{ name: 'content/images/a.png', data: TINY_PNG }])));
    // Another content, with a library of its own.
    other = imported(await importH5pPackage(p.db, dataDir, p.teacher.user, await craftMainLibraryPackage('H5P.Other')));
  });
  afterEach(() => {
    p.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function imported(result: H5pImportResult): H5pImported {
    if (!result.ok) return expect.fail(`refused: ${result.code}`);
    return result;
  }
  const resolve = (rel: string, contentId = main.contentId) => resolvePlayerFile(p.db, dataDir, contentId, rel);
  const column = (name: 'h5p_json' | 'content_json', id = main.contentId) => stmt(p.db, `SELECT ${name} FROM h5p_content WHERE id = ?`).pluck().get(id) as string;

  test('h5p.json and content/content.json come from the database', () => {
    expect(resolve('h5p.json')).toEqual({ kind: 'text', text: column('h5p_json'), contentType: 'application/json; charset=utf-8' });
    expect(JSON.parse((resolve('h5p.json') as { text: string }).text).mainLibrary).toBe('H5P.Crafted');
    expect(resolve('content/content.json')).toEqual({ kind: 'text', text: column('content_json'), contentType: 'application/json; charset=utf-8' });
    // Each content its own.
    expect(resolve('h5p.json', other.contentId)).toEqual({ kind: 'text', text: column('h5p_json', other.contentId), contentType: 'application/json; charset=utf-8' });
    expect(JSON.parse((resolve('h5p.json', other.contentId) as { text: string }).text).mainLibrary).toBe('H5P.Other');
  });

  test('content files and the files of linked libraries come from the disk', () => {
    expect(resolve('content/images/a.png')).toEqual({
      kind: 'file',
      path: path.join(dataDir, 'h5p', 'content', String(main.contentId), 'images', 'a.png'),
      contentType: 'image/png',
      download: false,
    });
    expect(resolve('libraries/H5P.Crafted-1.0/crafted.js')).toEqual({
      kind: 'file',
      path: path.join(dataDir, 'h5p', 'libraries', 'H5P.Crafted-1.0.3', 'crafted.js'),
      contentType: 'text/javascript; charset=utf-8',
      download: false,
    });
    expect(resolve('libraries/H5P.Crafted-1.0/crafted.css')).toMatchObject({ kind: 'file', contentType: 'text/css; charset=utf-8' });
    expect(resolve('libraries/H5P.Other-1.0/main.js', other.contentId)).toMatchObject({
      kind: 'file',
      path: path.join(dataDir, 'h5p', 'libraries', 'H5P.Other-1.0.1', 'main.js'),
    });
    for (const rel of ['content/images/a.png', 'libraries/H5P.Crafted-1.0/crafted.js']) {
      const file = resolve(rel);
      expect(file?.kind === 'file' && fs.existsSync(file.path)).toBe(true);
    }
  });

  test('a library not linked to this content is not reached, even though it is stored', () => {
    expect(resolve('libraries/H5P.Other-1.0/main.js')).toBeNull();
    expect(resolve('libraries/H5P.Crafted-1.0/crafted.js', other.contentId)).toBeNull();
    // Another version of a linked library is another library.
    expect(resolve('libraries/H5P.Crafted-1.1/crafted.js')).toBeNull();
    expect(resolve('libraries/H5P.Crafted-2.0/crafted.js')).toBeNull();
    // The folder name on disk (with the patch) is not how the player names it.
    expect(resolve('libraries/H5P.Crafted-1.0.3/crafted.js')).toBeNull();
    expect(resolve('libraries/H5P.Crafted/crafted.js')).toBeNull();
  });

  test("another content's files are not reached through this content", () => {
    expect(resolve(`content/../../content/${other.contentId}/content.json`)).toBeNull();
    expect(resolve('content/images/a.png', other.contentId)).toBeNull();
  });

  test('parent folders, empty or dot segments, backslashes and NUL are refused', () => {
    const refused = [
      '',
      '/',
      '/h5p.json',
      'h5p.json/',
      '..',
      '../h5p.json',
      '../../tilts.db',
      'content/..',
      'content/../h5p.json',
      'content/../../libraries/H5P.Crafted-1.0.3/crafted.js',
      'content/images/../images/a.png',
      'content//images/a.png',
      'content/./images/a.png',
      './h5p.json',
      'content/images/a.png/',
      'content\\images\\a.png',
      'content/images\\a.png',
      'content\\..\\..\\secret',
      'libraries/H5P.Crafted-1.0/../H5P.Crafted-1.0/crafted.js',
      'libraries/H5P.Crafted-1.0//crafted.js',
      'libraries/H5P.Crafted-1.0/crafted.js\0.png',
      'content/images/a.png\0',
    ];
    for (const rel of refused) expect(resolve(rel), JSON.stringify(rel)).toBeNull();
  });

  test('unknown top folders, folders themselves and missing files are refused', () => {
    const refused = [
      'index.html',
      'H5P.json',
      'content.json',
      'h5p.json/x',
      'content',
      'content/images',
      'content/missing.png',
      'content/content.json/x',
      '.tmp/x',
      'tmp/x',
      'data/tilts.db',
      'libraries',
      'libraries/H5P.Crafted-1.0',
      'libraries/H5P.Crafted-1.0/missing.js',
      `${main.contentId}/content.json`,
      'library/H5P.Crafted-1.0/crafted.js',
    ];
    for (const rel of refused) expect(resolve(rel), rel).toBeNull();
  });

  test('a stored file is typed by its bytes too: one that is not what its name says is only ever a download', () => {
    // Files stored before the import checked their bytes (or put there by hand): the name alone never makes them inline.
    const folder = path.join(dataDir, 'h5p', 'content', String(main.contentId));
    const plant = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(folder, name), data);
    plant('fake.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    plant('jis.svg', '<?xml version="1.0" encoding="ISO-2022-JP"?><svg xmlns="http://www.w3.org/2000/svg"/>');
    plant('wide.svg', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>', 'utf16le')]));
    plant('page.svg', '<html><body>not a picture</body></html>');
    plant('notes.docx', 'PK');
    for (const name of ['fake.png', 'jis.svg', 'wide.svg', 'page.svg', 'notes.docx']) {
      expect(resolve(`content/${name}`), name).toMatchObject({ kind: 'file', contentType: 'application/octet-stream', download: true });
    }
    plant('real.svg', '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(resolve('content/real.svg')).toMatchObject({ contentType: 'image/svg+xml; charset=utf-8', download: false });
  });

  test('a content id that is not stored reaches nothing', () => {
    const unknown = other.contentId + 100;
    for (const rel of ['h5p.json', 'content/content.json', 'content/images/a.png', 'libraries/H5P.Crafted-1.0/crafted.js']) {
      expect(resolve(rel, unknown), rel).toBeNull();
    }
    // Even when a folder of that id is on disk (an interrupted import leaves one without its row).
    fs.mkdirSync(path.join(dataDir, 'h5p', 'content', String(unknown)), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'h5p', 'content', String(unknown), 'orphan.png'), 'x');
    expect(resolve('content/orphan.png', unknown)).toBeNull();
  });
});

describe('resolvePlayerAsset: the h5p-standalone files', () => {
  test('the player scripts and styles are served from the installed package', () => {
    const main = resolvePlayerAsset('main.bundle.js');
    expect(main).toEqual({ kind: 'file', path: path.join(playerDistDir(), 'main.bundle.js'), contentType: 'text/javascript; charset=utf-8', download: false });
    expect(fs.existsSync((main as { path: string }).path)).toBe(true);
    expect(resolvePlayerAsset('frame.bundle.js')).toMatchObject({ kind: 'file', contentType: 'text/javascript; charset=utf-8' });
    expect(resolvePlayerAsset('styles/h5p.css')).toMatchObject({ kind: 'file', contentType: 'text/css; charset=utf-8' });
  });

  test('anything else of the package, and paths leaving the folder, are refused', () => {
    const refused = [
      'package.json',
      '../package.json',
      '../x',
      'styles/../../package.json',
      'styles/../main.bundle.js',
      'main.bundle.js.LICENSE.txt',
      'h5p.d.ts',
      'styles',
      'fonts',
      'styles/',
      'styles/missing.css',
      '',
      '/main.bundle.js',
      './main.bundle.js',
      'styles\\h5p.css',
      'main.bundle.js\0',
      'tilts-frame.js',
    ];
    for (const rel of refused) expect(resolvePlayerAsset(rel), JSON.stringify(rel)).toBeNull();
  });

  test('playerVersion is the installed h5p-standalone version', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(playerDistDir(), '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(installed.name).toBe('h5p-standalone');
    expect(playerVersion()).toBe(installed.version);
  });
});

describe('playerDocument: the frame document', () => {
  const hostile = `Vārdi </title><script>alert("x")</script> & 'citi' "pēdiņas"`;
  const doc = () => playerDocument({ grant: '42.123456.abcdefghijklmnopqrstuvwxyz012345', contentId: 42, title: hostile, lang: 'lv"><script>', version: '3.8.2' });

  test('the title and language are escaped: no markup of theirs gets in', () => {
    const html = doc();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('</title><script>');
    expect(html).not.toContain(`"pēdiņas"`);
    expect(html).toContain('<title>Vārdi &#60;/title&#62;&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;citi&#39; &#34;pēdiņas&#34;</title>');
    expect(html).toContain('<html lang="lv&#34;&#62;&#60;script&#62;">');
    // Only our two scripts.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<title>/g)).toHaveLength(1);
  });

  test('the configuration names the content, its grant base and the player', () => {
    const html = doc();
    const attr = /data-config="([^"]*)"/.exec(html)?.[1];
    expect(attr).toBeDefined();
    const config = JSON.parse(attr!.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))));
    expect(config).toEqual({ contentId: 42, base: `${PLAY_PREFIX}42.123456.abcdefghijklmnopqrstuvwxyz012345`, player: `${PLAYER_PREFIX}3.8.2` });
  });

  test('everything it loads is ours, on the player path: no external URL', () => {
    const html = doc();
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/(src|href)="\/\//i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(url.startsWith(`${PLAYER_PREFIX}3.8.2/`), url).toBe(true);
    // And each of them is served: h5p-standalone files by resolvePlayerAsset, the frame files by the route itself.
    for (const url of urls) {
      const rel = url.slice(`${PLAYER_PREFIX}3.8.2/`.length);
      if (rel.startsWith('tilts-frame.')) continue;
      expect(resolvePlayerAsset(rel), rel).not.toBeNull();
    }
  });

  test('a version with URL characters is encoded in the URLs', () => {
    const html = playerDocument({ grant: 'g', contentId: 1, title: 't', lang: 'en', version: '1.0"/../x' });
    expect(html).not.toContain('1.0"/../x/');
    expect(html).toContain(`${PLAYER_PREFIX}1.0%22%2F..%2Fx/main.bundle.js`);
  });
});
