import { demoAccounts } from '../../src/lib/server/seed/demo.ts';
import { SESSION_COOKIE } from '../../src/lib/server/session.ts';
import { HOME_PATH, type Role } from '../../src/lib/shared/domain.ts';
import { TERMINAL_COOKIE } from '../../src/lib/server/terminals/credential.ts';
import { provisionTerminal, setAllHours } from '../../tests/helpers/terminal.ts';

/** A signed-in demo account: the `Cookie` header to send, and where it lands. */
export interface BenchSession {
  role: Role;
  login: string;
  cookie: string;
  home: string;
}

/**
 * Signs in through the real form (POST /login, with the Origin header the
 * CSRF check asks for) as the first demo account of `role`, then checks that
 * the session opens the role's home page (200, not a redirect to /login).
 * A learner signs in only on an approved terminal inside learning hours: the
 * bench's own database gets one (and round-the-clock hours, so the figures do
 * not depend on the time of day), and every request carries its credential.
 */
export async function signIn(baseUrl: string, role: Role, databaseFile: string): Promise<BenchSession> {
  const account = demoAccounts().find((a) => a.role === role);
  if (!account) throw new Error(`The demo data has no ${role} account.`);
  let device = '';
  if (role === 'learner') {
    setAllHours(databaseFile);
    device = `${TERMINAL_COOKIE}=${provisionTerminal(databaseFile, account.login)}`;
  }
  const fields: Record<string, string> =
    role === 'learner'
      ? { kind: 'learner', inmateNumber: account.login, pin: account.secret }
      : { kind: 'staff', username: account.login, password: account.secret };
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: baseUrl, 'Content-Type': 'application/x-www-form-urlencoded', ...(device ? { Cookie: device } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  const pair = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`) && c.length > SESSION_COOKIE.length + 1);
  if (res.status !== 303 || !pair) {
    throw new Error(`Signing in as ${role} ${account.login} failed: HTTP ${res.status}, ${pair ? 'with' : 'without'} a session cookie.`);
  }
  const session: BenchSession = { role, login: account.login, cookie: device ? `${pair}; ${device}` : pair, home: HOME_PATH[role] };
  await expectPage(baseUrl, session.home, session.cookie);
  return session;
}

/** Fails unless GET `path` (with `cookie`, if any) answers 200 itself. */
export async function expectPage(baseUrl: string, path: string, cookie: string | null): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  await res.arrayBuffer();
  if (res.status !== 200) {
    const where = res.headers.get('location');
    throw new Error(`GET ${path} answered ${res.status}${where ? ` → ${where}` : ''} instead of 200.`);
  }
}
