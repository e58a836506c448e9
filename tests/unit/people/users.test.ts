import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { verifySecret } from '../../../src/lib/server/password.ts';
import { createSession, generateSessionToken } from '../../../src/lib/server/session.ts';
import {
  changeOwnPassword,
  countUsersByRole,
  createUser,
  getFacilityGrants,
  getUser,
  listUsers,
  resetPassword,
  setFacilityGrants,
  setUserActive,
  updateUser,
} from '../../../src/lib/server/people/users.ts';
import { auditActions, createPrison, TEST_TIMEOUTS, type Person, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const latestAudit = () => listAudit(p.db, {}).entries[0];
const storedHash = (userId: number) => p.db.prepare('SELECT secret_hash FROM user WHERE id = ?').pluck().get(userId) as string;
const sessionsOf = (person: Person) => p.db.prepare('SELECT count(*) FROM session WHERE user_id = ?').pluck().get(person.user.id);
function openSessions(person: Person, n: number) {
  for (let i = 0; i < n; i++) createSession(p.db, generateSessionToken(), person.user.id, TEST_TIMEOUTS, { ip: null, userAgent: null });
}
const newTeacher = { role: 'teacher' as const, username: 'daiga.berzina', displayName: 'Daiga Bērziņa', preferredLocale: 'lv' as const };

describe('creating accounts', () => {
  test('admin creates a teacher with a temporary password that works and is never logged', async () => {
    const r = await createUser(p.db, p.admin.user, { ...newTeacher, facilityId: p.facilityA.id });
    if (!r.ok) throw new Error(r.code);
    expect(r.user).toMatchObject({ role: 'teacher', username: 'daiga.berzina', facilityId: p.facilityA.id, active: true });
    expect(await verifySecret(storedHash(r.user.id), r.password)).toBe(true);
    expect(latestAudit()).toMatchObject({
      action: 'user.create',
      actorUserId: p.admin.user.id,
      targetId: String(r.user.id),
      details: { role: 'teacher', username: 'daiga.berzina' },
    });
    expect(JSON.stringify(p.db.prepare('SELECT * FROM audit_log').all())).not.toContain(r.password);
  });

  test('a username already in use, in any letter case, is refused', async () => {
    const r = await createUser(p.db, p.admin.user, { ...newTeacher, username: p.teacher.login.toUpperCase(), facilityId: p.facilityA.id }, 'x');
    expect(r).toEqual({ ok: false, code: 'user.usernameTaken' });
    expect(auditActions(p.db)).toEqual([]);
  });

  test('a teacher must belong to a facility', async () => {
    expect(await createUser(p.db, p.admin.user, { ...newTeacher, facilityId: null })).toEqual({ ok: false, code: 'user.facilityRequired' });
  });

  test('education staff cannot create accounts', async () => {
    expect(await createUser(p.db, p.educationStaff.user, { ...newTeacher, facilityId: p.facilityA.id })).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(listUsers(p.db, { q: 'daiga' }).total).toBe(0);
  });
});

describe('editing accounts', () => {
  test('admin moves a teacher to another prison; the change is audited with before and after', () => {
    const r = updateUser(p.db, p.admin.user, p.teacher.user.id, { displayName: 'Jānis Liepa-Ozols', facilityId: p.facilityB.id, preferredLocale: 'en' });
    expect(r).toMatchObject({ ok: true, user: { displayName: 'Jānis Liepa-Ozols', facilityId: p.facilityB.id, preferredLocale: 'en' } });
    expect(latestAudit()).toMatchObject({
      action: 'user.update',
      targetId: String(p.teacher.user.id),
      details: { before: { displayName: 'Jānis Liepa', facilityId: p.facilityA.id }, after: { facilityId: p.facilityB.id } },
    });
  });

  test('learner accounts are edited as learners, not as users', () => {
    expect(updateUser(p.db, p.admin.user, p.learner.user.id, { displayName: 'X', facilityId: p.facilityA.id, preferredLocale: 'lv' })).toEqual({
      ok: false,
      code: 'user.isLearner',
    });
  });

  test('a supervisor cannot be left without a facility, and an unknown user is reported', () => {
    expect(updateUser(p.db, p.admin.user, p.supervisor.user.id, { displayName: 'A', facilityId: null, preferredLocale: 'lv' })).toEqual({
      ok: false,
      code: 'user.facilityRequired',
    });
    expect(updateUser(p.db, p.admin.user, 9999, { displayName: 'A', facilityId: null, preferredLocale: 'lv' })).toEqual({ ok: false, code: 'user.notFound' });
  });

  test('nobody but an admin edits accounts', () => {
    for (const who of [p.educationStaff, p.teacher, p.supervisor, p.learner, p.released]) {
      expect(updateUser(p.db, who.user, p.teacher.user.id, { displayName: 'X', facilityId: p.facilityA.id, preferredLocale: 'lv' })).toEqual({
        ok: false,
        code: 'auth.forbidden',
      });
    }
    expect(getUser(p.db, p.teacher.user.id)?.displayName).toBe('Jānis Liepa');
    expect(auditActions(p.db)).toEqual([]);
  });

  test('the list of users filters by role, facility and name', () => {
    expect(listUsers(p.db, { role: 'education_staff' }).users.map((u) => u.username).sort()).toEqual(['ieva.ozola', 'marina.petrova']);
    expect(listUsers(p.db, { facilityId: p.facilityB.id }).total).toBe(2);
    expect(listUsers(p.db, { q: 'A-100' }).users.map((u) => u.inmateNumber)).toEqual(['A-1001']);
    expect(listUsers(p.db, { active: false }).users.map((u) => u.id)).toEqual([p.formerLearner.user.id]);
  });
});

describe('deactivating accounts', () => {
  test('deactivating a teacher ends all their sessions at once and is audited', () => {
    openSessions(p.teacher, 2);
    openSessions(p.supervisor, 1);
    const r = setUserActive(p.db, p.admin.user, p.teacher.user.id, false);
    expect(r).toMatchObject({ ok: true, user: { active: false } });
    expect(sessionsOf(p.teacher)).toBe(0);
    expect(sessionsOf(p.supervisor)).toBe(1);
    expect(latestAudit()).toMatchObject({ action: 'user.deactivate', targetId: String(p.teacher.user.id), details: { sessionsEnded: 2 } });
    expect(countUsersByRole(p.db).teacher).toBe(0);
  });

  test('an admin cannot deactivate themselves', () => {
    expect(setUserActive(p.db, p.admin.user, p.admin.user.id, false)).toEqual({ ok: false, code: 'user.notSelf' });
    expect(getUser(p.db, p.admin.user.id)?.active).toBe(true);
  });

  test('a deactivated account can be reactivated', () => {
    setUserActive(p.db, p.admin.user, p.teacher.user.id, false);
    expect(setUserActive(p.db, p.admin.user, p.teacher.user.id, true)).toMatchObject({ ok: true, user: { active: true } });
    expect(auditActions(p.db)).toEqual(['user.deactivate', 'user.activate']);
  });

  test('education staff cannot deactivate a colleague', () => {
    expect(setUserActive(p.db, p.educationStaff.user, p.teacher.user.id, false)).toEqual({ ok: false, code: 'auth.forbidden' });
  });
});

describe('credentials', () => {
  test('admin resets a teacher\'s password: the new one works, the old one does not, sessions end', async () => {
    openSessions(p.teacher, 1);
    const r = await resetPassword(p.db, p.admin.user, p.teacher.user.id);
    if (!r.ok) throw new Error(r.code);
    const hash = storedHash(p.teacher.user.id);
    expect(await verifySecret(hash, r.password)).toBe(true);
    expect(await verifySecret(hash, p.teacher.secret)).toBe(false);
    expect(sessionsOf(p.teacher)).toBe(0);
    expect(latestAudit()).toMatchObject({ action: 'user.passwordReset', actorUserId: p.admin.user.id, targetId: String(p.teacher.user.id), details: { sessionsEnded: 1 } });
    expect(JSON.stringify(latestAudit())).not.toContain(r.password);
  });

  test('a learner\'s PIN is not reset as a password, and only admins reset passwords', async () => {
    expect(await resetPassword(p.db, p.admin.user, p.learner.user.id)).toEqual({ ok: false, code: 'user.isLearner' });
    expect(await resetPassword(p.db, p.educationStaff.user, p.teacher.user.id)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(await resetPassword(p.db, p.admin.user, 9999)).toEqual({ ok: false, code: 'user.notFound' });
  });

  test('a supervisor changes their own password after giving the current one', async () => {
    expect(await changeOwnPassword(p.db, p.supervisor.user, 'not-my-password', 'new-password-123')).toEqual({ ok: false, code: 'auth.wrongPassword' });
    expect(await changeOwnPassword(p.db, p.supervisor.user, p.supervisor.secret, 'new-password-123')).toEqual({ ok: true });
    expect(await verifySecret(storedHash(p.supervisor.user.id), 'new-password-123')).toBe(true);
    expect(latestAudit()).toMatchObject({ action: 'user.passwordChange', actorUserId: p.supervisor.user.id });
  });

  test('a learner cannot change a password through the staff account page', async () => {
    expect(await changeOwnPassword(p.db, p.learner.user, p.learner.secret, 'new-password-123')).toEqual({ ok: false, code: 'auth.forbidden' });
  });
});

describe('facility grants', () => {
  test('admin grants education staff a second prison; the grant is audited', () => {
    const r = setFacilityGrants(p.db, p.admin.user, p.educationStaff.user.id, [p.facilityB.id, p.facilityA.id]);
    expect(r.ok).toBe(true);
    // The home facility is not a grant.
    expect(getFacilityGrants(p.db, p.educationStaff.user.id)).toEqual([p.facilityB.id]);
    expect(latestAudit()).toMatchObject({ action: 'user.facilityGrants', details: { before: [], after: [p.facilityB.id] } });
    setFacilityGrants(p.db, p.admin.user, p.educationStaff.user.id, []);
    expect(getFacilityGrants(p.db, p.educationStaff.user.id)).toEqual([]);
  });

  test('learners get no grants, and only admins give them', () => {
    expect(setFacilityGrants(p.db, p.admin.user, p.learner.user.id, [p.facilityB.id])).toEqual({ ok: false, code: 'user.isLearner' });
    expect(setFacilityGrants(p.db, p.educationStaff.user, p.educationStaff.user.id, [p.facilityB.id])).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(getFacilityGrants(p.db, p.educationStaff.user.id)).toEqual([]);
  });
});

test('after all these changes the audit chain still verifies', () => {
  setUserActive(p.db, p.admin.user, p.teacher.user.id, false);
  updateUser(p.db, p.admin.user, p.supervisor.user.id, { displayName: 'A', facilityId: p.facilityB.id, preferredLocale: 'ru' });
  expect(verifyAuditChain(p.db)).toEqual({ ok: true, count: 2 });
});
