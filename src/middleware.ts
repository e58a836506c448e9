import { defineMiddleware, sequence } from 'astro:middleware';
import { getRuntime } from './lib/server/runtime.ts';
import { endSession, validateSessionToken, SESSION_COOKIE } from './lib/server/session.ts';
import { readCredential, TERMINAL_COOKIE } from './lib/server/terminals/credential.ts';
import { touchTerminal } from './lib/server/terminals/terminals.ts';
import { recordSessionEnd } from './lib/server/auth.ts';
import { isPassivePoll } from './lib/server/http/passive-polls.ts';
import { decideRoute } from './lib/server/policy.ts';
import { PLAYER_HEADERS, SECURITY_HEADERS } from './lib/server/http/security-headers.ts';
import {
  CSRF_COOKIE,
  deleteSessionCookie,
  LOCALE_COOKIE,
  newCsrfToken,
  originVerdict,
  safeNext,
  sessionCsrfToken,
  setCsrfCookie,
  submittedCsrfToken,
  tokensMatch,
} from './lib/server/http/cookies.ts';
import { formatHost } from './lib/server/http/host.ts';
import { edgeFacts, isKnownHost } from './lib/server/http/proxy.ts';
import { t, toLocale } from './lib/i18n/index.ts';
import { isPublicOriginRequest, publicNotFound, publicOriginGate } from './lib/server/portal/public-origin.ts';
import { isCorruptionError } from './lib/server/storage/database-file.ts';
import { recordDatabaseCheck } from './lib/server/storage/state.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** No page or endpoint answers any other method (a DELETE on a page must not render it). */
const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * The H5P player and its files (src/lib/server/h5p/player.ts): requested from
 * a sandboxed frame that sends no cookies; read-only, opened by a grant.
 */
const isPlayerPath = (pathname: string) => pathname.startsWith('/h5p/');

/**
 * Fills the locals every page relies on. The URL and client address become
 * what the browser used (src/lib/server/http/proxy.ts): behind a trusted
 * proxy its X-Forwarded-Proto/-Host/-For, otherwise the connection's own.
 * Astro.url is the same object as ctx.url, so pages see the same. A damaged
 * database page met by any request is reported by /healthz.
 */
const context = defineMiddleware(async (ctx, next) => {
  const { db, config, timeOnTask } = getRuntime();
  if (!METHODS.has(ctx.request.method)) return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD, POST' } });
  let peer: string | null = null;
  try {
    peer = ctx.clientAddress;
  } catch {
    peer = null;
  }
  const facts = edgeFacts({ peer, encrypted: ctx.url.protocol === 'https:', header: (name) => ctx.request.headers.get(name) }, config);
  // The HTTP server (scripts/lib/edge.ts) refuses these first; repeated here for `astro dev`.
  if (!facts) return new Response('Bad request', { status: 400 });
  if (!isKnownHost(facts.host, config)) return new Response('Misdirected request', { status: 421 });
  ctx.url.protocol = facts.protocol;
  ctx.url.host = formatHost(facts.host);
  ctx.locals.db = db;
  ctx.locals.config = config;
  ctx.locals.timeOnTask = timeOnTask;
  ctx.locals.user = null;
  ctx.locals.session = null;
  ctx.locals.sessionEnded = null;
  ctx.locals.terminalId = null;
  ctx.locals.locale = toLocale(ctx.cookies.get(LOCALE_COOKIE)?.value);
  ctx.locals.clientIp = facts.clientIp;
  try {
    return await next();
  } catch (error) {
    if (isCorruptionError(error)) recordDatabaseCheck(config.databaseFile, 'corrupt');
    throw error;
  }
});

/**
 * On the public origin (TILTS_PUBLIC_ORIGIN) only certificate verification
 * and the released-person portal answer; every other path is a 404, before
 * any page, form or sign-in check runs (docs/public-origin.md).
 */
const publicOrigin = defineMiddleware((ctx, next) => {
  if (!isPublicOriginRequest(ctx.url, ctx.locals.config)) return next();
  const gate = publicOriginGate(ctx.url.pathname, ctx.url.search);
  if (gate === null) return next();
  if (gate !== 'notFound') return ctx.redirect(gate.redirect, 303);
  const l = ctx.locals.locale;
  return publicNotFound(t(l, 'error.notFoundTitle'), t(l, 'error.notFoundBody'), t(l, 'portal.title'), l);
});

/**
 * CSRF: a state-changing request must come from one of our own pages. A
 * foreign Origin is refused outright; our own Origin passes; otherwise (the
 * browser sent `Origin: null`, as it does under Referrer-Policy no-referrer)
 * the request must repeat the token its page was given. A signed-in page's
 * token is derived from the session's secret cookie (sessionCsrfToken), so
 * it is bound to that session: a token planted or learned outside it is of
 * no use. Anonymous pages use the token of the CSRF cookie. Runs after the
 * session step, which tells whether the session is valid.
 */
const csrf = defineMiddleware(async (ctx, next) => {
  if (isPlayerPath(ctx.url.pathname)) {
    return ctx.request.method === 'GET' || ctx.request.method === 'HEAD' ? next() : new Response('Method not allowed', { status: 405 });
  }
  const sessionCookie = requestCookie(ctx.request, SESSION_COOKIE);
  const bound = sessionCookie ? sessionCsrfToken(sessionCookie) : null;
  const cookieToken = ctx.cookies.get(CSRF_COOKIE)?.value ?? null;
  let anonymous = cookieToken;
  if (!anonymous || anonymous.length !== 43) {
    anonymous = newCsrfToken();
    setCsrfCookie(ctx.cookies, ctx.url, ctx.locals.config, anonymous);
  }
  ctx.locals.csrfToken = ctx.locals.session && bound ? bound : anonymous;
  if (!UNSAFE.has(ctx.request.method)) return next();
  const verdict = originVerdict(ctx.request, ctx.url, ctx.locals.config.publicOrigin);
  let allowed = verdict === 'same';
  if (verdict === 'unknown') {
    const submitted = await submittedCsrfToken(ctx.request);
    // A valid session accepts only its own token; a stale session cookie (the form outlived the
    // session) also the anonymous one, so the request goes on to the sign-in page.
    allowed = tokensMatch(bound, submitted) || (!ctx.locals.session && tokensMatch(cookieToken, submitted));
  }
  if (allowed) return next();
  if (ctx.url.pathname.startsWith('/api/')) return Response.json({ error: 'csrf.refused' }, { status: 403 });
  return next('/forbidden?why=origin');
});

/** A cookie as the request sent it (ctx.cookies shows a value the session step may have deleted since). */
function requestCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Resolves the session cookie to a user; ends sessions that timed out. */
const session = defineMiddleware((ctx, next) => {
  const token = ctx.cookies.get(SESSION_COOKIE)?.value;
  if (!token || isPlayerPath(ctx.url.pathname)) return next();
  const { db, config } = ctx.locals;
  // Timer-driven polls read the session without counting as activity (idle logout still happens).
  const touch = !isPassivePoll(ctx.request.method, ctx.url.pathname);
  let result = validateSessionToken(db, token, config, Date.now(), { touch });
  if (result.session?.terminalId) {
    // A terminal session is bound to its device: the same cookie from another browser ends it.
    const device = readCredential(db, ctx.cookies.get(TERMINAL_COOKIE)?.value);
    ctx.locals.terminalId = device?.terminalId ?? null;
    if (device?.terminalId !== result.session.terminalId) {
      endSession(db, result.session.id, 'terminal_taken', null);
      result = validateSessionToken(db, token, config, Date.now(), { touch });
    }
  }
  if (result.session) {
    // The supervisor's list shows when each terminal was last in use.
    if (result.session.terminalId) touchTerminal(db, result.session.terminalId);
    ctx.locals.session = result.session;
    ctx.locals.user = result.user;
    ctx.locals.locale = result.user.locale;
  } else {
    deleteSessionCookie(ctx.cookies, ctx.url, config);
    if (result.ended) {
      ctx.locals.sessionEnded = result.ended;
      if (!result.recorded) recordSessionEnd(db, result.userId, result.ended as 'idle' | 'expired' | 'barred' | 'hours_over', ctx.locals.clientIp);
    }
  }
  return next();
});

/** The route-level decision of the policy module, before any page code runs. */
const authorize = defineMiddleware((ctx, next) => {
  const decision = decideRoute(ctx.locals.user, ctx.url.pathname);
  if (decision === 'allow') return next();
  const isApi = ctx.url.pathname.startsWith('/api/');
  if (decision === 'signIn') {
    // The learner's page polls: it learns why its session ended (signed in elsewhere, hours over, ...).
    if (isApi) return Response.json({ error: 'auth.signInRequired', reason: ctx.locals.sessionEnded }, { status: 401 });
    const params = new URLSearchParams();
    if (ctx.request.method === 'GET') params.set('next', safeNext(ctx.url.pathname + ctx.url.search));
    if (ctx.locals.sessionEnded) params.set('reason', ctx.locals.sessionEnded);
    const query = params.toString();
    return ctx.redirect(`/login${query ? '?' + query : ''}`, 303);
  }
  if (isApi) return Response.json({ error: 'auth.forbidden' }, { status: 403 });
  return next('/forbidden');
});

/** Security headers on every response; signed-in pages are never cached. */
const headers = defineMiddleware(async (ctx, next) => {
  const response = await next();
  for (const [name, value] of Object.entries(isPlayerPath(ctx.url.pathname) ? PLAYER_HEADERS : SECURITY_HEADERS)) response.headers.set(name, value);
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});

export const onRequest = sequence(context, headers, publicOrigin, session, csrf, authorize);
