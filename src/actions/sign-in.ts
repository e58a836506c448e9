import { defineAction } from './runner.ts';
import { signIn, type SignInResult } from '../lib/server/auth.ts';
import { safeNext, setSessionCookie } from '../lib/server/http/cookies.ts';
import { TERMINAL_COOKIE } from '../lib/server/terminals/credential.ts';
import { terminalFromCredential } from '../lib/server/terminals/terminals.ts';
import { HOME_PATH } from '../lib/shared/domain.ts';
import { loginSchema } from '../lib/shared/schemas.ts';
import type { MessageKey } from '../lib/i18n/index.ts';

/** Signing in on the intranet (/login): learners with inmate number and PIN on a terminal, everyone else with a password. */

/**
 * The message of a refused sign-in where it depends on more than the code: a
 * learner mistyped a PIN, not a password; a short wait is told in seconds; a
 * closed terminal room may not know when it opens again.
 */
function refusalMessage(result: Extract<SignInResult, { ok: false }>, kind: 'learner' | 'staff'): MessageKey | undefined {
  if (result.code === 'auth.invalid' && kind === 'learner') return 'login.wrongPin';
  if (result.code === 'auth.throttled' && (result.retryAfterMs ?? 0) < 60_000) return 'login.throttledSeconds';
  if (result.code === 'terminal.closed' && !result.opensAt) return 'terminal.refusedClosedNoOpening';
  return undefined;
}

export const signInHere = defineAction({
  input: loginSchema,
  anonymous: true,
  run: async (input, { db, config, locals, cookies, url, request }) => {
    // A learner's sign-in needs this device's terminal credential (verified, approved, in learning hours).
    const terminal = terminalFromCredential(db, cookies.get(TERMINAL_COOKIE)?.value);
    const result = await signIn(db, input, { ip: locals.clientIp, userAgent: request.headers.get('user-agent') }, config, Date.now(), { terminal });
    if (!result.ok) return { ...result, message: refusalMessage(result, input.kind) };
    setSessionCookie(cookies, url, config, result.token);
    return { ok: true as const, role: result.role, next: safeNext(input.next) };
  },
  redirect: (result) => (result.next === '/' ? HOME_PATH[result.role] : result.next),
});
