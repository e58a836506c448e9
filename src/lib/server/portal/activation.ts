import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { ACCOUNT_RULES, ADDRESS_RULES, checkThrottle, clearThrottle, recordFailure } from '../login-throttle.ts';
import { hashSecret } from '../password.ts';
import { can } from '../policy.ts';
import { invalidateUserSessions, type SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { codePrefix, generateActivationCode, hashActivationCode, normalizeActivationCode } from './activation-code.ts';
import { freeSignInName } from './sign-in-name.ts';

/**
 * One-time activation codes of the released-person portal. Staff issue a code
 * for a released learner (printed once, valid 90 days); the person gives the
 * code and their birth date and chooses a password for their 'released'
 * account. A new code supersedes the open one: that is also how a lost
 * password is reset (the password is replaced and every session ends when the
 * new code is used). The code itself is never stored nor logged.
 */

export const CODE_VALID_MS = 90 * 24 * 3_600_000;

export type IssueError =
  | 'auth.forbidden'
  | 'learner.notFound'
  | 'activation.notReleased'
  | 'activation.birthDateRequired'
  | 'activation.birthYearMismatch'
  | 'activation.birthDateInvalid';

export interface IssuedCode {
  /** The code as printed (`K7QM-3XPA-9TWD`): shown once, never stored. */
  code: string;
  username: string;
  expiresAt: string;
  /** True when an earlier code was superseded (a re-issue, e.g. a lost password). */
  reissue: boolean;
}

export type IssueResult = { ok: true; issued: IssuedCode } | { ok: false; code: IssueError };

interface LearnerRow {
  id: number;
  given_names: string;
  surname: string;
  birth_year: number | null;
  birth_date: string | null;
  status: string;
  portal_user_id: number | null;
  facility_id: number | null;
  preferred_locale: string;
}

function learnerRow(db: Db, learnerId: number): LearnerRow | undefined {
  return stmt(
    db,
    `SELECT l.id, l.given_names, l.surname, l.birth_year, l.birth_date, l.status, l.portal_user_id,
            u.facility_id, u.preferred_locale
     FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?`,
  ).get(learnerId) as LearnerRow | undefined;
}

/** Checks a birth date staff entered against the register's birth year; null when it is acceptable. */
function birthDateProblem(date: string, birthYear: number | null, today: string): IssueError | null {
  if (date > today || date < '1900-01-01') return 'activation.birthDateInvalid';
  if (birthYear !== null && Number(date.slice(0, 4)) !== birthYear) return 'activation.birthYearMismatch';
  return null;
}

/**
 * Issues a new activation code for a released learner (capability
 * 'portal:activate' in the learner's last prison). The first code also
 * creates the released account (inactive, without a password) so that its
 * sign-in name can be printed on the sheet. `birthDate` is required when the
 * record has none; when given it replaces the recorded one.
 */
export function issueActivationCode(
  db: Db,
  actor: SessionUser,
  learnerId: number,
  input: { birthDate: string | null },
  now = new Date(),
): IssueResult {
  return db
    .transaction((): IssueResult => {
      const learner = learnerRow(db, learnerId);
      if (!learner) return { ok: false, code: 'learner.notFound' };
      if (!can(actor, 'portal:activate', { facilityId: learner.facility_id })) return { ok: false, code: 'auth.forbidden' };
      if (learner.status !== 'released') return { ok: false, code: 'activation.notReleased' };
      const at = now.toISOString();
      const birthDate = input.birthDate ?? learner.birth_date;
      if (!birthDate) return { ok: false, code: 'activation.birthDateRequired' };
      if (input.birthDate && input.birthDate !== learner.birth_date) {
        const problem = birthDateProblem(input.birthDate, learner.birth_year, at.slice(0, 10));
        if (problem) return { ok: false, code: problem };
        stmt(db, 'UPDATE learner SET birth_date = ?, birth_year = ?, updated_at = ? WHERE id = ?').run(
          input.birthDate,
          Number(input.birthDate.slice(0, 4)),
          at,
          learnerId,
        );
      }

      let userId = learner.portal_user_id;
      let username: string;
      if (userId === null) {
        username = freeSignInName(db, learner.given_names, learner.surname);
        userId = Number(
          stmt(
            db,
            `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, active, created_at, updated_at)
             VALUES ('released', ?, ?, NULL, NULL, ?, 0, ?, ?)`,
          ).run(username, `${learner.given_names} ${learner.surname}`, learner.preferred_locale, at, at).lastInsertRowid,
        );
        stmt(db, 'UPDATE learner SET portal_user_id = ?, updated_at = ? WHERE id = ?').run(userId, at, learnerId);
      } else {
        username = stmt(db, 'SELECT username FROM user WHERE id = ?').pluck().get(userId) as string;
      }

      const superseded = stmt(
        db,
        'UPDATE portal_activation SET superseded_at = ? WHERE learner_id = ? AND used_at IS NULL AND superseded_at IS NULL',
      ).run(at, learnerId).changes;
      const reissue = superseded > 0 || (stmt(db, 'SELECT count(*) FROM portal_activation WHERE learner_id = ?').pluck().get(learnerId) as number) > 0;
      const code = generateActivationCode();
      const expiresAt = new Date(now.getTime() + CODE_VALID_MS).toISOString();
      stmt(
        db,
        `INSERT INTO portal_activation (learner_id, code_hash, user_id, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(learnerId, hashActivationCode(normalizeActivationCode(code)!), userId, actor.id, at, expiresAt);
      appendAudit(
        db,
        {
          actor: auditActor(actor),
          action: 'portal.codeIssued',
          targetType: 'learner',
          targetId: learnerId,
          facilityId: learner.facility_id,
          details: { userId, username, expiresAt, superseded, birthDateChanged: Boolean(input.birthDate && input.birthDate !== learner.birth_date) },
        },
        now,
      );
      return { ok: true, issued: { code, username, expiresAt, reissue } };
    })
    .immediate();
}

/** What staff see about a learner's portal access (never a code). */
export interface PortalStatus {
  username: string | null;
  /** The account has a password and may sign in. */
  active: boolean;
  birthDate: string | null;
  birthYear: number | null;
  /** The open code's expiry, if one is open. */
  openCodeExpiresAt: string | null;
  lastActivatedAt: string | null;
}

export function getPortalStatus(db: Db, learnerId: number): PortalStatus | null {
  const row = stmt(
    db,
    `SELECT u.username, u.active, l.birth_date, l.birth_year,
            (SELECT expires_at FROM portal_activation a WHERE a.learner_id = l.id AND a.used_at IS NULL AND a.superseded_at IS NULL) AS open_expires,
            (SELECT max(used_at) FROM portal_activation a WHERE a.learner_id = l.id) AS last_used
     FROM learner l LEFT JOIN user u ON u.id = l.portal_user_id WHERE l.id = ?`,
  ).get(learnerId) as
    | { username: string | null; active: number | null; birth_date: string | null; birth_year: number | null; open_expires: string | null; last_used: string | null }
    | undefined;
  if (!row) return null;
  return {
    username: row.username,
    active: row.active === 1,
    birthDate: row.birth_date,
    birthYear: row.birth_year,
    openCodeExpiresAt: row.open_expires,
    lastActivatedAt: row.last_used,
  };
}

// --- Activation by the released person -------------------------------------

export interface ActivationInput {
  /** The code as typed (dashes and spaces allowed). */
  code: string;
  /** YYYY-MM-DD. */
  birthDate: string;
}

export type ActivationError =
  /** Code or birth date wrong: deliberately not saying which. */
  | 'activation.invalid'
  /** Right code and birth date, but the code is past its 90 days. */
  | 'activation.expired'
  /** Right code and birth date, but the code was used or replaced by a newer one. */
  | 'activation.used'
  | 'activation.throttled'
  | 'activation.locked';

export type ActivationCheck =
  | { ok: true; username: string; reactivation: boolean }
  | { ok: false; code: ActivationError; retryAfterMs?: number };

interface CodeRow {
  id: number;
  learner_id: number;
  user_id: number;
  expires_at: string;
  used_at: string | null;
  superseded_at: string | null;
  birth_date: string | null;
  username: string;
  secret_hash: string | null;
}

const throttleKeys = (normalized: string | null, ip: string | null) =>
  [
    [`activation:code:${normalized ? codePrefix(normalized) : 'malformed'}`, ACCOUNT_RULES],
    [`activation:ip:${ip ?? 'unknown'}`, ADDRESS_RULES],
  ] as const;

function findCode(db: Db, normalized: string): CodeRow | undefined {
  return stmt(
    db,
    `SELECT a.id, a.learner_id, a.user_id, a.expires_at, a.used_at, a.superseded_at, l.birth_date, u.username, u.secret_hash
     FROM portal_activation a JOIN learner l ON l.id = a.learner_id JOIN user u ON u.id = a.user_id
     WHERE a.code_hash = ?`,
  ).get(hashActivationCode(normalized)) as CodeRow | undefined;
}

/**
 * Checks code and birth date without changing anything but the throttle:
 * the first step of the activation page, and again (inside the transaction)
 * before the password is set. Every failure counts against the code's first
 * group and the client address; a locked key answers nothing else.
 */
export function checkActivation(db: Db, input: ActivationInput, ip: string | null, now = new Date()): ActivationCheck {
  const normalized = normalizeActivationCode(input.code);
  const keys = throttleKeys(normalized, ip);
  const ms = now.getTime();
  for (const [key, rules] of keys) {
    const state = checkThrottle(db, key, rules, ms);
    if (!state.allowed) return { ok: false, code: state.locked ? 'activation.locked' : 'activation.throttled', retryAfterMs: state.retryAfterMs };
  }
  const row = normalized ? findCode(db, normalized) : undefined;
  const matches = row !== undefined && row.birth_date !== null && row.birth_date === input.birthDate;
  let code: ActivationError | null = null;
  if (!matches) code = 'activation.invalid';
  else if (row.used_at !== null || row.superseded_at !== null) code = 'activation.used';
  else if (ms > Date.parse(row.expires_at)) code = 'activation.expired';
  if (code === null) return { ok: true, username: row!.username, reactivation: row!.secret_hash !== null };

  return db
    .transaction((): ActivationCheck => {
      const results = keys.map(([key, rules]) => recordFailure(db, key, rules, ms));
      const locked = results.some((r) => r.locked);
      appendAudit(
        db,
        {
          actor: { id: null, label: 'portal' },
          action: locked ? 'portal.activationLocked' : 'portal.activationFailed',
          targetType: matches ? 'learner' : null,
          targetId: matches ? row.learner_id : null,
          ip,
          details: { reason: code, failures: results[0]!.failures },
        },
        now,
      );
      if (locked) return { ok: false, code: 'activation.locked', retryAfterMs: Math.max(...results.map((r) => r.blockedUntil)) - ms };
      return { ok: false, code };
    })
    .immediate();
}

export type ActivationResult = { ok: true; username: string } | { ok: false; code: ActivationError; retryAfterMs?: number };

/**
 * The second step: the person's new password (already validated by the
 * staff password rule). In one transaction: the code is checked again and
 * marked used, the account gets the password and is activated, its sessions
 * end (a re-activation after a lost password), and it is linked to the
 * learner. A second use of the same code fails as 'activation.used'.
 */
export async function activateAccount(
  db: Db,
  input: ActivationInput & { password: string },
  ip: string | null,
  now = new Date(),
): Promise<ActivationResult> {
  const first = checkActivation(db, input, ip, now);
  if (!first.ok) return first;
  const hash = await hashSecret(input.password);
  const normalized = normalizeActivationCode(input.code)!;
  return db
    .transaction((): ActivationResult => {
      // Another request may have used the code while the password was hashed.
      const row = findCode(db, normalized);
      if (!row || row.used_at !== null || row.superseded_at !== null) return { ok: false, code: 'activation.used' };
      const at = now.toISOString();
      const claimed = stmt(db, 'UPDATE portal_activation SET used_at = ? WHERE id = ? AND used_at IS NULL AND superseded_at IS NULL').run(at, row.id).changes;
      if (claimed !== 1) return { ok: false, code: 'activation.used' };
      stmt(db, 'UPDATE user SET secret_hash = ?, active = 1, updated_at = ? WHERE id = ?').run(hash, at, row.user_id);
      stmt(db, 'UPDATE learner SET portal_user_id = ?, updated_at = ? WHERE id = ?').run(row.user_id, at, row.learner_id);
      const sessionsEnded = invalidateUserSessions(db, row.user_id);
      for (const [key] of throttleKeys(normalized, null).slice(0, 1)) clearThrottle(db, key);
      appendAudit(
        db,
        {
          actor: { id: row.user_id, label: row.username },
          action: 'portal.activated',
          targetType: 'user',
          targetId: row.user_id,
          ip,
          details: { learnerId: row.learner_id, reactivation: row.secret_hash !== null, sessionsEnded },
        },
        now,
      );
      return { ok: true, username: row.username };
    })
    .immediate();
}
