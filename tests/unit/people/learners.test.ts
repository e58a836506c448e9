import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { verifySecret } from '../../../src/lib/server/password.ts';
import { createSession, generateSessionToken } from '../../../src/lib/server/session.ts';
import {
  countLearnersByStatus,
  createLearner,
  getLearner,
  getLearnerForUser,
  listLearners,
  resetLearnerPin,
  updateLearner,
  type Learner,
  type LearnerInput,
} from '../../../src/lib/server/people/learners.ts';
import { auditActions, createPrison, grantFacility, LEARNER_PIN, TEST_TIMEOUTS, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const latestAudit = () => listAudit(p.db, {}).entries[0];
const storedHash = (userId: number) => p.db.prepare('SELECT secret_hash FROM user WHERE id = ?').pluck().get(userId) as string;

const admission = (facilityId: number, inmateNumber = 'A-1002') => ({
  inmateNumber,
  surname: 'Kalniņš',
  givenNames: 'Edgars',
  birthYear: 1985,
  facilityId,
  educationLevel: 'basic' as const,
  latvianLevel: 'A2' as const,
  expectedReleaseDate: '2028-01-31',
  status: 'in_custody' as const,
  preferredLocale: 'lv' as const,
});
const asInput = (l: Learner): LearnerInput => ({
  surname: l.surname,
  givenNames: l.givenNames,
  birthYear: l.birthYear,
  facilityId: l.facilityId,
  educationLevel: l.educationLevel,
  latvianLevel: l.latvianLevel,
  expectedReleaseDate: l.expectedReleaseDate,
  status: l.status,
  preferredLocale: l.preferredLocale,
});
const current = (id: number) => getLearner(p.db, p.admin.user, id)!;

describe('admitting a learner', () => {
  test('education staff admit a learner to their prison with a six-digit PIN; the admission is audited without the PIN', async () => {
    const r = await createLearner(p.db, p.educationStaff.user, admission(p.facilityA.id));
    if (!r.ok) throw new Error(r.code);
    expect(r.pin).toMatch(/^\d{6}$/);
    expect(r.learner).toMatchObject({ inmateNumber: 'A-1002', facilityId: p.facilityA.id, facilityName: 'Olaines cietums', status: 'in_custody', active: true });
    expect(await verifySecret(storedHash(r.learner.userId), r.pin)).toBe(true);
    expect(latestAudit()).toMatchObject({
      action: 'learner.create',
      actorUserId: p.educationStaff.user.id,
      targetType: 'learner',
      targetId: String(r.learner.id),
      facilityId: p.facilityA.id,
      details: { inmateNumber: 'A-1002' },
    });
    expect(JSON.stringify(latestAudit()?.details)).not.toContain(r.pin);
  });

  test('an inmate number already registered is refused, and nothing is written', async () => {
    const r = await createLearner(p.db, p.educationStaff.user, admission(p.facilityA.id, p.learner.inmateNumber), '111111');
    expect(r).toEqual({ ok: false, code: 'learner.inmateNumberTaken', field: 'inmateNumber' });
    expect(auditActions(p.db)).toEqual([]);
    expect(p.db.prepare('SELECT count(*) FROM user').pluck().get()).toBe(9);
  });

  test('education staff cannot admit a learner to another prison', async () => {
    expect(await createLearner(p.db, p.educationStaff.user, admission(p.facilityB.id))).toEqual({ ok: false, code: 'auth.forbidden' });
  });

  test('a teacher cannot admit learners', async () => {
    expect(await createLearner(p.db, p.teacher.user, admission(p.facilityA.id))).toEqual({ ok: false, code: 'auth.forbidden' });
  });
});

describe('changing a learner\'s record', () => {
  test('education staff update a learner; the audit entry names exactly the changed fields', () => {
    const before = current(p.learner.learnerId);
    const r = updateLearner(p.db, p.educationStaff.user, p.learner.learnerId, { ...asInput(before), latvianLevel: 'B2', expectedReleaseDate: '2027-12-01' });
    expect(r).toMatchObject({ ok: true, learner: { latvianLevel: 'B2', expectedReleaseDate: '2027-12-01' } });
    expect(latestAudit()).toMatchObject({
      action: 'learner.update',
      actorUserId: p.educationStaff.user.id,
      targetType: 'learner',
      targetId: String(p.learner.learnerId),
      facilityId: p.facilityA.id,
    });
    expect(latestAudit()?.details).toEqual({
      inmateNumber: p.learner.inmateNumber,
      changed: { latvianLevel: { from: 'B1', to: 'B2' }, expectedReleaseDate: { from: '2027-06-30', to: '2027-12-01' } },
    });
  });

  test('a name change also renames the learner\'s account', () => {
    updateLearner(p.db, p.educationStaff.user, p.learner.learnerId, { ...asInput(current(p.learner.learnerId)), surname: 'Ozols' });
    expect(p.db.prepare('SELECT display_name FROM user WHERE id = ?').pluck().get(p.learner.user.id)).toBe('Mārtiņš Ozols');
  });

  test('a teacher may see a learner of their prison but not change the record', () => {
    expect(getLearner(p.db, p.teacher.user, p.learner.learnerId)?.inmateNumber).toBe(p.learner.inmateNumber);
    const r = updateLearner(p.db, p.teacher.user, p.learner.learnerId, { ...asInput(current(p.learner.learnerId)), latvianLevel: 'C2' });
    expect(r).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(current(p.learner.learnerId).latvianLevel).toBe('B1');
    expect(auditActions(p.db)).toEqual([]);
  });

  test('an edit never moves a learner to another prison nor changes the status: transfer and release are their own steps', () => {
    const input = { ...asInput(current(p.learner.learnerId)), facilityId: p.facilityB.id };
    const granted = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    for (const who of [p.educationStaff.user, granted, p.admin.user]) {
      expect(updateLearner(p.db, who, p.learner.learnerId, input)).toEqual({ ok: false, code: 'lifecycle.useTransfer', field: 'facilityId' });
      for (const status of ['released', 'transferred'] as const) {
        expect(updateLearner(p.db, who, p.learner.learnerId, { ...asInput(current(p.learner.learnerId)), status })).toEqual({
          ok: false,
          code: 'lifecycle.useRelease',
          field: 'status',
        });
      }
    }
    expect(current(p.learner.learnerId)).toMatchObject({ facilityId: p.facilityA.id, status: 'in_custody' });
    expect(auditActions(p.db)).toEqual([]);
  });
});

describe('names and statuses: one rule for the forms, the roster and the domain', () => {
  const NUL = String.fromCharCode(0);
  const BELL = String.fromCharCode(7);
  const RLO = String.fromCharCode(0x202e);
  const bad: Array<[string, string]> = [
    ['a NUL', `Kalni${NUL}ņš`],
    ['a bell', `Kalniņš${BELL}`],
    ['a right-to-left override', `${RLO}šņinlaK`],
    ['a line break', 'Kalniņš\nOzols'],
    ['a tab', 'Kalniņš\tOzols'],
    ['digits', 'Kalniņš2'],
    ['markup', '<b>Kalniņš</b>'],
    ['no letter at all', "-'."],
  ];

  test.each(bad)('admission refuses a surname with %s, and nothing is written', async (_, surname) => {
    expect(await createLearner(p.db, p.educationStaff.user, { ...admission(p.facilityA.id), surname })).toEqual({ ok: false, code: 'validation.personName', field: 'surname' });
    expect(await createLearner(p.db, p.educationStaff.user, { ...admission(p.facilityA.id), givenNames: surname })).toEqual({ ok: false, code: 'validation.personName', field: 'givenNames' });
    expect(auditActions(p.db)).toEqual([]);
  });

  test.each(bad)('an edit refuses a name with %s; the record stays as it was', (_, surname) => {
    expect(updateLearner(p.db, p.educationStaff.user, p.learner.learnerId, { ...asInput(current(p.learner.learnerId)), surname })).toEqual({
      ok: false,
      code: 'validation.personName',
      field: 'surname',
    });
    expect(current(p.learner.learnerId).surname).toBe('Bērziņš');
  });

  test('Latvian and Cyrillic letters, hyphens, apostrophes, dots and spaces are names; they are stored trimmed and in NFC', async () => {
    const decomposed = 'Be\u0304rzin\u0327s\u030c'; // "Bērziņš" typed with combining accents
    const r = await createLearner(p.db, p.educationStaff.user, { ...admission(p.facilityA.id), surname: `  ${decomposed} `, givenNames: "Ļena-Žanete O’Konnora d'Arc J." });
    if (!r.ok) throw new Error(r.code);
    expect(r.learner).toMatchObject({ surname: 'Bērziņš', givenNames: "Ļena-Žanete O’Konnora d'Arc J." });
    const u = updateLearner(p.db, p.educationStaff.user, r.learner.id, { ...asInput(r.learner), surname: 'Жукова-Иванова', givenNames: 'Алёна' });
    expect(u.ok && u.learner).toMatchObject({ surname: 'Жукова-Иванова', givenNames: 'Алёна' });
  });

  test('a new learner is always admitted in custody: another status is refused, nothing is written', async () => {
    for (const status of ['released', 'transferred'] as const) {
      expect(await createLearner(p.db, p.educationStaff.user, { ...admission(p.facilityA.id), status })).toEqual({ ok: false, code: 'learner.admissionInCustody' });
    }
    expect(auditActions(p.db)).toEqual([]);
    const { status: _, ...withoutStatus } = admission(p.facilityA.id);
    const r = await createLearner(p.db, p.educationStaff.user, withoutStatus);
    expect(r.ok && r.learner).toMatchObject({ status: 'in_custody', active: true });
  });
});

describe('another prison\'s learners', () => {
  test('staff of another prison cannot find, change or reset a learner, and leave no trace', async () => {
    const stranger = p.otherEducationStaff.user;
    expect(getLearner(p.db, stranger, p.learner.learnerId)).toBeNull();
    expect(updateLearner(p.db, stranger, p.learner.learnerId, { ...asInput(current(p.learner.learnerId)), facilityId: p.facilityB.id })).toEqual({
      ok: false,
      code: 'learner.notFound',
    });
    expect(await resetLearnerPin(p.db, stranger, p.learner.learnerId)).toEqual({ ok: false, code: 'learner.notFound' });
    expect(current(p.learner.learnerId).facilityId).toBe(p.facilityA.id);
    expect(await verifySecret(storedHash(p.learner.user.id), LEARNER_PIN)).toBe(true);
    expect(auditActions(p.db)).toEqual([]);
  });

  test('a learner not found and a learner not allowed look the same', () => {
    expect(getLearner(p.db, p.otherEducationStaff.user, 99_999)).toBeNull();
    expect(updateLearner(p.db, p.otherEducationStaff.user, 99_999, asInput(current(p.learner.learnerId)))).toEqual({ ok: false, code: 'learner.notFound' });
  });

  test('learner cannot see learners of another prison, nor of their own', () => {
    expect(getLearner(p.db, p.learner.user, p.otherLearner.learnerId)).toBeNull();
    expect(getLearner(p.db, p.learner.user, p.formerLearner.learnerId)).toBeNull();
    expect(listLearners(p.db, p.learner.user)).toEqual([]);
  });

  test('the learners list shows staff their own prison only, admins every prison', () => {
    const numbers = (who: Prison['admin']) => listLearners(p.db, who.user).map((l) => l.inmateNumber).sort();
    expect(numbers(p.educationStaff)).toEqual(['A-0999', 'A-1001']);
    expect(numbers(p.supervisor)).toEqual(['A-0999', 'A-1001']);
    expect(numbers(p.otherEducationStaff)).toEqual(['B-2001']);
    expect(numbers(p.admin)).toEqual(['A-0999', 'A-1001', 'B-2001']);
    expect(numbers(p.released)).toEqual([]);
  });

  test('asking the list for another prison does not widen it', () => {
    expect(listLearners(p.db, p.educationStaff.user, { facilityId: p.facilityB.id })).toEqual([]);
    expect(listLearners(p.db, p.admin.user, { facilityId: p.facilityB.id }).map((l) => l.inmateNumber)).toEqual(['B-2001']);
  });

  test('the list filters by status and by a search that treats % and _ literally', () => {
    expect(listLearners(p.db, p.admin.user, { status: 'released' }).map((l) => l.inmateNumber)).toEqual(['A-0999']);
    expect(listLearners(p.db, p.admin.user, { q: 'kalni' }).map((l) => l.inmateNumber)).toEqual(['B-2001']);
    expect(listLearners(p.db, p.admin.user, { q: '%' })).toEqual([]);
  });

  test('the home page figures count only the prisons the staff member may see', () => {
    expect(countLearnersByStatus(p.db, p.educationStaff.user)).toEqual({ in_custody: 1, released: 1, transferred: 0 });
    expect(countLearnersByStatus(p.db, p.admin.user)).toEqual({ in_custody: 2, released: 1, transferred: 0 });
    expect(countLearnersByStatus(p.db, p.learner.user)).toEqual({ in_custody: 0, released: 0, transferred: 0 });
  });

  test('a learner\'s own pages find their record', () => {
    expect(getLearnerForUser(p.db, p.learner.user.id)?.id).toBe(p.learner.learnerId);
    expect(getLearnerForUser(p.db, p.teacher.user.id)).toBeNull();
  });
});

describe('resetting a PIN', () => {
  test('education staff reset a learner\'s PIN: the new one works, the old one not, sessions end, and it is audited', async () => {
    createSession(p.db, generateSessionToken(), p.learner.user.id, TEST_TIMEOUTS, { ip: null, userAgent: null });
    const r = await resetLearnerPin(p.db, p.educationStaff.user, p.learner.learnerId);
    if (!r.ok) throw new Error(r.code);
    expect(r.pin).toMatch(/^\d{6}$/);
    const hash = storedHash(p.learner.user.id);
    expect(await verifySecret(hash, r.pin)).toBe(true);
    expect(await verifySecret(hash, LEARNER_PIN)).toBe(false);
    expect(p.db.prepare('SELECT count(*) FROM session WHERE user_id = ?').pluck().get(p.learner.user.id)).toBe(0);
    expect(latestAudit()).toMatchObject({ action: 'learner.pinReset', actorUserId: p.educationStaff.user.id, facilityId: p.facilityA.id, details: { sessionsEnded: 1 } });
    expect(JSON.stringify(latestAudit()?.details)).not.toContain(r.pin);
  });

  test('a supervisor cannot reset a PIN', async () => {
    expect(await resetLearnerPin(p.db, p.supervisor.user, p.learner.learnerId)).toEqual({ ok: false, code: 'auth.forbidden' });
  });
});
