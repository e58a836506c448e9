import type { APIRoute } from 'astro';
import { signOut } from '../lib/server/auth.ts';
import { deleteSessionCookie } from '../lib/server/http/cookies.ts';

/** POST only: signs out this session, or every session with `everywhere=1`. */
export const POST: APIRoute = async ({ locals, cookies, url, request, redirect }) => {
  const { db, config, session, user, clientIp } = locals;
  const form = await request.formData().catch(() => null);
  if (session && user) signOut(db, session.id, user, clientIp, form?.get('everywhere') === '1');
  deleteSessionCookie(cookies, url, config);
  return redirect('/login?reason=signedOut', 303);
};
