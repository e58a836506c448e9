import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createSession,
  deleteExpiredSessions,
  generateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  sessionIdFromToken,
  TOUCH_INTERVAL_MS,
  touchSession,
  validateSessionToken,
} from '../../../src/lib/server/session.ts';
import { createPrison, grantFacility, TEST_TIMEOUTS, type Person, type Prison } from '../../helpers/fixture.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const meta = { ip: '10.1.2.3', userAgent: 'kiosk' };

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

function open(person: Person, at = T0): string {
  const token = generateSessionToken();
  createSession(p.db, token, person.user.id, TEST_TIMEOUTS, meta, at);
  return token;
}
const check = (token: string, at: number, touch = true) => validateSessionToken(p.db, token, TEST_TIMEOUTS, at, { touch });
const sessionCount = () => p.db.prepare('SELECT count(*) FROM session').pluck().get();
const lastActive = (token: string) => p.db.prepare('SELECT last_active_at FROM session WHERE id = ?').pluck().get(sessionIdFromToken(token));

describe('session tokens', () => {
  test('a token carries at least 128 bits of randomness and every sign-in gets a new one', () => {
    const tokens = Array.from({ length: 100 }, generateSessionToken);
    for (const token of tokens) {
      expect(token).toMatch(/^[a-z2-7]+$/); // base32
      expect(token.length * 5).toBeGreaterThanOrEqual(128);
    }
    expect(new Set(tokens).size).toBe(100);
  });

  test('the database keeps only the SHA-256 of the token, never the token itself', () => {
    const token = open(p.learner);
    const rows = p.db.prepare('SELECT * FROM session').all();
    expect(rows).toHaveLength(1);
    expect((rows[0] as { id: string }).id).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe('validating a session', () => {
  test('a fresh session gives back the signed-in learner as pages see them', () => {
    const token = open(p.learner);
    const v = check(token, T0 + 1000);
    expect(v.user).toEqual(p.learner.user);
    expect(v.session).toMatchObject({ userId: p.learner.user.id, createdAt: T0, expiresAt: T0 + TEST_TIMEOUTS.sessionMaxMs });
  });

  test('an unknown token is no session, and nothing ended', () => {
    open(p.learner);
    expect(check(generateSessionToken(), T0)).toEqual({ session: null, user: null, ended: null });
  });

  test('a staff member granted another prison sees both prisons in facilityIds', () => {
    const user = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    const v = check(open(p.educationStaff), T0);
    expect(v.user?.facilityIds.sort()).toEqual([p.facilityA.id, p.facilityB.id].sort());
    expect(v.user).toEqual({ ...user, facilityIds: v.user?.facilityIds });
  });

  test('learner is signed out after 15 idle minutes', () => {
    expect(TEST_TIMEOUTS.idleMs.learner).toBe(15 * MIN);
    const token = open(p.learner);
    expect(check(token, T0 + 15 * MIN - 1, false).user).not.toBeNull();
    expect(check(token, T0 + 15 * MIN)).toEqual({ session: null, user: null, ended: 'idle', userId: p.learner.user.id });
    expect(sessionCount()).toBe(0);
  });

  test('teacher stays signed in for 30 idle minutes, not 15', () => {
    expect(TEST_TIMEOUTS.idleMs.staff).toBe(30 * MIN);
    const token = open(p.teacher);
    expect(check(token, T0 + 15 * MIN, false).user?.id).toBe(p.teacher.user.id);
    expect(check(token, T0 + 30 * MIN - 1, false).user?.id).toBe(p.teacher.user.id);
    expect(check(token, T0 + 30 * MIN)).toMatchObject({ session: null, ended: 'idle' });
  });

  test('activity moves the idle limit forward', () => {
    const token = open(p.learner);
    expect(check(token, T0 + 10 * MIN).session?.idleExpiresAt).toBe(T0 + 25 * MIN);
    expect(check(token, T0 + 20 * MIN).user).not.toBeNull();
  });

  test('a session ends at its absolute limit however active the user is', () => {
    const token = open(p.teacher);
    let at = T0;
    while (at + 20 * MIN < T0 + TEST_TIMEOUTS.sessionMaxMs) {
      at += 20 * MIN;
      expect(check(token, at).user).not.toBeNull();
    }
    expect(check(token, T0 + TEST_TIMEOUTS.sessionMaxMs)).toMatchObject({ session: null, ended: 'expired' });
  });

  test('the idle deadline shown to the user never passes the absolute limit', () => {
    const token = open(p.teacher);
    const nearEnd = T0 + TEST_TIMEOUTS.sessionMaxMs - 5 * MIN;
    p.db.prepare('UPDATE session SET last_active_at = ?').run(nearEnd - 2 * MIN);
    expect(check(token, nearEnd).session?.idleExpiresAt).toBe(T0 + TEST_TIMEOUTS.sessionMaxMs);
  });

  test('activity is written only once per TOUCH_INTERVAL_MS', () => {
    const token = open(p.learner);
    check(token, T0 + TOUCH_INTERVAL_MS - 1);
    expect(lastActive(token)).toBe(T0);
    check(token, T0 + TOUCH_INTERVAL_MS);
    expect(lastActive(token)).toBe(T0 + TOUCH_INTERVAL_MS);
  });

  test('a validation with touch: false records no activity', () => {
    const token = open(p.learner);
    check(token, T0 + 5 * MIN, false);
    expect(lastActive(token)).toBe(T0);
  });

  test('"stay signed in" records activity now', () => {
    const token = open(p.learner);
    touchSession(p.db, sessionIdFromToken(token), T0 + 14 * MIN);
    expect(check(token, T0 + 20 * MIN).user).not.toBeNull();
  });

  test('a deactivated user is signed out at the next request', () => {
    const token = open(p.teacher);
    p.db.prepare('UPDATE user SET active = 0 WHERE id = ?').run(p.teacher.user.id);
    expect(check(token, T0 + 1000)).toEqual({ session: null, user: null, ended: 'barred', userId: p.teacher.user.id });
    expect(sessionCount()).toBe(0);
  });

  test('a learner no longer in custody is signed out even though the account is active', () => {
    const token = open(p.learner);
    p.db.prepare("UPDATE learner SET status = 'released' WHERE id = ?").run(p.learner.learnerId);
    expect(check(token, T0 + 1000)).toMatchObject({ session: null, ended: 'barred' });
  });
});

describe('ending sessions', () => {
  test('signing out ends that one session only', () => {
    const a = open(p.learner);
    const b = open(p.learner);
    invalidateSession(p.db, sessionIdFromToken(a));
    expect(check(a, T0).user).toBeNull();
    expect(check(b, T0).user).not.toBeNull();
  });

  test('"sign out everywhere" ends all of the user\'s sessions and nobody else\'s', () => {
    const mine = [open(p.teacher), open(p.teacher), open(p.teacher)];
    const theirs = open(p.supervisor);
    expect(invalidateUserSessions(p.db, p.teacher.user.id)).toBe(3);
    for (const t of mine) expect(check(t, T0).user).toBeNull();
    expect(check(theirs, T0).user?.id).toBe(p.supervisor.user.id);
  });

  test('the sweep removes expired and long-idle sessions and keeps live ones', () => {
    const now = T0 + TEST_TIMEOUTS.sessionMaxMs;
    open(p.teacher, T0); // absolute limit reached
    const idle = open(p.supervisor, now - 2 * TEST_TIMEOUTS.idleMs.staff);
    p.db.prepare('UPDATE session SET expires_at = ? WHERE id = ?').run(now + 60 * MIN, sessionIdFromToken(idle));
    const live = open(p.learner, now - MIN);
    expect(deleteExpiredSessions(p.db, TEST_TIMEOUTS, now)).toBe(2);
    expect(p.db.prepare('SELECT id FROM session').pluck().all()).toEqual([sessionIdFromToken(live)]);
  });
});
