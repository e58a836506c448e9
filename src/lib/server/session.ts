import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { stmt, unlessBusy, type Db } from './db.ts';
import type { Locale, Role } from '../shared/domain.ts';

/**
 * Sessions the Lucia way (lucia-auth.com): a random token goes to the browser
 * in an HttpOnly cookie; the database keeps only its SHA-256 as the session id.
 */

export const SESSION_COOKIE = 'tilts_session';

/** Activity is written at most this often, so page views do not fsync on every request. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface Session {
  id: string;
  userId: number;
  createdAt: number;
  lastActiveAt: number;
  /** Absolute end, whatever the activity. */
  expiresAt: number;
  /** When the session ends if nothing else happens (idle timeout or absolute end). */
  idleExpiresAt: number;
  /** The terminal a learner signed in on (null: staff, or no terminal). */
  terminalId: number | null;
}

/** The signed-in user as every page and policy check sees them. */
export interface SessionUser {
  id: number;
  role: Role;
  displayName: string;
  username: string | null;
  facilityId: number | null;
  /** Home facility plus granted ones: the facilities this user may act on. */
  facilityIds: number[];
  locale: Locale;
  learnerId: number | null;
}

export interface SessionTimeouts {
  idleMs: { learner: number; staff: number };
  sessionMaxMs: number;
}

/**
 * Why a session ended without its owner signing out: by itself (idle, its
 * absolute end, the account barred, the learning hours over), or ended by
 * someone or something else (recorded in session_end).
 */
export type SessionEndReason = 'idle' | 'expired' | 'barred' | 'hours_over' | EndedByOther;
export type EndedByOther =
  | 'signed_in_elsewhere'
  | 'terminal_taken'
  | 'ended_by_supervisor'
  | 'terminal_locked'
  | 'terminal_disabled'
  | 'terminal_revoked';

export type SessionValidation =
  | { session: Session; user: SessionUser }
  | { session: null; user: null; ended: null }
  /**
   * The session has ended; `userId` says whose it was. `recorded`: someone
   * ended it earlier and audited that (nothing more to log).
   */
  | { session: null; user: null; ended: SessionEndReason; userId: number; recorded?: true };

export function idleTimeoutFor(role: Role, timeouts: SessionTimeouts): number {
  return role === 'learner' ? timeouts.idleMs.learner : timeouts.idleMs.staff;
}

/** 20 random bytes (160 bits), base32. */
export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The SHA-256 of the token, hex: node's native hash (the JavaScript one was a visible share of every request). */
export function sessionIdFromToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

export function createSession(
  db: Db,
  token: string,
  userId: number,
  timeouts: SessionTimeouts,
  meta: SessionMeta,
  now = Date.now(),
  /** A learner on a terminal: the terminal, and the end of the learning window (the session's absolute end). */
  terminal: { id: number; closesAt: number } | null = null,
): { id: string; expiresAt: number } {
  const id = sessionIdFromToken(token);
  const expiresAt = Math.min(now + timeouts.sessionMaxMs, terminal?.closesAt ?? Infinity);
  stmt(db, 
    `INSERT INTO session (id, user_id, created_at, last_active_at, expires_at, ip, user_agent, terminal_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, userId, now, now, expiresAt, meta.ip, meta.userAgent?.slice(0, 300) ?? null, terminal?.id ?? null);
  return { id, expiresAt };
}

interface SessionRow {
  id: string;
  user_id: number;
  created_at: number;
  last_active_at: number;
  expires_at: number;
  role: Role;
  display_name: string;
  username: string | null;
  facility_id: number | null;
  preferred_locale: Locale;
  active: number;
  learner_id: number | null;
  learner_status: string | null;
  grants: string | null;
  terminal_id: number | null;
}

const SELECT_SESSION = `
  SELECT s.id, s.user_id, s.created_at, s.last_active_at, s.expires_at, s.terminal_id,
         u.role, u.display_name, u.username, u.facility_id, u.preferred_locale, u.active,
         l.id AS learner_id, l.status AS learner_status,
         (SELECT group_concat(g.facility_id) FROM facility_grant g WHERE g.user_id = u.id) AS grants
  FROM session s
  JOIN user u ON u.id = s.user_id
  LEFT JOIN learner l ON l.user_id = u.id
  WHERE s.id = ?`;

/**
 * Looks up the session for a cookie token. Ends it when it is past its idle
 * or absolute limit, when the account is deactivated, or when a learner is no
 * longer in custody. Records activity at most once per TOUCH_INTERVAL_MS.
 */
export function validateSessionToken(
  db: Db,
  token: string,
  timeouts: SessionTimeouts,
  now = Date.now(),
  { touch = true }: { touch?: boolean } = {},
): SessionValidation {
  const id = sessionIdFromToken(token);
  const row = stmt(db, SELECT_SESSION).get(id) as SessionRow | undefined;
  if (!row) {
    const gone = stmt(db, 'SELECT user_id, reason FROM session_end WHERE session_id = ?').get(id) as { user_id: number; reason: EndedByOther } | undefined;
    return gone ? { session: null, user: null, ended: gone.reason, userId: gone.user_id, recorded: true } : { session: null, user: null, ended: null };
  }
  const idleMs = idleTimeoutFor(row.role, timeouts);
  const idleEnd = row.last_active_at + idleMs;
  const barred = row.active !== 1 || (row.role === 'learner' && row.learner_status !== 'in_custody');
  // A terminal session's absolute end is the end of the learning window.
  const expired = row.terminal_id !== null ? 'hours_over' : 'expired';
  const ended = barred ? 'barred' : now >= row.expires_at ? expired : now >= idleEnd ? 'idle' : null;
  if (ended) {
    invalidateSession(db, id);
    return { session: null, user: null, ended, userId: row.user_id };
  }
  let lastActiveAt = row.last_active_at;
  // Bookkeeping on a read: skipped while another process holds the write lock (the next request writes it).
  if (touch && now - row.last_active_at >= TOUCH_INTERVAL_MS && unlessBusy(() => stmt(db, 'UPDATE session SET last_active_at = ? WHERE id = ?').run(now, id))) {
    lastActiveAt = now;
  }
  const grants = row.grants ? row.grants.split(',').map(Number) : [];
  const facilityIds = [...new Set([...(row.facility_id ? [row.facility_id] : []), ...grants])];
  return {
    session: {
      id,
      userId: row.user_id,
      createdAt: row.created_at,
      lastActiveAt,
      expiresAt: row.expires_at,
      idleExpiresAt: Math.min(row.expires_at, lastActiveAt + idleMs),
      terminalId: row.terminal_id,
    },
    user: {
      id: row.user_id,
      role: row.role,
      displayName: row.display_name,
      username: row.username,
      facilityId: row.facility_id,
      facilityIds,
      locale: row.preferred_locale,
      learnerId: row.learner_id,
    },
  };
}

/** Records activity now (the "stay signed in" button). */
export function touchSession(db: Db, sessionId: string, now = Date.now()): void {
  stmt(db, 'UPDATE session SET last_active_at = ? WHERE id = ?').run(now, sessionId);
}

export function invalidateSession(db: Db, sessionId: string): void {
  stmt(db, 'DELETE FROM session WHERE id = ?').run(sessionId);
}

/** Signs a user out everywhere (deactivation, credential reset, "sign out everywhere"). */
export function invalidateUserSessions(db: Db, userId: number): number {
  return stmt(db, 'DELETE FROM session WHERE user_id = ?').run(userId).changes;
}

/** How long the reason of an ended session is kept for its page to read. */
export const SESSION_END_KEEP_MS = 24 * 3_600_000;

/**
 * Ends a session for a reason its owner did not choose (signed in elsewhere,
 * a supervisor, a terminal locked...) and keeps the reason, so the page still
 * holding the old cookie learns why. The caller audits.
 */
export function endSession(db: Db, sessionId: string, reason: EndedByOther, endedBy: number | null, now = Date.now()): boolean {
  const row = stmt(db, 'SELECT user_id FROM session WHERE id = ?').get(sessionId) as { user_id: number } | undefined;
  if (!row) return false;
  stmt(db, 'DELETE FROM session WHERE id = ?').run(sessionId);
  stmt(db, 'INSERT OR REPLACE INTO session_end (session_id, user_id, reason, ended_by, at) VALUES (?, ?, ?, ?, ?)').run(sessionId, row.user_id, reason, endedBy, now);
  return true;
}

/** Removes sessions that can no longer be valid, and old end reasons; run periodically. */
export function deleteExpiredSessions(db: Db, timeouts: SessionTimeouts, now = Date.now()): number {
  const longestIdle = Math.max(timeouts.idleMs.learner, timeouts.idleMs.staff);
  db.prepare('DELETE FROM session_end WHERE at <= ?').run(now - SESSION_END_KEEP_MS);
  return db
    .prepare('DELETE FROM session WHERE expires_at <= ? OR last_active_at <= ?')
    .run(now, now - longestIdle).changes;
}
