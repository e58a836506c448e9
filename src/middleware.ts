import { defineMiddleware, sequence } from 'astro:middleware';
import { getRuntime } from './lib/server/runtime.ts';
import { validateSessionToken, SESSION_COOKIE } from './lib/server/session.ts';
import { recordSessionEnd } from './lib/server/auth.ts';
import { decideRoute } from './lib/server/policy.ts';
import { SECURITY_HEADERS } from './lib/server/http/security-headers.ts';
import { deleteSessionCookie, isSameOrigin, LOCALE_COOKIE, safeNext } from './lib/server/http/cookies.ts';
import { toLocale } from './lib/i18n/index.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Fills the locals every page relies on. */
const context = defineMiddleware((ctx, next) => {
  const { db, config } = getRuntime();
  ctx.locals.db = db;
  ctx.locals.config = config;
  ctx.locals.user = null;
  ctx.locals.session = null;
  ctx.locals.sessionEnded = null;
  ctx.locals.locale = toLocale(ctx.cookies.get(LOCALE_COOKIE)?.value);
  try {
    ctx.locals.clientIp = ctx.clientAddress;
  } catch {
    ctx.locals.clientIp = null;
  }
  return next();
});

/** CSRF: a state-changing request must come from one of our own pages. */
const sameOrigin = defineMiddleware((ctx, next) => {
  if (UNSAFE.has(ctx.request.method) && !isSameOrigin(ctx.request, ctx.url, ctx.locals.config.publicOrigin)) {
    return next('/forbidden?why=origin');
  }
  return next();
});

/** Resolves the session cookie to a user; ends sessions that timed out. */
const session = defineMiddleware((ctx, next) => {
  const token = ctx.cookies.get(SESSION_COOKIE)?.value;
  if (!token) return next();
  const { db, config } = ctx.locals;
  const result = validateSessionToken(db, token, config);
  if (result.session) {
    ctx.locals.session = result.session;
    ctx.locals.user = result.user;
    ctx.locals.locale = result.user.locale;
  } else {
    deleteSessionCookie(ctx.cookies, ctx.url, config);
    if (result.ended) {
      ctx.locals.sessionEnded = result.ended;
      recordSessionEnd(db, result.userId, result.ended, ctx.locals.clientIp);
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
    if (isApi) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
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
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  if (ctx.locals.user || !response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});

export const onRequest = sequence(context, headers, sameOrigin, session, authorize);
