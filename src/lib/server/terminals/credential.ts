import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AstroCookies } from 'astro';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { appSecret } from '../h5p/player.ts';

/**
 * The device credential a terminal keeps in a cookie:
 * `<terminalId>.<random>.<HMAC-SHA256(installation secret, "<terminalId>.<random>")>`.
 * The HMAC makes forging or altering it useless without the server's secret;
 * the SHA-256 of the random part is also stored on the terminal row, so a
 * revoked terminal (or one re-enrolled) refuses every old copy of the cookie.
 */

export const TERMINAL_COOKIE = 'tilts_terminal';
const SECRET_NAME = 'terminal-credential';
/** The device keeps its credential for years; revocation, not expiry, ends it. */
const COOKIE_MAX_AGE_S = 5 * 365 * 24 * 3600;

const keys = new WeakMap<Db, Buffer>();
function key(db: Db): Buffer {
  let k = keys.get(db);
  if (!k) keys.set(db, (k = appSecret(db, SECRET_NAME)));
  return k;
}

function mac(db: Db, payload: string): string {
  return createHmac('sha256', key(db)).update(payload).digest('base64url');
}

export function hashCredentialSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new random part: its cookie-side secret and the hash the terminal row keeps. */
export function newCredentialSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashCredentialSecret(secret) };
}

/** The cookie value for `terminalId` holding `secret`. */
export function signCredential(db: Db, terminalId: number, secret: string): string {
  const payload = `${terminalId}.${secret}`;
  return `${payload}.${mac(db, payload)}`;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The terminal id and the hash of its secret that a cookie claims, when its
 * HMAC is right; null for anything else. The caller still compares the hash
 * with the terminal row (revocation).
 */
export function readCredential(db: Db, value: string | undefined | null): { terminalId: number; secretHash: string } | null {
  if (!value || value.length > 200) return null;
  // Every request of a terminal carries the same cookie: its verdict (which depends only on the value and the key) is remembered.
  let seen = verdicts.get(db);
  if (!seen) verdicts.set(db, (seen = new Map()));
  const known = seen.get(value);
  if (known !== undefined) return known;
  const verdict = checkCredential(db, value);
  if (seen.size >= VERDICTS_KEPT) seen.clear();
  seen.set(value, verdict);
  return verdict;
}

/** Cookie values whose verdict is remembered per database (a prison system has a few thousand terminals). */
const VERDICTS_KEPT = 20_000;
const verdicts = new WeakMap<Db, Map<string, { terminalId: number; secretHash: string } | null>>();

function checkCredential(db: Db, value: string): { terminalId: number; secretHash: string } | null {
  const match = /^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, id, secret, signature] = match;
  if (!equal(mac(db, `${id}.${secret}`), signature!)) return null;
  return { terminalId: Number(id), secretHash: hashCredentialSecret(secret!) };
}

/** True when the stored hash and the cookie's agree (constant time). */
export function credentialMatches(storedHash: string, secretHash: string): boolean {
  return equal(storedHash, secretHash);
}

function secure(url: URL, config: Pick<Config, 'secureCookies'>): boolean {
  return config.secureCookies === 'true' || (config.secureCookies !== 'false' && url.protocol === 'https:');
}

/** HttpOnly, SameSite=Strict, Secure behind TLS (as the session cookie), kept for years. */
export function setTerminalCookie(cookies: AstroCookies, url: URL, config: Pick<Config, 'secureCookies'>, value: string): void {
  cookies.set(TERMINAL_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: secure(url, config), path: '/', maxAge: COOKIE_MAX_AGE_S });
}
