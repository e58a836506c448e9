import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { signIn } from '../../../src/lib/server/auth.ts';
import { verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { activateAccount, checkActivation, CODE_VALID_MS, issueActivationCode } from '../../../src/lib/server/portal/activation.ts';
import { CODE_ALPHABET, generateActivationCode, normalizeActivationCode } from '../../../src/lib/server/portal/activation-code.ts';
import { foldToAscii } from '../../../src/lib/server/portal/sign-in-name.ts';
import { createSession, generateSessionToken, validateSessionToken } from '../../../src/lib/server/session.ts';
import { auditActions, createPrison, STAFF_PASSWORD, TEST_TIMEOUTS, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
const T0 = new Date('2026-03-01T10:00:00.000Z');
const BIRTH = '1990-04-23';
const NEW_PASSWORD = 'kalni un upes 2026';
const IP = '203.0.113.7';
const at = (ms: number) => new Date(T0.getTime() + ms);

beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

/** Releases the fixture's in-custody learner (as the lifecycle would) and returns their id. */
function releasedLearner(): number {
  stmt(p.db, "UPDATE learner SET status = 'released' WHERE id = ?").run(p.learner.learnerId);
  return p.learner.learnerId;
}

function issue(learnerId = releasedLearner(), birthDate: string | null = BIRTH, now = T0) {
  const result = issueActivationCode(p.db, p.educationStaff.user, learnerId, { birthDate }, now);
  if (!result.ok) throw new Error(result.code);
  return result.issued;
}

const signInAs = (username: string, password: string, now = T0.getTime()) =>
  signIn(p.db, { kind: 'staff', username, password }, { ip: IP, userAgent: 'test' }, TEST_TIMEOUTS, now);

describe('activation codes', () => {
  test('are grouped, human-friendly and normalized from what a person types', () => {
    const code = generateActivationCode();
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    for (const c of code.replace(/-/g, '')) expect(CODE_ALPHABET).toContain(c);
    for (const lookAlike of ['0', 'O', '1', 'I', 'L', '5', 'S', '8', 'B', '2', 'Z', 'U', 'V']) expect(CODE_ALPHABET).not.toContain(lookAlike);
    expect(normalizeActivationCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(code.replace(/-/g, ''));
    expect(normalizeActivationCode('K7QM-3XPA-9TW')).toBeNull();
    expect(normalizeActivationCode('O7QM-3XPA-9TWD')).toBeNull();
  });

  test('sign-in names are ASCII-folded from Latvian and Cyrillic names', () => {
    expect(foldToAscii('Celmiņš')).toBe('celmins');
    expect(foldToAscii('Ēriks Ķēniņš-Žagars')).toBe('eriks-kenins-zagars');
    expect(foldToAscii('Пётр Щукин')).toBe('petr-schukin');
  });
});

describe('issuing a code', () => {
  test('creates an inactive released account with a unique sign-in name, stores only the hash, and audits without the code', () => {
    const issued = issue();
    // The fixture already has raivis.celmins; this learner is Mārtiņš Bērziņš.
    expect(issued.username).toBe('martins.berzins');
    expect(Date.parse(issued.expiresAt) - T0.getTime()).toBe(CODE_VALID_MS);
    const account = stmt(p.db, 'SELECT role, active, secret_hash FROM user WHERE username = ?').get(issued.username) as { role: string; active: number; secret_hash: string | null };
    expect(account).toEqual({ role: 'released', active: 0, secret_hash: null });
    const stored = JSON.stringify(stmt(p.db, 'SELECT * FROM portal_activation').all());
    const compact = issued.code.replace(/-/g, '');
    expect(stored).not.toContain(compact);
    const audit = JSON.stringify(stmt(p.db, 'SELECT * FROM audit_log').all());
    expect(audit).toContain('portal.codeIssued');
    expect(audit).not.toContain(compact);
    expect(audit).not.toContain(issued.code);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('a second learner with the same name gets a numbered sign-in name', () => {
    const first = issue();
    stmt(p.db, "UPDATE learner SET status = 'released', given_names = 'Mārtiņš', surname = 'Bērziņš' WHERE id = ?").run(p.otherLearner.learnerId);
    const second = issueActivationCode(p.db, p.otherEducationStaff.user, p.otherLearner.learnerId, { birthDate: BIRTH }, T0);
    expect(second.ok && second.issued.username).toBe(`${first.username}2`);
  });

  test('needs a released learner of the actor’s prison and a birth date that agrees with the birth year', () => {
    expect(issueActivationCode(p.db, p.educationStaff.user, p.learner.learnerId, { birthDate: BIRTH }, T0)).toEqual({ ok: false, code: 'activation.notReleased' });
    const id = releasedLearner();
    expect(issueActivationCode(p.db, p.otherEducationStaff.user, id, { birthDate: BIRTH }, T0)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(issueActivationCode(p.db, p.teacher.user, id, { birthDate: BIRTH }, T0)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(issueActivationCode(p.db, p.educationStaff.user, id, { birthDate: null }, T0)).toEqual({ ok: false, code: 'activation.birthDateRequired' });
    // The fixture's learners were born in 1990.
    expect(issueActivationCode(p.db, p.educationStaff.user, id, { birthDate: '1991-04-23' }, T0)).toEqual({ ok: false, code: 'activation.birthYearMismatch' });
    expect(issueActivationCode(p.db, p.educationStaff.user, id, { birthDate: '2027-01-01' }, T0)).toEqual({ ok: false, code: 'activation.birthDateInvalid' });
    expect(issueActivationCode(p.db, p.admin.user, id, { birthDate: BIRTH }, T0).ok).toBe(true);
    // Once recorded, the birth date need not be entered again.
    expect(issueActivationCode(p.db, p.educationStaff.user, id, { birthDate: null }, T0).ok).toBe(true);
  });

  test('the database refuses a birth date that disagrees with the birth year, and a changed year drops the date', () => {
    const id = releasedLearner();
    expect(() => stmt(p.db, "UPDATE learner SET birth_date = '1985-01-01' WHERE id = ?").run(id)).toThrow(/birth_year/);
    stmt(p.db, "UPDATE learner SET birth_date = '1990-01-01' WHERE id = ?").run(id);
    stmt(p.db, 'UPDATE learner SET birth_year = 1991 WHERE id = ?').run(id);
    expect(stmt(p.db, 'SELECT birth_date FROM learner WHERE id = ?').pluck().get(id)).toBeNull();
  });
});

describe('activating an account', () => {
  test('a valid code and birth date let the person choose a password and sign in as released', async () => {
    const issued = issue();
    expect(checkActivation(p.db, { code: issued.code, birthDate: BIRTH }, IP, at(1000))).toEqual({ ok: true, username: issued.username, reactivation: false });
    const result = await activateAccount(p.db, { code: issued.code.toLowerCase(), birthDate: BIRTH, password: NEW_PASSWORD }, IP, at(2000));
    expect(result).toEqual({ ok: true, username: issued.username });
    const signedIn = await signInAs(issued.username, NEW_PASSWORD, at(3000).getTime());
    expect(signedIn).toMatchObject({ ok: true, role: 'released' });
    const userId = stmt(p.db, 'SELECT id FROM user WHERE username = ?').pluck().get(issued.username);
    expect(stmt(p.db, 'SELECT portal_user_id FROM learner WHERE id = ?').pluck().get(p.learner.learnerId)).toBe(userId);
    expect(auditActions(p.db)).toContain('portal.activated');
  });

  test('a wrong birth date fails with the same message as a wrong code', async () => {
    const issued = issue();
    const wrongDate = checkActivation(p.db, { code: issued.code, birthDate: '1990-04-24' }, IP, T0);
    const wrongCode = checkActivation(p.db, { code: generateActivationCode(), birthDate: BIRTH }, IP, T0);
    expect(wrongDate).toEqual({ ok: false, code: 'activation.invalid' });
    expect(wrongCode).toEqual({ ok: false, code: 'activation.invalid' });
    expect(await activateAccount(p.db, { code: issued.code, birthDate: '1990-04-24', password: NEW_PASSWORD }, '198.51.100.1', T0)).toMatchObject({ ok: false });
    expect(stmt(p.db, 'SELECT count(*) FROM user WHERE username = ? AND secret_hash IS NOT NULL').pluck().get(issued.username)).toBe(0);
    expect(auditActions(p.db).filter((a) => a === 'portal.activationFailed').length).toBeGreaterThanOrEqual(2);
  });

  test('a code works up to 90 days and expires 1 ms later', async () => {
    const issued = issue();
    expect(checkActivation(p.db, { code: issued.code, birthDate: BIRTH }, IP, at(CODE_VALID_MS)).ok).toBe(true);
    expect(await activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: NEW_PASSWORD }, IP, at(CODE_VALID_MS + 1))).toEqual({
      ok: false,
      code: 'activation.expired',
    });
  });

  test('a code cannot be used twice', async () => {
    const issued = issue();
    expect((await activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: NEW_PASSWORD }, IP, at(1000))).ok).toBe(true);
    expect(await activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: 'another password 99' }, IP, at(2000))).toEqual({
      ok: false,
      code: 'activation.used',
    });
    expect((await signInAs(issued.username, 'another password 99', at(3000).getTime())).ok).toBe(false);
  });

  test('two activations at once: only one claims the code', async () => {
    const issued = issue();
    const results = await Promise.all([
      activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: 'first password 1' }, IP, at(1000)),
      activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: 'second password 2' }, IP, at(1000)),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(stmt(p.db, 'SELECT count(*) FROM portal_activation WHERE used_at IS NOT NULL').pluck().get()).toBe(1);
  });

  test('a newer code supersedes the older one', async () => {
    const old = issue();
    const fresh = issue(p.learner.learnerId, null, at(60_000));
    expect(fresh.username).toBe(old.username);
    expect(fresh.reissue).toBe(true);
    expect(checkActivation(p.db, { code: old.code, birthDate: BIRTH }, IP, at(120_000))).toEqual({ ok: false, code: 'activation.used' });
    expect((await activateAccount(p.db, { code: fresh.code, birthDate: BIRTH, password: NEW_PASSWORD }, IP, at(180_000))).ok).toBe(true);
  });

  test('repeated failures lock further attempts at that code, even with the right details and from another address', () => {
    const issued = issue();
    const prefix = issued.code.slice(0, 4);
    let last;
    for (let i = 0; i < 8; i++) {
      // Other codes with the same first group, each from a different address.
      const guess = `${prefix}-${generateActivationCode().slice(5)}`;
      last = checkActivation(p.db, { code: guess, birthDate: BIRTH }, `198.51.100.${i}`, at(i * 60_000));
    }
    expect(last).toMatchObject({ ok: false, code: 'activation.locked' });
    expect(checkActivation(p.db, { code: issued.code, birthDate: BIRTH }, '192.0.2.1', at(8 * 60_000))).toMatchObject({ ok: false, code: 'activation.locked' });
    expect(auditActions(p.db)).toContain('portal.activationLocked');
    // After the lock (15 minutes) the right details work again.
    expect(checkActivation(p.db, { code: issued.code, birthDate: BIRTH }, '192.0.2.1', at(8 * 60_000 + 16 * 60_000)).ok).toBe(true);
  });

  test('after a few failures from one address the next attempt must wait', () => {
    issue();
    for (let i = 0; i < 11; i++) checkActivation(p.db, { code: generateActivationCode(), birthDate: BIRTH }, IP, T0);
    expect(checkActivation(p.db, { code: generateActivationCode(), birthDate: BIRTH }, IP, T0)).toMatchObject({ ok: false, code: 'activation.throttled' });
  });
});

describe('lost password', () => {
  test('a new code replaces the password and ends the account’s sessions', async () => {
    // The fixture's released person already has an account and a password.
    const formerId = p.formerLearner.learnerId;
    const token = generateSessionToken();
    createSession(p.db, token, p.released.user.id, TEST_TIMEOUTS, { ip: IP, userAgent: 'test' }, T0.getTime());
    const issued = issue(formerId);
    expect(issued.username).toBe('raivis.celmins');
    // Until the new code is used, the old password still works (the person may just have forgotten it).
    expect((await signInAs('raivis.celmins', STAFF_PASSWORD)).ok).toBe(true);
    expect(checkActivation(p.db, { code: issued.code, birthDate: BIRTH }, IP, at(1000))).toMatchObject({ ok: true, reactivation: true });
    expect((await activateAccount(p.db, { code: issued.code, birthDate: BIRTH, password: NEW_PASSWORD }, IP, at(2000))).ok).toBe(true);
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS, at(3000).getTime()).session).toBeNull();
    expect((await signInAs('raivis.celmins', STAFF_PASSWORD, at(4000).getTime())).ok).toBe(false);
    expect((await signInAs('raivis.celmins', NEW_PASSWORD, at(5000).getTime())).ok).toBe(true);
    const details = stmt(p.db, "SELECT details FROM audit_log WHERE action = 'portal.activated'").pluck().get() as string;
    expect(JSON.parse(details)).toMatchObject({ reactivation: true, sessionsEnded: 2 });
  });
});

describe('the portal sign-in', () => {
  const roles = { roles: ['released'] as const };
  const meta = { ip: IP, userAgent: null };

  test('treats staff accounts like unknown names, with the right password too', async () => {
    const staff = await signIn(p.db, { kind: 'staff', username: 'ieva.ozola', password: STAFF_PASSWORD }, meta, TEST_TIMEOUTS, T0.getTime(), roles);
    expect(staff).toEqual({ ok: false, code: 'auth.invalid' });
    const wrong = await signIn(p.db, { kind: 'staff', username: 'ieva.ozola', password: 'not the password' }, meta, TEST_TIMEOUTS, T0.getTime(), roles);
    expect(wrong).toEqual({ ok: false, code: 'auth.invalid' });
    const unknown = await signIn(p.db, { kind: 'staff', username: 'nobody.here', password: 'not the password' }, meta, TEST_TIMEOUTS, T0.getTime(), roles);
    expect(unknown).toEqual({ ok: false, code: 'auth.invalid' });
    const released = await signIn(p.db, { kind: 'staff', username: 'raivis.celmins', password: STAFF_PASSWORD }, meta, TEST_TIMEOUTS, T0.getTime(), roles);
    expect(released).toMatchObject({ ok: true, role: 'released' });
  });

  test('failures there never slow down or lock the intranet sign-in of the same name and address', async () => {
    let last;
    for (let i = 0; i < 12; i++) {
      last = await signIn(p.db, { kind: 'staff', username: 'ieva.ozola', password: 'guess ' + i }, meta, TEST_TIMEOUTS, T0.getTime() + i * 60_000, roles);
    }
    expect(last).toMatchObject({ ok: false, code: 'auth.locked' });
    const intranet = await signIn(p.db, { kind: 'staff', username: 'ieva.ozola', password: STAFF_PASSWORD }, meta, TEST_TIMEOUTS, T0.getTime() + 13 * 60_000);
    expect(intranet).toMatchObject({ ok: true });
  });
});
