import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { stmt, type Db } from '../db.ts';
import { h5pPaths, insideFolder } from './files.ts';
import { fileKind, servedType, SNIFF_BYTES } from './file-types.ts';

/**
 * Playing stored H5P content. The player is third-party code running
 * third-party libraries, so it never runs as the learner: it lives in a frame
 * sandboxed without `allow-same-origin` (an opaque origin: no cookies, no
 * access to our pages, no storage), under its own path and CSP. What it loads
 * is reached by a capability URL, `/h5p/play/<grant>/…`: the grant names one
 * content and an expiry, signed with a server secret, and opens only that
 * content's files and the libraries it links. docs/h5p-security.md gives the
 * whole threat model.
 */

/** Where the player frame and its files live. */
export const PLAY_PREFIX = '/h5p/play/';
/** Where the h5p-standalone files and our frame script are served from. */
export const PLAYER_PREFIX = '/h5p/player/';

/** How long a grant opens its content: a lesson page left open over a shift still plays. */
export const GRANT_HOURS = 12;

const secretCache = new WeakMap<Db, Buffer>();

/** A secret of this installation (created on first use, kept in the database). */
export function appSecret(db: Db, name: string): Buffer {
  stmt(db, 'INSERT OR IGNORE INTO app_secret (name, value, created_at) VALUES (?, ?, ?)').run(name, randomBytes(32), new Date().toISOString());
  return stmt(db, 'SELECT value FROM app_secret WHERE name = ?').pluck().get(name) as Buffer;
}

function grantKey(db: Db): Buffer {
  let key = secretCache.get(db);
  if (!key) secretCache.set(db, (key = appSecret(db, 'h5p-grant')));
  return key;
}

const mac = (db: Db, payload: string) => createHmac('sha256', grantKey(db)).update(payload).digest('base64url').slice(0, 32);

/**
 * A grant for `contentId`: `<id>.<expiry in epoch hours>.<mac>`. The expiry is
 * rounded up to the hour, so a page reloaded within the hour gets the same
 * URLs and the browser's cache serves the player again.
 */
export function createGrant(db: Db, contentId: number, now = new Date()): string {
  const expiresHour = Math.ceil(now.getTime() / 3_600_000) + GRANT_HOURS;
  const payload = `${contentId}.${expiresHour}`;
  return `${payload}.${mac(db, payload)}`;
}

/** The content a grant opens, or null when it is forged, malformed or expired. */
export function verifyGrant(db: Db, grant: string, now = new Date()): number | null {
  const match = /^([1-9]\d{0,9})\.(\d{1,9})\.([\w-]{32})$/.exec(grant);
  if (!match) return null;
  const [, id, hour, given] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(mac(db, `${id}.${hour}`));
  if (!timingSafeEqual(expected, Buffer.from(given))) return null;
  if (Number(hour) * 3_600_000 < now.getTime()) return null;
  return Number(id);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The type a file of this name is served as when its bytes agree
 * (file-types.ts). Anything not listed is sent as a download
 * (`application/octet-stream`) and, with nosniff, never runs.
 */
export function playerContentType(file: string): string {
  const kind = fileKind(file);
  return 'contentType' in kind ? kind.contentType : 'application/octet-stream';
}

/**
 * A stored file, typed by its first bytes as well as its name: a file whose
 * bytes do not match its name (or of a type the player never shows) is
 * served as a download, never inline.
 */
function sniffedFile(full: string): PlayerFile {
  const head = Buffer.alloc(SNIFF_BYTES);
  const fd = fs.openSync(full, 'r');
  let length: number;
  try {
    length = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  const { contentType, download } = servedType(full, head.subarray(0, length));
  return { kind: 'file', path: full, contentType, download };
}

export type PlayerFile =
  | { kind: 'text'; text: string; contentType: string }
  /** `download`: sent as an attachment (`Content-Disposition`), never shown inline. */
  | { kind: 'file'; path: string; contentType: string; download: boolean };

/** A relative path inside the grant: decoded, no empty, `.` or `..` segments, no backslashes. */
function cleanPath(rel: string): string[] | null {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) return null;
  return parts;
}

/**
 * The file `rel` of content `contentId`, as the player asks for it:
 * `h5p.json`, `content/…`, or `libraries/<machine>-<major>.<minor>/…` (one of
 * the libraries this content links). Null for anything else.
 */
export function resolvePlayerFile(db: Db, dataDir: string, contentId: number, rel: string): PlayerFile | null {
  const parts = cleanPath(rel);
  if (!parts) return null;
  const paths = h5pPaths(dataDir);
  const onDisk = (root: string, inner: string[]): PlayerFile | null => {
    if (inner.length === 0) return null;
    const full = insideFolderOrNull(root, inner.join('/'));
    if (!full || !fs.existsSync(full) || !fs.statSync(full).isFile()) return null;
    return sniffedFile(full);
  };
  if (parts.length === 1 && parts[0] === 'h5p.json') {
    const text = stmt(db, 'SELECT h5p_json FROM h5p_content WHERE id = ?').pluck().get(contentId) as string | undefined;
    return text === undefined ? null : { kind: 'text', text, contentType: JSON_TYPE };
  }
  if (parts[0] === 'content') {
    if (parts.length === 2 && parts[1] === 'content.json') {
      const text = stmt(db, 'SELECT content_json FROM h5p_content WHERE id = ?').pluck().get(contentId) as string | undefined;
      return text === undefined ? null : { kind: 'text', text, contentType: JSON_TYPE };
    }
    if (stmt(db, 'SELECT 1 FROM h5p_content WHERE id = ?').get(contentId) === undefined) return null;
    return onDisk(path.join(paths.content, String(contentId)), parts.slice(1));
  }
  if (parts[0] === 'libraries' && parts.length >= 3) {
    const match = /^(.+)-(\d+)\.(\d+)$/.exec(parts[1]!);
    if (!match) return null;
    const folder = stmt(
      db,
      `SELECT l.folder FROM h5p_content_library cl JOIN h5p_library l ON l.id = cl.library_id
       WHERE cl.content_id = ? AND l.machine_name = ? AND l.major = ? AND l.minor = ?`,
    )
      .pluck()
      .get(contentId, match[1], Number(match[2]), Number(match[3])) as string | undefined;
    return folder ? onDisk(path.join(paths.libraries, folder), parts.slice(2)) : null;
  }
  return null;
}

/** The headers of a stored file: its sniffed type, and a download (never shown inline) when it is not what its name says. */
export function fileHeaders(file: { contentType: string; download: boolean }, cacheControl: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': file.contentType, 'Cache-Control': cacheControl };
  if (file.download) headers['Content-Disposition'] = 'attachment';
  return headers;
}

function insideFolderOrNull(root: string, rel: string): string | null {
  try {
    return insideFolder(root, rel);
  } catch {
    return null;
  }
}

const require = createRequire(path.join(process.cwd(), 'package.json'));
let distDir: string | null = null;

/** h5p-standalone's dist folder, served as it is installed (never copied into public/). */
export function playerDistDir(): string {
  distDir ??= path.join(path.dirname(require.resolve('h5p-standalone/package.json')), 'dist');
  return distDir;
}

/** A file of the h5p-standalone player (scripts, styles, fonts, images), or null. */
export function resolvePlayerAsset(rel: string): PlayerFile | null {
  const parts = cleanPath(rel);
  if (!parts || !['main.bundle.js', 'frame.bundle.js', 'styles', 'fonts', 'images'].includes(parts[0]!)) return null;
  const full = insideFolderOrNull(playerDistDir(), parts.join('/'));
  if (!full || !fs.existsSync(full) || !fs.statSync(full).isFile()) return null;
  return sniffedFile(full);
}


const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The frame document. It starts the player only when its parent page (ours)
 * sends `init` with the learner's saved state, and reports xAPI statements,
 * state and height back to the parent, which alone talks to the server.
 */
export function playerDocument(options: { grant: string; contentId: number; title: string; lang: string; version: string }): string {
  const config = JSON.stringify({ contentId: options.contentId, base: `${PLAY_PREFIX}${options.grant}`, player: `${PLAYER_PREFIX}${options.version}` });
  const v = encodeURIComponent(options.version);
  return `<!doctype html>
<html lang="${escapeHtml(options.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${PLAYER_PREFIX}${v}/styles/h5p.css">
<link rel="stylesheet" href="${PLAYER_PREFIX}${v}/tilts-frame.css">
</head>
<body>
<div id="h5p-container" data-config="${escapeHtml(config)}"></div>
<script src="${PLAYER_PREFIX}${v}/tilts-frame.js"></script>
<script src="${PLAYER_PREFIX}${v}/main.bundle.js"></script>
</body>
</html>
`;
}

let version: string | null = null;

/** The installed h5p-standalone version: part of the player's URLs, so an update is never served from a stale cache. */
export function playerVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(playerDistDir(), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
