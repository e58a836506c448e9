import { z } from 'zod';
import { defineAction } from './runner.ts';
import { signOut } from '../lib/server/auth.ts';
import { deleteSessionCookie, safeNext, setLocaleCookie } from '../lib/server/http/cookies.ts';
import { setPreferredLocale } from '../lib/server/people/users.ts';
import { localeSchema } from '../lib/shared/schemas.ts';

/** The forms every page carries: the language switcher, sign out, "stay signed in". */

/** A local path to return to (anything else becomes '/'). */
const next = z.string().max(2000).optional().transform((v) => safeNext(v ?? '/'));

/** The language switcher: remembers the choice in a cookie and, when signed in, on the account. */
export const switchLanguage = defineAction({
  input: z.object({
    /** 'lv', 'en' or 'ru'. */
    locale: localeSchema,
    /** The page to return to. */
    next,
  }),
  anonymous: true,
  run: (input, { locals, cookies, url }) => {
    setLocaleCookie(cookies, url, locals.config, input.locale);
    if (locals.user) setPreferredLocale(locals.db, locals.user.id, input.locale);
    return { ok: true as const, next: input.next };
  },
  redirect: (result) => result.next,
});

/** Signs out this session, or every session of the account with `everywhere=1`. */
export const signOutHere = defineAction({
  input: z.object({
    /** '1': end every session of the account (a lost or shared device). */
    everywhere: z.string().max(10).optional(),
  }),
  anonymous: true,
  run: (input, { locals, cookies, url }) => {
    const { db, session, user, clientIp, config } = locals;
    if (session && user) signOut(db, session.id, user, clientIp, input.everywhere === '1');
    deleteSessionCookie(cookies, url, config);
    return { ok: true as const };
  },
  redirect: () => '/login?reason=signedOut',
});

/** "Stay signed in" without JavaScript: the endpoint has recorded the activity; back to the page. */
export const staySignedIn = defineAction({
  input: z.object({
    /** The page to return to. */
    next,
  }),
  run: (input) => ({ ok: true as const, next: input.next }),
  redirect: (result) => result.next,
});
