import type { AstroCookies } from 'astro';
import type { Config } from '../config.ts';
import { SESSION_COOKIE } from '../session.ts';

export const LOCALE_COOKIE = 'tilts_lang';

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

/**
 * True when a state-changing request comes from our own pages: its Origin is
 * this server's (or the configured public origin); without an Origin header,
 * only the browser's own same-origin marker is accepted.
 */
export function isSameOrigin(request: Request, url: URL, publicOrigin: string | null): boolean {
  const origin = request.headers.get('origin');
  if (origin) return origin === url.origin || origin === publicOrigin;
  const site = request.headers.get('sec-fetch-site');
  return site === 'same-origin';
}

/** A local path to return to after sign-in; anything else becomes '/'. */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value.slice(0, 500);
}
