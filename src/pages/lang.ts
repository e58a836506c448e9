import type { APIRoute } from 'astro';
import { runAction } from '../actions/runner.ts';
import { switchLanguage } from '../actions/session.ts';
import { safeNext } from '../lib/server/http/cookies.ts';

/** The language switcher: remembers the choice in a cookie and, when signed in, on the account. */
export const POST: APIRoute = async (context) => {
  const state = await runAction(context, switchLanguage);
  // An unknown language changes nothing: back to the page.
  return state?.response ?? context.redirect(safeNext(state?.values.next ?? '/'), 303);
};
