import { stmt, type Db } from './db.ts';
import { appendAudit } from './audit.ts';
import { ACCOUNT_RULES, ADDRESS_RULES, checkThrottle, clearThrottle, recordFailure } from './login-throttle.ts';
import { dummyVerify, verifySecret } from './password.ts';
import {
  createSession,
  endSession,
  generateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  type SessionMeta,
  type SessionTimeouts,
} from './session.ts';
import type { Role } from '../shared/domain.ts';
import type { Terminal } from './terminals/terminals.ts';
import { facilityAvailability } from './terminals/hours.ts';

/** What the sign-in form sends, after validation. */
export type Credentials =
  | { kind: 'learner'; inmateNumber: string; pin: string }
  | { kind: 'staff'; username: string; password: string };

export type SignInError = 'auth.invalid' | 'auth.throttled' | 'auth.locked' | 'auth.inactive' | TerminalRefusal;

/** Why a learner may not sign in on this device now (told in plain words on /login). */
export type TerminalRefusal =
  | 'terminal.none'
  | 'terminal.pending'
  | 'terminal.disabled'
  | 'terminal.locked'
  | 'terminal.otherFacility'
  | 'terminal.closed';

export type SignInResult =
  | { ok: true; userId: number; role: Role; token: string; expiresAt: number }
  | { ok: false; code: SignInError; retryAfterMs?: number; opensAt?: number | null };

interface AccountRow {
  id: number;
  role: Role;
  secret_hash: string | null;
  active: number;
  facility_id: number | null;
  learner_status: string | null;
}

function findAccount(db: Db, c: Credentials): AccountRow | undefined {
  if (c.kind === 'learner') {
    return stmt(
      db,
      `SELECT u.id, u.role, u.secret_hash, u.active, u.facility_id, l.status AS learner_status
       FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number = ?`,
    ).get(c.inmateNumber) as AccountRow | undefined;
  }
  return stmt(
    db,
    `SELECT u.id, u.role, u.secret_hash, u.active, u.facility_id, NULL AS learner_status
     FROM user u WHERE u.username = ? AND u.role <> 'learner'`,
  ).get(c.username) as AccountRow | undefined;
}

const loginName = (c: Credentials) => (c.kind === 'learner' ? c.inmateNumber : c.username);

/**
 * Checks credentials with throttling per account and per client address,
 * opens a new session (a fresh token at every sign-in) and audits the outcome.
 */
export async function signIn(
  db: Db,
  credentials: Credentials,
  meta: SessionMeta,
  timeouts: SessionTimeouts,
  now = Date.now(),
  options: {
    /**
     * The portal's sign-in (public): only these roles exist there. Any other
     * account is treated exactly like an unknown name (the same dummy hash
     * check, the same 'auth.invalid'), so the portal tells nobody which staff
     * names exist or which password is right; and its failures count under
     * keys of their own, so they never slow down or lock intranet sign-ins.
     */
    roles?: readonly Role[];
    /** The device's terminal (its verified credential), or null: learners need an approved one. */
    terminal?: Terminal | null;
  } = {},
): Promise<SignInResult> {
  const terminal = options.terminal ?? null;
  const login = loginName(credentials);
  const realm = options.roles ? 'portal:' : '';
  const accountKey = `${realm}account:${credentials.kind}:${login.toLowerCase()}`;
  const addressKey = `${realm}ip:${meta.ip ?? 'unknown'}`;
  for (const [key, rules] of [
    [accountKey, ACCOUNT_RULES],
    [addressKey, ADDRESS_RULES],
  ] as const) {
    const state = checkThrottle(db, key, rules, now);
    if (!state.allowed) return { ok: false, code: state.locked ? 'auth.locked' : 'auth.throttled', retryAfterMs: state.retryAfterMs };
  }

  // A learner's device and hours are checked before the PIN: a device that is no
  // terminal, or a closed room, cannot be used to try PINs at all.
  let closesAt = 0;
  if (credentials.kind === 'learner') {
    const refusal = terminalRefusal(db, terminal, now);
    if (!refusal.ok) {
      appendAudit(db, {
        actor: { id: null, label: login },
        action: 'auth.loginRefused',
        targetType: terminal ? 'terminal' : null,
        targetId: terminal?.id ?? null,
        facilityId: terminal?.facilityId ?? null,
        ip: meta.ip,
        details: { reason: refusal.code },
      });
      return { ok: false, code: refusal.code, opensAt: refusal.opensAt };
    }
    closesAt = refusal.closesAt;
  }

  const found = findAccount(db, credentials);
  const account = found && (!options.roles || options.roles.includes(found.role)) ? found : undefined;
  const secret = credentials.kind === 'learner' ? credentials.pin : credentials.password;
  const valid = account?.secret_hash ? await verifySecret(account.secret_hash, secret) : await dummyVerify(secret);

  if (!account || !valid) {
    return db
      .transaction((): SignInResult => {
        const perAccount = recordFailure(db, accountKey, ACCOUNT_RULES, now);
        const perAddress = recordFailure(db, addressKey, ADDRESS_RULES, now);
        const base = { actor: { id: null, label: login }, ip: meta.ip, facilityId: account?.facility_id ?? null };
        appendAudit(db, {
          ...base,
          action: 'auth.loginFailed',
          targetType: account ? 'user' : null,
          targetId: account?.id ?? null,
          details: { kind: credentials.kind, failures: perAccount.failures, ...(options.roles ? { portal: true } : {}) },
        });
        if (perAccount.locked || perAddress.locked) {
          appendAudit(db, {
            ...base,
            action: 'auth.locked',
            targetType: account ? 'user' : null,
            targetId: account?.id ?? null,
            details: { by: perAccount.locked ? 'account' : 'address', until: new Date(Math.max(perAccount.blockedUntil, perAddress.blockedUntil)).toISOString() },
          });
          return { ok: false, code: 'auth.locked', retryAfterMs: Math.max(perAccount.blockedUntil, perAddress.blockedUntil) - now };
        }
        return { ok: false, code: 'auth.invalid' };
      })
      .immediate();
  }

  if (account.active !== 1 || (account.role === 'learner' && account.learner_status !== 'in_custody')) {
    appendAudit(db, {
      actor: { id: account.id, label: login },
      action: 'auth.loginRefused',
      targetType: 'user',
      targetId: account.id,
      facilityId: account.facility_id,
      ip: meta.ip,
      details: { reason: account.active !== 1 ? 'inactive' : 'notInCustody' },
    });
    return { ok: false, code: 'auth.inactive' };
  }

  if (terminal && credentials.kind === 'learner' && terminal.facilityId !== account.facility_id) {
    appendAudit(db, {
      actor: { id: account.id, label: login },
      action: 'auth.loginRefused',
      targetType: 'terminal',
      targetId: terminal.id,
      facilityId: terminal.facilityId,
      ip: meta.ip,
      details: { reason: 'terminal.otherFacility', learnerFacilityId: account.facility_id },
    });
    return { ok: false, code: 'terminal.otherFacility' };
  }

  const token = generateSessionToken();
  return db
    .transaction((): SignInResult => {
      clearThrottle(db, accountKey);
      let endedElsewhere = 0;
      if (terminal && credentials.kind === 'learner') {
        // One terminal at a time: the learner's other sessions end, and so does anyone else's on this terminal.
        for (const other of stmt(db, 'SELECT id FROM session WHERE user_id = ?').pluck().all(account.id) as string[]) {
          endedElsewhere += Number(endSession(db, other, 'signed_in_elsewhere', null, now));
        }
        const previous = stmt(db, 'SELECT id FROM session WHERE terminal_id = ?').pluck().get(terminal.id) as string | undefined;
        if (previous) endSession(db, previous, 'terminal_taken', null, now);
      }
      const session = createSession(db, token, account.id, timeouts, meta, now, terminal && credentials.kind === 'learner' ? { id: terminal.id, closesAt } : null);
      appendAudit(db, {
        actor: { id: account.id, label: login },
        action: 'auth.login',
        targetType: 'user',
        targetId: account.id,
        facilityId: account.facility_id,
        ip: meta.ip,
        details: credentials.kind === 'learner' && terminal ? { kind: credentials.kind, terminalId: terminal.id, sessionsEnded: endedElsewhere } : { kind: credentials.kind },
      });
      return { ok: true, userId: account.id, role: account.role, token, expiresAt: session.expiresAt };
    })
    .immediate();
}

/** May a learner sign in on this device now? Open until `closesAt`, or refused with a reason. */
function terminalRefusal(
  db: Db,
  terminal: Terminal | null,
  now: number,
): { ok: true; closesAt: number } | { ok: false; code: TerminalRefusal; opensAt?: number | null } {
  if (!terminal || terminal.status === 'revoked') return { ok: false, code: 'terminal.none' };
  if (terminal.status === 'pending') return { ok: false, code: 'terminal.pending' };
  if (terminal.status === 'disabled') return { ok: false, code: 'terminal.disabled' };
  if (terminal.lockedAt !== null) return { ok: false, code: 'terminal.locked' };
  const hours = facilityAvailability(db, terminal.facilityId!, now);
  if (!hours.open) return { ok: false, code: 'terminal.closed', opensAt: hours.opensAt };
  return { ok: true, closesAt: hours.closesAt };
}

/** Ends this session, or every session of the user with `everywhere`. */
export function signOut(
  db: Db,
  sessionId: string,
  user: { id: number; username: string | null; displayName: string; facilityId: number | null },
  ip: string | null,
  everywhere = false,
): void {
  db.transaction(() => {
    const ended = everywhere ? invalidateUserSessions(db, user.id) : (invalidateSession(db, sessionId), 1);
    appendAudit(db, {
      actor: { id: user.id, label: user.username ?? user.displayName },
      action: everywhere ? 'auth.logoutEverywhere' : 'auth.logout',
      targetType: 'user',
      targetId: user.id,
      facilityId: user.facilityId,
      ip,
      details: { sessionsEnded: ended },
    });
  }).immediate();
}

/** Records that a session ended by itself (idle, absolute limit, or account barred). */
export function recordSessionEnd(db: Db, userId: number, reason: 'idle' | 'expired' | 'barred' | 'hours_over', ip: string | null): void {
  appendAudit(db, { actor: { id: userId, label: 'system' }, action: 'auth.sessionEnded', targetType: 'user', targetId: userId, ip, details: { reason } });
}
