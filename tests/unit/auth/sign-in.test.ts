import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { signIn, signOut, type Credentials } from '../../../src/lib/server/auth.ts';
import { ACCOUNT_RULES, ADDRESS_RULES } from '../../../src/lib/server/login-throttle.ts';
import { sessionIdFromToken, validateSessionToken } from '../../../src/lib/server/session.ts';
import { approvedTerminal } from '../../helpers/terminal.ts';
import type { Terminal } from '../../../src/lib/server/terminals/terminals.ts';
import { auditActions, createPrison, TEST_TIMEOUTS, type LearnerPerson, type Person, type Prison } from '../../helpers/fixture.ts';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const ROOM = { ip: '10.20.0.5', userAgent: 'kiosk' };
const OFFICE = { ip: '10.30.0.9', userAgent: 'firefox' };

let p: Prison & { cleanup: () => void };
/** The approved terminal of facility A that learners sign in at (terminal rules: tests/unit/terminals). */
let kiosk: Terminal;
let kioskB: Terminal;
beforeEach(async () => {
  p = await createPrison();
  kiosk = approvedTerminal(p.db, p.facilityA.id);
  kioskB = approvedTerminal(p.db, p.facilityB.id);
});
/** The terminal of the learner's own prison (A for unknown numbers). */
const kioskFor = (c: Credentials) => (c.kind === 'learner' && c.inmateNumber === p.otherLearner.inmateNumber && p.otherLearner.user.facilityId === p.facilityB.id ? kioskB : kiosk);
afterEach(() => p.cleanup());

const asLearner = (l: LearnerPerson, pin = l.secret): Credentials => ({ kind: 'learner', inmateNumber: l.inmateNumber, pin });
const asStaff = (s: Person, password = s.secret): Credentials => ({ kind: 'staff', username: s.login, password });
const attempt = (c: Credentials, at = T0, meta = ROOM) => signIn(p.db, c, meta, TEST_TIMEOUTS, at, { terminal: c.kind === 'learner' ? kioskFor(c) : null });
const latestAudit = () => listAudit(p.db, {}).entries[0];

/** Fails `n` times in a row, each time as soon as the throttle lets the next attempt through; returns the time after the last. */
async function failRepeatedly(c: Credentials, n: number, from = T0, meta = ROOM): Promise<number> {
  let at = from;
  for (let i = 0; i < n; i++) {
    const r = await attempt(c, at, meta);
    expect(r.ok).toBe(false);
    const row = p.db.prepare('SELECT blocked_until FROM login_throttle WHERE key LIKE ?').pluck().get('account:%') as number | undefined;
    at = Math.max(at, row ?? 0);
  }
  return at;
}

describe('signing in', () => {
  test('learner signs in with inmate number and PIN and gets a working session', async () => {
    const r = await attempt(asLearner(p.learner));
    expect(r).toMatchObject({ ok: true, userId: p.learner.user.id, role: 'learner', expiresAt: T0 + TEST_TIMEOUTS.sessionMaxMs });
    if (!r.ok) throw new Error('unreachable');
    expect(validateSessionToken(p.db, r.token, TEST_TIMEOUTS, T0 + 1).user).toEqual(p.learner.user);
  });

  test('every sign-in gets a new token', async () => {
    const a = await attempt(asStaff(p.teacher));
    const b = await attempt(asStaff(p.teacher));
    expect(a.ok && b.ok && a.token !== b.token).toBe(true);
    expect(p.db.prepare('SELECT count(*) FROM session WHERE user_id = ?').pluck().get(p.teacher.user.id)).toBe(2);
  });

  test('released person signs in with username and password', async () => {
    expect(await attempt(asStaff(p.released))).toMatchObject({ ok: true, role: 'released' });
  });

  test('staff usernames are not case-sensitive', async () => {
    expect(await attempt({ kind: 'staff', username: p.teacher.login.toUpperCase(), password: p.teacher.secret })).toMatchObject({ ok: true });
  });

  test('a successful sign-in is audited with who, where and how', async () => {
    await attempt(asLearner(p.learner));
    expect(latestAudit()).toMatchObject({
      action: 'auth.login',
      actorUserId: p.learner.user.id,
      actorLabel: p.learner.inmateNumber,
      targetId: String(p.learner.user.id),
      facilityId: p.facilityA.id,
      ip: ROOM.ip,
      details: { kind: 'learner' },
    });
  });

  test('learner with a wrong PIN is refused and the failure is audited', async () => {
    expect(await attempt(asLearner(p.learner, '0000'))).toEqual({ ok: false, code: 'auth.invalid' });
    expect(latestAudit()).toMatchObject({ action: 'auth.loginFailed', actorUserId: null, targetId: String(p.learner.user.id), details: { failures: 1 } });
    expect(p.db.prepare('SELECT count(*) FROM session').pluck().get()).toBe(0);
  });

  test('an unknown inmate number gets the same answer as a wrong PIN, and is audited', async () => {
    expect(await attempt({ kind: 'learner', inmateNumber: 'X-404', pin: '1234' })).toEqual({ ok: false, code: 'auth.invalid' });
    expect(latestAudit()).toMatchObject({ action: 'auth.loginFailed', actorLabel: 'X-404', targetType: null, targetId: null });
  });

  test('a learner cannot use the staff form, even with the right PIN', async () => {
    expect(await attempt({ kind: 'staff', username: p.learner.inmateNumber, password: p.learner.secret })).toMatchObject({ ok: false, code: 'auth.invalid' });
  });

  test('a deactivated teacher with the right password is told the account is inactive, and it is audited', async () => {
    p.db.prepare('UPDATE user SET active = 0 WHERE id = ?').run(p.teacher.user.id);
    expect(await attempt(asStaff(p.teacher))).toEqual({ ok: false, code: 'auth.inactive' });
    expect(latestAudit()).toMatchObject({ action: 'auth.loginRefused', details: { reason: 'inactive' } });
  });

  test('a deactivated account with a wrong password learns nothing about the account', async () => {
    p.db.prepare('UPDATE user SET active = 0 WHERE id = ?').run(p.teacher.user.id);
    expect(await attempt(asStaff(p.teacher, 'guess-guess-guess'))).toEqual({ ok: false, code: 'auth.invalid' });
  });

  test('a learner who is no longer in custody cannot sign in at a terminal', async () => {
    p.db.prepare("UPDATE learner SET status = 'transferred' WHERE id = ?").run(p.learner.learnerId);
    expect(await attempt(asLearner(p.learner))).toEqual({ ok: false, code: 'auth.inactive' });
    expect(latestAudit()).toMatchObject({ action: 'auth.loginRefused', details: { reason: 'notInCustody' } });
  });

  test('every attempt that reaches the credential check leaves exactly one audit entry', async () => {
    await attempt(asLearner(p.learner, '0000'));
    await attempt(asLearner(p.learner));
    await attempt(asStaff(p.teacher, 'nope-nope-nope'));
    await attempt(asStaff(p.released));
    await attempt(asLearner(p.formerLearner));
    expect(auditActions(p.db)).toEqual(['auth.loginFailed', 'auth.login', 'auth.loginFailed', 'auth.login', 'auth.loginRefused']);
  });
});

describe('login throttling', () => {
  test(`after ${ACCOUNT_RULES.freeFailures} free failures the next try must wait, even with the right PIN`, async () => {
    for (let i = 0; i < ACCOUNT_RULES.freeFailures; i++) expect(await attempt(asLearner(p.learner, '0000'))).toMatchObject({ code: 'auth.invalid' });
    // Still free: the right PIN works now, so fail once more to be delayed.
    expect(await attempt(asLearner(p.learner, '0000'))).toEqual({ ok: false, code: 'auth.invalid' });
    const refused = await attempt(asLearner(p.learner), T0 + 500);
    expect(refused).toEqual({ ok: false, code: 'auth.throttled', retryAfterMs: ACCOUNT_RULES.baseDelayMs - 500 });
    expect(await attempt(asLearner(p.learner), T0 + ACCOUNT_RULES.baseDelayMs)).toMatchObject({ ok: true });
  });

  test(`the account locks after ${ACCOUNT_RULES.lockAfter} failures, says so, and the lock is audited`, async () => {
    const at = await failRepeatedly(asLearner(p.learner, '0000'), ACCOUNT_RULES.lockAfter - 1);
    const lock = await attempt(asLearner(p.learner, '0000'), at);
    expect(lock).toEqual({ ok: false, code: 'auth.locked', retryAfterMs: ACCOUNT_RULES.lockMs });
    expect(auditActions(p.db).slice(-2)).toEqual(['auth.loginFailed', 'auth.locked']);
    expect(latestAudit()).toMatchObject({ action: 'auth.locked', targetId: String(p.learner.user.id), details: { by: 'account' } });

    expect(await attempt(asLearner(p.learner), at + ACCOUNT_RULES.lockMs - 1)).toEqual({ ok: false, code: 'auth.locked', retryAfterMs: 1 });
    expect(await attempt(asLearner(p.learner), at + ACCOUNT_RULES.lockMs)).toMatchObject({ ok: true });
  });

  test('a wrong PIN straight after a lock ends locks the account again and says so', async () => {
    const at = await failRepeatedly(asLearner(p.learner, '0000'), ACCOUNT_RULES.lockAfter);
    const again = await attempt(asLearner(p.learner, '0000'), at);
    expect(again).toMatchObject({ ok: false, code: 'auth.locked' });
    expect(auditActions(p.db).filter((a) => a === 'auth.locked')).toHaveLength(2);
  });

  test('a successful sign-in clears the account\'s failures', async () => {
    await failRepeatedly(asLearner(p.learner, '0000'), ACCOUNT_RULES.freeFailures);
    expect(await attempt(asLearner(p.learner))).toMatchObject({ ok: true });
    const key = `account:learner:${p.learner.inmateNumber.toLowerCase()}`;
    expect(p.db.prepare('SELECT count(*) FROM login_throttle WHERE key = ?').pluck().get(key)).toBe(0);
    // The count starts from zero again: the free failures are free once more.
    for (let i = 0; i < ACCOUNT_RULES.freeFailures; i++) await attempt(asLearner(p.learner, '0000'));
    expect(await attempt(asLearner(p.learner))).toMatchObject({ ok: true });
  });

  test('failures on one account do not slow down another', async () => {
    await failRepeatedly(asLearner(p.learner, '0000'), ACCOUNT_RULES.freeFailures + 1);
    expect(await attempt(asLearner(p.otherLearner), T0, OFFICE)).toMatchObject({ ok: true });
  });

  test('guessing many accounts from one terminal slows that terminal down, not the others', async () => {
    for (let i = 0; i <= ADDRESS_RULES.freeFailures; i++) {
      expect(await attempt({ kind: 'learner', inmateNumber: `Z-${100 + i}`, pin: '1111' })).toMatchObject({ code: 'auth.invalid' });
    }
    // The learner's own account has no failures, but the address is throttled.
    expect(await attempt(asLearner(p.learner), T0 + 1)).toEqual({ ok: false, code: 'auth.throttled', retryAfterMs: ADDRESS_RULES.baseDelayMs - 1 });
    expect(await attempt(asLearner(p.learner), T0 + 1, OFFICE)).toMatchObject({ ok: true });
  });
});

describe('signing out', () => {
  test('signing out ends this session and is audited', async () => {
    const r = await attempt(asStaff(p.teacher));
    const other = await attempt(asStaff(p.teacher));
    if (!r.ok || !other.ok) throw new Error('sign-in failed');
    signOut(p.db, sessionIdFromToken(r.token), p.teacher.user, OFFICE.ip);
    expect(validateSessionToken(p.db, r.token, TEST_TIMEOUTS, T0 + 1).user).toBeNull();
    expect(validateSessionToken(p.db, other.token, TEST_TIMEOUTS, T0 + 1).user).not.toBeNull();
    expect(latestAudit()).toMatchObject({ action: 'auth.logout', actorUserId: p.teacher.user.id, details: { sessionsEnded: 1 } });
  });

  test('signing out everywhere ends every session of the user and is audited', async () => {
    const a = await attempt(asStaff(p.teacher));
    const b = await attempt(asStaff(p.teacher));
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    signOut(p.db, sessionIdFromToken(a.token), p.teacher.user, OFFICE.ip, true);
    expect(validateSessionToken(p.db, b.token, TEST_TIMEOUTS, T0 + 1).user).toBeNull();
    expect(latestAudit()).toMatchObject({ action: 'auth.logoutEverywhere', details: { sessionsEnded: 2 } });
  });
});
