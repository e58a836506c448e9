import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { openDatabase, type Db } from '../../src/lib/server/db.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { storeH5pPackage, type H5pImported } from '../../src/lib/server/h5p/store.ts';
import { createGrant, playerVersion } from '../../src/lib/server/h5p/player.ts';
import { PLAYER_CSP } from '../../src/lib/server/http/security-headers.ts';
import { craftPackage, CRAFTED_LIBRARY, TINY_PNG } from '../fixtures/h5p/crafted.ts';
import { iso2022jpSvg, utf16Svg } from '../fixtures/h5p/encoding-tricks.ts';

/**
 * The H5P player over HTTP against the built server: content opens only with
 * a valid grant, only its own files and libraries, under the player's CSP,
 * readable from the sandboxed frame's opaque origin, and never with cookies.
 */

let server: TestServer;
let db: Db;
let content: H5pImported;
let other: H5pImported;
const PLAIN_SVG = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';
const anonymous = () => new Client(server.baseUrl);

beforeAll(async () => {
  server = await startServer();
  // The test stores content into the server's own database and data folder (as a teacher's upload would).
  db = openDatabase(server.databaseFile);
  const stored = await storeH5pPackage(
    db,
    server.dataDir,
    { userId: null, audit: SYSTEM_ACTOR },
    await craftPackage([{ name: 'content/images/map.svg', data: PLAIN_SVG }], { title: 'Player test' }),
  );
  const second = await storeH5pPackage(
    db,
    server.dataDir,
    { userId: null, audit: SYSTEM_ACTOR },
    await craftPackage([{ name: 'content/images/x.png', data: TINY_PNG }], { title: 'Other', patch: 9 }),
  );
  if (!stored.ok || !second.ok) throw new Error('the crafted packages must import');
  content = stored;
  other = second;
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('a granted content', () => {
  test('the frame document loads the player from our origin, under the player CSP, for the opaque-origin frame, without cookies', async () => {
    const grant = createGrant(db, content.contentId);
    const reply = await anonymous().request('GET', `/h5p/play/${grant}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.headers.get('content-security-policy')).toBe(PLAYER_CSP);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('access-control-allow-credentials')).toBeNull();
    expect(reply.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(reply.headers.get('set-cookie')).toBeNull();
    expect(reply.body).toContain(`/h5p/player/${playerVersion()}/main.bundle.js`);
    expect(reply.body).toContain('Player test');
    // Nothing from anywhere else.
    expect(reply.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  test('h5p.json, content.json and the linked library files are served; nothing else is', async () => {
    const grant = createGrant(db, content.contentId);
    const get = (rel: string) => anonymous().request('GET', `/h5p/play/${grant}/${rel}`);
    const h5p = await get('h5p.json');
    expect(h5p.status).toBe(200);
    expect(JSON.parse(h5p.body)).toMatchObject({ title: 'Player test', mainLibrary: CRAFTED_LIBRARY });
    expect((await get('content/content.json')).body).toContain('Cik ir 2 + 2?');
    const script = await get(`libraries/${CRAFTED_LIBRARY}-1.0/crafted.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get(`libraries/${CRAFTED_LIBRARY}-1.0/library.json`)).status).toBe(200);
    // Another content's file, a library version the content does not link, leaving the folder.
    expect((await get('content/images/x.png')).status).toBe(404);
    expect((await anonymous().request('GET', `/h5p/play/${createGrant(db, other.contentId)}/content/images/x.png`)).status).toBe(200);
    expect((await get(`libraries/${CRAFTED_LIBRARY}-1.9/crafted.js`)).status).toBe(404);
    expect((await get('content/%2e%2e/%2e%2e/tilts.db')).status).toBe(404);
    expect((await get('libraries/../../tilts.db')).status).toBe(404);
    expect((await get('content/..%2F..%2Ftilts.db')).status).toBe(404);
  });

  test('a forged, altered or expired grant opens nothing', async () => {
    const grant = createGrant(db, content.contentId);
    const [id, hour, mac] = grant.split('.') as [string, string, string];
    const tries = [
      `${other.contentId}.${hour}.${mac}`,
      `${id}.${Number(hour) + 1000}.${mac}`,
      `${id}.${hour}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      createGrant(db, content.contentId, new Date(Date.now() - 13 * 3_600_000)),
      'garbage',
    ];
    for (const g of tries) expect((await anonymous().request('GET', `/h5p/play/${g}/h5p.json`)).status, g).toBe(404);
  });

  test('the player files come from h5p-standalone as installed, and writes are refused', async () => {
    const v = playerVersion();
    const main = await anonymous().request('GET', `/h5p/player/${v}/main.bundle.js`);
    expect(main.status).toBe(200);
    expect(main.headers.get('cache-control')).toMatch(/immutable/);
    expect((await anonymous().request('GET', `/h5p/player/${v}/styles/h5p.css`)).status).toBe(200);
    expect((await anonymous().request('GET', `/h5p/player/${v}/tilts-frame.js`)).body).toContain("tilts: 'h5p'");
    expect((await anonymous().request('GET', `/h5p/player/${v}/../package.json`)).status).toBe(404);
    const post = await anonymous().request('POST', `/h5p/play/${createGrant(db, content.contentId)}/h5p.json`, { form: { a: '1' } });
    expect(post.status).toBe(405);
  });

  test('a signed-in learner requesting the player still gets no session cookie back and no page of ours', async () => {
    const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
    const reply = await learner.request('GET', `/h5p/play/${createGrant(db, content.contentId)}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('set-cookie')).toBeNull();
    expect(reply.body).not.toContain('csrf-token');
  });
});

describe('nothing under the player paths can run as the app, even opened directly in a tab', () => {
  const SANDBOX = /(^|;\s*)sandbox allow-scripts(;|$)/;
  /** Plants a file in the content's folder on disk, as if it had got past the import (stored before a check existed, or a trick no check knows). */
  const plant = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(server.dataDir, 'h5p', 'content', String(content.contentId), name), data);

  test('every response there, the frame document, pictures, scripts, JSON, the player files and a 404, carries the sandbox CSP and nosniff', async () => {
    const grant = createGrant(db, content.contentId);
    const v = playerVersion();
    const urls = [
      `/h5p/play/${grant}/`,
      `/h5p/play/${grant}/content/images/map.svg`,
      `/h5p/play/${grant}/libraries/${CRAFTED_LIBRARY}-1.0/crafted.js`,
      `/h5p/play/${grant}/h5p.json`,
      `/h5p/player/${v}/main.bundle.js`,
      `/h5p/player/${v}/tilts-frame.js`,
      `/h5p/play/${grant}/content/missing.svg`,
      `/h5p/nothing-here`,
    ];
    for (const url of urls) {
      const reply = await anonymous().request('GET', url);
      expect(reply.headers.get('content-security-policy'), url).toMatch(SANDBOX);
      expect(reply.headers.get('content-security-policy'), url).not.toMatch(/allow-same-origin/);
      expect(reply.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(reply.headers.get('set-cookie'), url).toBeNull();
    }
    const picture = await anonymous().request('GET', `/h5p/play/${grant}/content/images/map.svg`);
    expect(picture.status).toBe(200);
    // The charset in the header outranks any encoding the file might declare.
    expect(picture.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(picture.headers.get('content-disposition')).toBeNull();
  });

  test('a staff member signed in who opens the frame document directly gets it sandboxed, and no session of theirs is used or set', async () => {
    const teacher = await signedIn(server.baseUrl, ACCOUNTS.janisLiepa);
    const reply = await teacher.request('GET', `/h5p/play/${createGrant(db, content.contentId)}/`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-security-policy')).toMatch(SANDBOX);
    expect(reply.headers.get('set-cookie')).toBeNull();
    expect(reply.body).not.toContain('csrf-token');
  });

  test('a file whose bytes are not what its name says is only ever a download', async () => {
    const grant = createGrant(db, content.contentId);
    plant('jis.svg', iso2022jpSvg());
    plant('wide.svg', utf16Svg());
    plant('page.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    plant('notes.docx', 'PK\x03\x04');
    for (const name of ['jis.svg', 'wide.svg', 'page.png', 'notes.docx']) {
      const reply = await anonymous().request('GET', `/h5p/play/${grant}/content/${name}`);
      expect(reply.status, name).toBe(200);
      expect(reply.headers.get('content-type'), name).toBe('application/octet-stream');
      expect(reply.headers.get('content-disposition'), name).toBe('attachment');
      expect(reply.headers.get('content-security-policy'), name).toMatch(SANDBOX);
    }
    // A real picture under a picture's name is shown as what its bytes are.
    plant('photo.jpg', TINY_PNG);
    expect((await anonymous().request('GET', `/h5p/play/${grant}/content/photo.jpg`)).headers.get('content-type')).toBe('image/png');
  });
});
