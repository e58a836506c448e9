import { stmt, type Db } from '../db.ts';
import { appendAudit, type AuditActor } from '../audit.ts';
import { generatePassword, hashSecret, verifySecret } from '../password.ts';
import { can } from '../policy.ts';
import { invalidateUserSessions, type SessionUser } from '../session.ts';
import type { Locale, Role } from '../../shared/domain.ts';

/** A user account as the administration pages see it. */
export interface UserRecord {
  id: number;
  role: Role;
  username: string | null;
  displayName: string;
  facilityId: number | null;
  facilityName: string | null;
  preferredLocale: Locale;
  active: boolean;
  createdAt: string;
  /** Set for learner accounts. */
  inmateNumber: string | null;
  learnerId: number | null;
}

interface UserRow {
  id: number;
  role: Role;
  username: string | null;
  display_name: string;
  facility_id: number | null;
  facility_name: string | null;
  preferred_locale: Locale;
  active: number;
  created_at: string;
  inmate_number: string | null;
  learner_id: number | null;
}

const SELECT_USER = `
  SELECT u.id, u.role, u.username, u.display_name, u.facility_id, f.name AS facility_name,
         u.preferred_locale, u.active, u.created_at, l.inmate_number, l.id AS learner_id
  FROM user u
  LEFT JOIN facility f ON f.id = u.facility_id
  LEFT JOIN learner l ON l.user_id = u.id`;

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    role: r.role,
    username: r.username,
    displayName: r.display_name,
    facilityId: r.facility_id,
    facilityName: r.facility_name,
    preferredLocale: r.preferred_locale,
    active: r.active === 1,
    createdAt: r.created_at,
    inmateNumber: r.inmate_number,
    learnerId: r.learner_id,
  };
}

/** The audit log's name for a signed-in user. */
export function auditActor(user: Pick<SessionUser, 'id' | 'username' | 'displayName'>): AuditActor {
  return { id: user.id, label: user.username ?? user.displayName };
}

export function getUser(db: Db, id: number): UserRecord | null {
  const row = stmt(db, `${SELECT_USER} WHERE u.id = ?`).get(id) as UserRow | undefined;
  return row ? toUser(row) : null;
}

export interface UserFilter {
  role?: Role | undefined;
  facilityId?: number | undefined;
  /** Part of a name, username or inmate number. */
  q?: string | undefined;
  active?: boolean | undefined;
}

export const USER_PAGE_SIZE = 100;

export function listUsers(db: Db, filter: UserFilter, offset = 0): { users: UserRecord[]; total: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.role) (where.push('u.role = @role'), (params.role = filter.role));
  if (filter.facilityId) (where.push('u.facility_id = @facility'), (params.facility = filter.facilityId));
  if (filter.active !== undefined) (where.push('u.active = @active'), (params.active = filter.active ? 1 : 0));
  if (filter.q) {
    where.push("(u.display_name LIKE @q ESCAPE '\\' OR u.username LIKE @q ESCAPE '\\' OR l.inmate_number LIKE @q ESCAPE '\\')");
    params.q = '%' + filter.q.replace(/[%_\\]/g, (c) => '\\' + c) + '%';
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = stmt(db, `SELECT count(*) FROM user u LEFT JOIN learner l ON l.user_id = u.id ${clause}`).pluck().get(params) as number;
  const rows = stmt(db, `${SELECT_USER} ${clause} ORDER BY u.role, u.display_name LIMIT ${USER_PAGE_SIZE} OFFSET @offset`).all({
    ...params,
    offset,
  }) as UserRow[];
  return { users: rows.map(toUser), total };
}

export type UserError =
  | 'auth.forbidden'
  | 'user.notFound'
  | 'user.usernameTaken'
  | 'user.facilityRequired'
  | 'user.notSelf'
  | 'user.isLearner'
  | 'auth.wrongPassword';

export type UserResult<T = UserRecord> = { ok: true; user: T } | { ok: false; code: UserError };

export interface StaffUserInput {
  role: Exclude<Role, 'learner'>;
  username: string;
  displayName: string;
  facilityId: number | null;
  preferredLocale: Locale;
}

function needsFacility(role: Role): boolean {
  return role === 'education_staff' || role === 'teacher' || role === 'supervisor' || role === 'consultant';
}

/** Creates a staff or released-person account with a temporary password, returned once. */
export async function createUser(
  db: Db,
  actor: SessionUser,
  input: StaffUserInput,
  password = generatePassword(),
): Promise<{ ok: true; user: UserRecord; password: string } | { ok: false; code: UserError }> {
  if (!can(actor, 'users:manage')) return { ok: false, code: 'auth.forbidden' };
  if (needsFacility(input.role) && !input.facilityId) return { ok: false, code: 'user.facilityRequired' };
  const hash = await hashSecret(password);
  return db
    .transaction(() => {
      if (stmt(db, 'SELECT 1 FROM user WHERE username = ?').get(input.username)) {
        return { ok: false as const, code: 'user.usernameTaken' as const };
      }
      const now = new Date().toISOString();
      const id = Number(
        stmt(
          db,
          `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(input.role, input.username, input.displayName, input.facilityId, hash, input.preferredLocale, now, now).lastInsertRowid,
      );
      appendAudit(db, {
        actor: auditActor(actor),
        action: 'user.create',
        targetType: 'user',
        targetId: id,
        facilityId: input.facilityId,
        details: { role: input.role, username: input.username },
      });
      return { ok: true as const, user: getUser(db, id)!, password };
    })
    .immediate();
}

/** Changes a staff account's name, home facility and language. */
export function updateUser(
  db: Db,
  actor: SessionUser,
  id: number,
  input: { displayName: string; facilityId: number | null; preferredLocale: Locale },
): UserResult {
  if (!can(actor, 'users:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): UserResult => {
      const before = getUser(db, id);
      if (!before) return { ok: false, code: 'user.notFound' };
      if (before.role === 'learner') return { ok: false, code: 'user.isLearner' };
      if (needsFacility(before.role) && !input.facilityId) return { ok: false, code: 'user.facilityRequired' };
      stmt(db, 'UPDATE user SET display_name = ?, facility_id = ?, preferred_locale = ?, updated_at = ? WHERE id = ?').run(
        input.displayName,
        input.facilityId,
        input.preferredLocale,
        new Date().toISOString(),
        id,
      );
      appendAudit(db, {
        actor: auditActor(actor),
        action: 'user.update',
        targetType: 'user',
        targetId: id,
        facilityId: input.facilityId ?? before.facilityId,
        details: {
          before: { displayName: before.displayName, facilityId: before.facilityId, preferredLocale: before.preferredLocale },
          after: input,
        },
      });
      return { ok: true, user: getUser(db, id)! };
    })
    .immediate();
}

/** Deactivates (ending every session at once) or reactivates an account. */
export function setUserActive(db: Db, actor: SessionUser, id: number, active: boolean): UserResult {
  if (!can(actor, 'users:manage')) return { ok: false, code: 'auth.forbidden' };
  if (id === actor.id) return { ok: false, code: 'user.notSelf' };
  return db
    .transaction((): UserResult => {
      const before = getUser(db, id);
      if (!before) return { ok: false, code: 'user.notFound' };
      stmt(db, 'UPDATE user SET active = ?, updated_at = ? WHERE id = ?').run(active ? 1 : 0, new Date().toISOString(), id);
      const ended = active ? 0 : invalidateUserSessions(db, id);
      appendAudit(db, {
        actor: auditActor(actor),
        action: active ? 'user.activate' : 'user.deactivate',
        targetType: 'user',
        targetId: id,
        facilityId: before.facilityId,
        details: { sessionsEnded: ended },
      });
      return { ok: true, user: getUser(db, id)! };
    })
    .immediate();
}

/**
 * Sets a new secret (password or PIN) chosen by staff, ends the user's
 * sessions and records who did it. The secret itself is never logged.
 */
export async function replaceSecret(
  db: Db,
  actor: AuditActor,
  userId: number,
  secret: string,
  audit: { action: string; facilityId: number | null; targetType?: string; targetId?: number; details?: Record<string, unknown> },
  /** More writes that belong to the same change (run in its transaction, given its timestamp). */
  alsoWrite?: (at: string) => void,
): Promise<void> {
  const hash = await hashSecret(secret);
  db.transaction(() => {
    const at = new Date().toISOString();
    stmt(db, 'UPDATE user SET secret_hash = ?, updated_at = ? WHERE id = ?').run(hash, at, userId);
    alsoWrite?.(at);
    const ended = invalidateUserSessions(db, userId);
    appendAudit(db, {
      actor,
      action: audit.action,
      targetType: audit.targetType ?? 'user',
      targetId: audit.targetId ?? userId,
      facilityId: audit.facilityId,
      details: { sessionsEnded: ended, ...audit.details },
    });
  }).immediate();
}

/** Admin resets a staff or released account's password; returns the temporary password once. */
export async function resetPassword(
  db: Db,
  actor: SessionUser,
  id: number,
): Promise<{ ok: true; password: string } | { ok: false; code: UserError }> {
  if (!can(actor, 'users:manage')) return { ok: false, code: 'auth.forbidden' };
  const user = getUser(db, id);
  if (!user) return { ok: false, code: 'user.notFound' };
  if (user.role === 'learner') return { ok: false, code: 'user.isLearner' };
  const password = generatePassword();
  await replaceSecret(db, auditActor(actor), id, password, { action: 'user.passwordReset', facilityId: user.facilityId });
  return { ok: true, password };
}

/** A staff member changes their own password after giving the current one. */
export async function changeOwnPassword(
  db: Db,
  actor: SessionUser,
  current: string,
  next: string,
): Promise<{ ok: true } | { ok: false; code: UserError }> {
  if (!can(actor, 'account:password')) return { ok: false, code: 'auth.forbidden' };
  const hash = stmt(db, 'SELECT secret_hash FROM user WHERE id = ?').pluck().get(actor.id) as string | null | undefined;
  if (!hash || !(await verifySecret(hash, current))) return { ok: false, code: 'auth.wrongPassword' };
  await replaceSecret(db, auditActor(actor), actor.id, next, { action: 'user.passwordChange', facilityId: actor.facilityId });
  return { ok: true };
}

/** The language the user reads the platform in. */
export function setPreferredLocale(db: Db, userId: number, locale: Locale): void {
  stmt(db, 'UPDATE user SET preferred_locale = ?, updated_at = ? WHERE id = ?').run(locale, new Date().toISOString(), userId);
}

/** Accounts per role (administration overview). */
export function countUsersByRole(db: Db): Record<Role, number> {
  const counts: Record<Role, number> = { admin: 0, education_staff: 0, teacher: 0, supervisor: 0, learner: 0, released: 0, consultant: 0 };
  for (const r of stmt(db, 'SELECT role, count(*) AS n FROM user WHERE active = 1 GROUP BY role').all() as Array<{ role: Role; n: number }>) {
    counts[r.role] = r.n;
  }
  return counts;
}

/** The extra facilities (besides the home one) a staff user may act on. */
export function getFacilityGrants(db: Db, userId: number): number[] {
  return stmt(db, 'SELECT facility_id FROM facility_grant WHERE user_id = ? ORDER BY facility_id').pluck().all(userId) as number[];
}

/** Replaces a staff user's extra facilities; audited with before and after. */
export function setFacilityGrants(db: Db, actor: SessionUser, userId: number, facilityIds: number[]): UserResult {
  if (!can(actor, 'users:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): UserResult => {
      const user = getUser(db, userId);
      if (!user) return { ok: false, code: 'user.notFound' };
      if (user.role === 'learner' || user.role === 'released') return { ok: false, code: 'user.isLearner' };
      const before = getFacilityGrants(db, userId);
      const after = [...new Set(facilityIds)].filter((id) => id !== user.facilityId).sort((a, b) => a - b);
      stmt(db, 'DELETE FROM facility_grant WHERE user_id = ?').run(userId);
      const insert = stmt(db, 'INSERT INTO facility_grant (user_id, facility_id, granted_at) VALUES (?, ?, ?)');
      const now = new Date().toISOString();
      for (const facilityId of after) insert.run(userId, facilityId, now);
      appendAudit(db, {
        actor: auditActor(actor),
        action: 'user.facilityGrants',
        targetType: 'user',
        targetId: userId,
        facilityId: user.facilityId,
        details: { before, after },
      });
      return { ok: true, user };
    })
    .immediate();
}
