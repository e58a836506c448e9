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
  setCsrfCookie,
  submittedCsrfToken,
  tokensMatch,
} from './lib/server/http/cookies.ts';
import { t, toLocale } from './lib/i18n/index.ts';
import { isPublicOriginRequest, publicNotFound, publicOriginGate } from './lib/server/portal/public-origin.ts';
import { isCorruptionError } from './lib/server/storage/database-file.ts';
import { recordDatabaseCheck } from './lib/server/storage/state.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The H5P player and its files (src/lib/server/h5p/player.ts): requested from
 * a sandboxed frame that sends no cookies; read-only, opened by a grant.
 */
const isPlayerPath = (pathname: string) => pathname.startsWith('/h5p/');

/** Fills the locals every page relies on; a damaged database page met by any request is reported by /healthz. */
const context = defineMiddleware(async (ctx, next) => {
  const { db, config, timeOnTask } = getRuntime();
  ctx.locals.db = db;
  ctx.locals.config = config;
  ctx.locals.timeOnTask = timeOnTask;
  ctx.locals.user = null;
  ctx.locals.session = null;
  ctx.locals.sessionEnded = null;
  ctx.locals.terminalId = null;
  ctx.locals.locale = toLocale(ctx.cookies.get(LOCALE_COOKIE)?.value);
  try {
    ctx.locals.clientIp = ctx.clientAddress;
  } catch {
    ctx.locals.clientIp = null;
  }
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
 * the request must repeat the token of its CSRF cookie.
 */
const csrf = defineMiddleware(async (ctx, next) => {
  if (isPlayerPath(ctx.url.pathname)) {
    return ctx.request.method === 'GET' || ctx.request.method === 'HEAD' ? next() : new Response('Method not allowed', { status: 405 });
  }
  let token = ctx.cookies.get(CSRF_COOKIE)?.value ?? null;
  if (!token || token.length !== 43) {
    token = newCsrfToken();
    setCsrfCookie(ctx.cookies, ctx.url, ctx.locals.config, token);
  }
  ctx.locals.csrfToken = token;
  if (!UNSAFE.has(ctx.request.method)) return next();
  const verdict = originVerdict(ctx.request, ctx.url, ctx.locals.config.publicOrigin);
  const allowed =
    verdict === 'same' ||
    (verdict === 'unknown' && tokensMatch(ctx.cookies.get(CSRF_COOKIE)?.value, await submittedCsrfToken(ctx.request)));
  if (allowed) return next();
  if (ctx.url.pathname.startsWith('/api/')) return Response.json({ error: 'csrf.refused' }, { status: 403 });
  return next('/forbidden?why=origin');
});

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

export const onRequest = sequence(context, headers, publicOrigin, csrf, session, authorize);
