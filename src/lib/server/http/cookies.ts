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

/** The CSRF token a request carries: the `X-CSRF-Token` header or the `_csrf` form field. */
export async function submittedCsrfToken(request: Request): Promise<string | null> {
  const header = request.headers.get(CSRF_HEADER);
  if (header) return header;
  const type = request.headers.get('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return null;
  const form = await request.clone().formData().catch(() => null);
  const value = form?.get(CSRF_FIELD);
  return typeof value === 'string' ? value : null;
}

/** Constant-time comparison of two tokens. */
export function tokensMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A local path to return to after sign-in; anything else becomes '/'. */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value.slice(0, 500);
}
