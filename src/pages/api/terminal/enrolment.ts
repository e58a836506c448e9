import type { APIRoute } from 'astro';
import { TERMINAL_COOKIE } from '../../../lib/server/terminals/credential.ts';
import { terminalFromCredential } from '../../../lib/server/terminals/terminals.ts';

/** The enrolling device's poll: is it approved yet, or does its code need renewing? Reads only. */
export const GET: APIRoute = ({ locals, cookies }) => {
  const terminal = terminalFromCredential(locals.db, cookies.get(TERMINAL_COOKIE)?.value);
  if (!terminal) return Response.json({ status: 'none', renew: true });
  const renew = terminal.status === 'pending' && (terminal.enrolmentExpiresAt ?? 0) < Date.now() + 60_000;
  return Response.json({ status: terminal.status, renew });
};
