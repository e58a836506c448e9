import type { APIRoute } from 'astro';
import { runAction } from '../actions/runner.ts';
import { signOutHere } from '../actions/session.ts';

/** POST only: signs out this session, or every session with `everywhere=1`. */
export const POST: APIRoute = async (context) => {
  const state = await runAction(context, signOutHere);
  return state?.response ?? context.redirect('/login?reason=signedOut', 303);
};
