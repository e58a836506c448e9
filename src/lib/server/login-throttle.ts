import { stmt, type Db } from './db.ts';

/**
 * Login throttling, kept in the database so that a restart does not reset it.
 * Each failure for an account (or a client address) pushes the next allowed
 * attempt further out; after enough failures the key is locked for a while.
 */
export interface ThrottleRules {
  /** Failures allowed before any delay. */
  freeFailures: number;
  /** Delay after the first delayed failure; doubles with each further one. */
  baseDelayMs: number;
  /** Failures that lock the key. */
  lockAfter: number;
  lockMs: number;
  /** A quiet period after which the count starts again. */
  forgetAfterMs: number;
}

export const ACCOUNT_RULES: ThrottleRules = {
  freeFailures: 3,
  baseDelayMs: 2_000,
  lockAfter: 8,
  lockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

// A terminal room or a staff office may share an address: looser per-address rules.
export const ADDRESS_RULES: ThrottleRules = {
  freeFailures: 10,
  baseDelayMs: 1_000,
  lockAfter: 30,
  lockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export type ThrottleState = { allowed: true } | { allowed: false; retryAfterMs: number; locked: boolean };

interface Row {
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export function checkThrottle(db: Db, key: string, rules: ThrottleRules, now = Date.now()): ThrottleState {
  const row = stmt(db, 'SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE key = ?').get(key) as
    | Row
    | undefined;
  if (!row || row.blocked_until <= now) return { allowed: true };
  return { allowed: false, retryAfterMs: row.blocked_until - now, locked: row.failures >= rules.lockAfter };
}

/**
 * Records a failure; returns the new count and whether this failure locks the
 * key (the one reaching `lockAfter`, and any further one once a lock has run out).
 */
export function recordFailure(
  db: Db,
  key: string,
  rules: ThrottleRules,
  now = Date.now(),
): { failures: number; locked: boolean; blockedUntil: number } {
  const row = stmt(db, 'SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE key = ?').get(key) as
    | Row
    | undefined;
  const stale = !row || now - row.last_failure_at > rules.forgetAfterMs;
  const failures = stale ? 1 : row.failures + 1;
  let blockedUntil = 0;
  if (failures >= rules.lockAfter) blockedUntil = now + rules.lockMs;
  else if (failures > rules.freeFailures) blockedUntil = now + rules.baseDelayMs * 2 ** (failures - rules.freeFailures - 1);
  stmt(
    db,
    `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
       blocked_until = excluded.blocked_until`,
  ).run(key, failures, now, blockedUntil);
  return { failures, locked: failures >= rules.lockAfter, blockedUntil };
}

export function clearThrottle(db: Db, key: string): void {
  stmt(db, 'DELETE FROM login_throttle WHERE key = ?').run(key);
}
