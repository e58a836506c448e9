import { createHash } from 'node:crypto';
import type { AstroCookies } from 'astro';
import type { Config } from '../config.ts';
import { SESSION_COOKIE } from '../session.ts';

export const LOCALE_COOKIE = 'tilts_lang';
/** Double-submit CSRF token: a random value in a cookie that forms repeat in `_csrf`. */
export const CSRF_COOKIE = 'tilts_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function secure(url: URL, config: Pick<Config, 'secureCookies'>): boolean {
  if (config.secureCookies === 'true') return true;
  if (config.secureCookies === 'false') return false;
  return url.protocol === 'https:';
}

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no
 * other site sends it), Secure behind TLS, and a browser-session cookie so a
 * closed kiosk browser forgets it.
 */
export function setSessionCookie(cookies: AstroCookies, url: URL, config: Pick<Config, 'secureCookies'>, token: string): void {
  cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secure(url, config), path: '/' });
}

export function deleteSessionCookie(cookies: AstroCookies, url: URL, config: Pick<Config, 'secureCookies'>): void {
  cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: secure(url, config), path: '/', maxAge: 0 });
}

export function setLocaleCookie(cookies: AstroCookies, url: URL, config: Pick<Config, 'secureCookies'>, locale: string): void {
  cookies.set(LOCALE_COOKIE, locale, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(url, config),
    path: '/',
    maxAge: 365 * 24 * 3600,
  });
}

export function setCsrfCookie(cookies: AstroCookies, url: URL, config: Pick<Config, 'secureCookies'>, token: string): void {
  cookies.set(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secure(url, config), path: '/' });
}

/** A new CSRF token: 32 random bytes, base64url. */
export function newCsrfToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

/**
 * The CSRF token of a signed-in session: derived from the session's secret
 * cookie (which no script and no other site can read), so only pages of that
 * session carry it, and it changes with every sign-in. Domain-separated, so
 * it is neither the token nor the session id stored in the database
 * (sessionIdFromToken hashes the bare token).
 */
export function sessionCsrfToken(sessionToken: string): string {
  return createHash('sha256').update('tilts-csrf\0').update(sessionToken).digest('base64url');
}

/**
 * What the Origin header says about a state-changing request: ours, foreign,
 * or unknown. Browsers send `Origin: null` for form posts under
 * `Referrer-Policy: no-referrer`, so "unknown" is common and then the CSRF
 * token decides.
 */
export function originVerdict(request: Request, url: URL, publicOrigin: string | null): 'same' | 'foreign' | 'unknown' {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return 'unknown';
  return origin === url.origin || origin === publicOrigin ? 'same' : 'foreign';
}

/**
 * How much of a form body the CSRF check reads at most: every form puts its
 * `_csrf` field first (components/Csrf.astro), so the token is in the first
 * bytes; the rest of the body (an upload of many megabytes) is left to the
 * page and never parsed here.
 */
const TOKEN_SCAN_BYTES = 8 * 1024;

/** The CSRF token a request carries: the `X-CSRF-Token` header or the `_csrf` form field. */
export async function submittedCsrfToken(request: Request): Promise<string | null> {
  const header = request.headers.get(CSRF_HEADER);
  if (header) return header;
  const type = request.headers.get('content-type') ?? '';
  const urlencoded = type.includes('application/x-www-form-urlencoded');
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if ((!urlencoded && !boundary) || !request.body) return null;
  const head = await readHead(request.clone(), TOKEN_SCAN_BYTES);
  // A cut-off last field is dropped rather than read as a shorter value.
  if (urlencoded) return new URLSearchParams(head.length >= TOKEN_SCAN_BYTES ? head.slice(0, head.lastIndexOf('&') + 1) : head).get(CSRF_FIELD);
  // multipart: the part named _csrf, its value up to the next boundary line.
  const escaped = boundary!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const part = new RegExp(`--${escaped}\\r\\nContent-Disposition: form-data; name="${CSRF_FIELD}"\\r\\n\\r\\n([^\\r]*)\\r\\n--${escaped}`, 'i').exec(head);
  return part?.[1] ?? null;
}

/** The first `max` bytes of a body as text (the reader is cancelled after, so the rest is never read here). */
async function readHead(request: Request, max: number): Promise<string> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return '';
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** Constant-time comparison of two tokens. */
export function tokensMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * A local path to return to after sign-in; anything else becomes '/'. Only a
 * path of printable ASCII that a URL parser keeps on this site: no second
 * slash or backslash at the start (`//evil`, `/\evil` are other hosts), no
 * tab, newline or other control character (browsers drop tabs and newlines,
 * so `/\t/evil` would become `//evil`; a newline in Location is a 500).
 */
export function safeNext(value: string | null | undefined): string {
  if (!value || value.length > 500 || !/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.includes('\\')) return '/';
  const url = new URL(value, 'http://tilts.invalid');
  return url.host === 'tilts.invalid' ? value : '/';
}
