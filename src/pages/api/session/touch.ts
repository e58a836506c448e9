import type { APIRoute } from 'astro';
import { touchSession, idleTimeoutFor } from '../../../lib/server/session.ts';
import { safeNext } from '../../../lib/server/http/cookies.ts';

/** "Stay signed in": records activity now. JSON for the script, a redirect for a plain form. */
export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const { db, config, session, user } = locals;
  if (!session || !user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const now = Date.now();
  touchSession(db, session.id, now);
  const idleLeftMs = Math.min(session.expiresAt, now + idleTimeoutFor(user.role, config)) - now;
  if ((request.headers.get('accept') ?? '').includes('application/json')) return Response.json({ idleLeftMs });
  const form = await request.formData().catch(() => null);
  const next = form?.get('next');
  return redirect(safeNext(typeof next === 'string' ? next : '/'), 303);
};
