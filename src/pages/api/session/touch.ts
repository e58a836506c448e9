import type { APIRoute } from 'astro';
import { touchSession, idleTimeoutFor } from '../../../lib/server/session.ts';
import { runAction } from '../../../actions/runner.ts';
import { staySignedIn } from '../../../actions/session.ts';

/** "Stay signed in": records activity now. JSON for the script, a redirect for a plain form. */
export const POST: APIRoute = async (context) => {
  const { locals, request, redirect } = context;
  const { db, config, session, user } = locals;
  if (!session || !user) return Response.json({ error: 'auth.signInRequired' }, { status: 401 });
  const now = Date.now();
  touchSession(db, session.id, now);
  const idleLeftMs = Math.min(session.expiresAt, now + idleTimeoutFor(user.role, config)) - now;
  if ((request.headers.get('accept') ?? '').includes('application/json')) return Response.json({ idleLeftMs });
  // A plain form (no JavaScript): back to the page it came from.
  const state = await runAction(context, staySignedIn);
  return state?.response ?? redirect('/', 303);
};
