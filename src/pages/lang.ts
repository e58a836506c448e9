import type { APIRoute } from 'astro';
import { localeSchema } from '../lib/shared/schemas.ts';
import { safeNext, setLocaleCookie } from '../lib/server/http/cookies.ts';
import { setPreferredLocale } from '../lib/server/people/users.ts';

/** The language switcher: remembers the choice in a cookie and, when signed in, on the account. */
export const POST: APIRoute = async ({ locals, cookies, url, request, redirect }) => {
  const form = await request.formData().catch(() => null);
  const locale = localeSchema.safeParse(form?.get('locale'));
  const next = safeNext(typeof form?.get('next') === 'string' ? (form.get('next') as string) : '/');
  if (!locale.success) return redirect(next, 303);
  setLocaleCookie(cookies, url, locals.config, locale.data);
  if (locals.user) setPreferredLocale(locals.db, locals.user.id, locale.data);
  return redirect(next, 303);
};
