import type { Config } from '../config.ts';

/**
 * The public origin (TILTS_PUBLIC_ORIGIN): the one address of Tilts reachable
 * from the internet, for employers verifying a certificate and released
 * persons fetching theirs. Everything else of the platform stays on the
 * intranet: on the public origin any other path answers 404, as if it did not
 * exist (docs/public-origin.md describes the reverse proxy in front).
 *
 * A request is on the public origin when its Host header (as the proxy
 * forwards it; @astrojs/node builds Astro.url from it) names the public
 * origin's host. X-Forwarded-Host is not trusted: Astro ignores it unless
 * security.allowedDomains lists hosts, and the proxy sets Host itself.
 */

/** Paths that answer on the public origin: a prefix matches itself and anything below it. */
export const PUBLIC_ORIGIN_PATHS: readonly string[] = [
  // Certificate verification for employers.
  '/verify',
  // The released person's portal: activation, sign-in, documents.
  '/portal',
  // Choosing the language, signing out, the health check of the proxy.
  '/lang',
  '/logout',
  // Keeping a signed-in session alive (the idle warning's button).
  '/api/session',
  '/healthz',
  // The refusal page a refused form (CSRF) is rewritten to.
  '/forbidden',
  // Built styles and scripts, and the icon.
  '/_astro',
  '/favicon.svg',
  '/favicon.ico',
];

/** True when `url` (the request's, built from its Host header) is on the configured public origin. */
export function isPublicOriginRequest(url: URL, config: Pick<Config, 'publicOrigin'>): boolean {
  if (!config.publicOrigin) return false;
  return url.hostname.toLowerCase() === new URL(config.publicOrigin).hostname.toLowerCase();
}

/** May `pathname` answer on the public origin? */
export function allowedOnPublicOrigin(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return PUBLIC_ORIGIN_PATHS.some((prefix) => path === prefix || path.startsWith(prefix + '/'));
}

/**
 * What the public origin answers instead of a path it does not serve: a bare
 * 404 page in the visitor's language, with no link into the platform but the
 * portal's (the app's own 404 page is an intranet page and needs sign-in).
 */
export function publicNotFound(title: string, body: string, linkText: string, lang: string): Response {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const html = `<!doctype html><html lang="${escape(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Tilts</title></head><body><main><h1>${escape(title)}</h1><p>${escape(body)}</p><p><a href="/portal">${escape(linkText)}</a></p></main></body></html>`;
  return new Response(html, { status: 404, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

/**
 * The public origin's answer to `pathname` before any page runs: null to let
 * the request through; a redirect for the two addresses people type (the
 * root and the intranet's sign-in page, both to the portal's own); 404 for
 * everything else.
 */
export function publicOriginGate(pathname: string, search: string): { redirect: string } | 'notFound' | null {
  if (pathname === '/') return { redirect: '/portal' };
  if (pathname === '/login' || pathname === '/login/') return { redirect: '/portal/login' + search };
  return allowedOnPublicOrigin(pathname) ? null : 'notFound';
}
