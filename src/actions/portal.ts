import { defineAction } from './runner.ts';
import { activateAccount, checkActivation } from '../lib/server/portal/activation.ts';
import { activationCheckSchema, activationPasswordSchema, portalLoginSchema } from '../lib/shared/portal-schemas.ts';
import { signIn } from '../lib/server/auth.ts';
import { safeNext, setSessionCookie } from '../lib/server/http/cookies.ts';
import type { MessageKey } from '../lib/i18n/index.ts';

/** The released person's portal: activating the account and signing in (any network). */

/** A long throttle reads as "locked for a while" rather than "slow down". */
const throttleMessage = (result: { code: string; retryAfterMs?: number }): MessageKey | undefined =>
  result.code === 'activation.throttled' && (result.retryAfterMs ?? 0) >= 60_000 ? 'activation.locked' : undefined;

/**
 * Activation in two steps: 1. the code from the release sheet and the birth
 * date; 2. a new password (the page keeps the code and the date in hidden
 * fields, and they are checked again when the password is saved).
 */
export const activationActions = {
  check: defineAction({
    input: activationCheckSchema,
    anonymous: true,
    run: (input, { db, locals }) => {
      const result = checkActivation(db, input, locals.clientIp);
      return result.ok ? result : { ...result, message: throttleMessage(result) };
    },
  }),
  password: defineAction({
    input: activationPasswordSchema,
    anonymous: true,
    run: async (input, { db, locals }) => {
      const result = await activateAccount(db, input, locals.clientIp);
      return result.ok ? result : { ...result, message: throttleMessage(result) };
    },
  }),
};

/** The portal's own sign-in: released persons only (staff and learner accounts do not exist here: the same answer as an unknown name). */
export const portalSignIn = defineAction({
  input: portalLoginSchema,
  anonymous: true,
  run: async (input, { db, config, locals, cookies, url, request }) => {
    const result = await signIn(
      db,
      { kind: 'staff', username: input.username, password: input.password },
      { ip: locals.clientIp, userAgent: request.headers.get('user-agent') },
      config,
      Date.now(),
      { roles: ['released'] },
    );
    if (!result.ok) {
      // Terminal refusals concern learners, who do not exist here: the same answer (401) as a wrong password.
      if (result.code.startsWith('terminal.')) return { ok: false as const, code: 'auth.invalid', message: 'portal.wrongPlace' as const };
      const short = result.code === 'auth.throttled' && (result.retryAfterMs ?? 0) < 60_000;
      return { ...result, message: short ? ('login.throttledSeconds' as const) : undefined };
    }
    setSessionCookie(cookies, url, config, result.token);
    const next = safeNext(input.next);
    return { ok: true as const, next: next.startsWith('/portal') ? next : '/portal' };
  },
  redirect: (result) => result.next,
});
