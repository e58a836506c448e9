import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { transferLearner } from '../../../src/lib/server/people/lifecycle.ts';
import {
  TEXT_LIMITS,
  TEXT_FIELDS,
  consultationFormSchema,
  consultationSchema,
  getConsultation,
  latestCareerConsultation,
  listConsultations,
  nextConsultationDue,
  recordConsultation,
  rigaDate,
  type Consultation,
  type ConsultationInput,
} from '../../../src/lib/server/placement/consultations.ts';
import { auditActions, createPrison, type Prison } from '../../helpers/fixture.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

// 10:00 in Riga on 10 March 2026.
const NOW = new Date('2026-03-10T08:00:00Z');

const career = (over: Partial<ConsultationInput> = {}): ConsultationInput => ({
  kind: 'career',
  heldOn: '2026-03-09',
  mode: 'in_person',
  educationHistory: 'Basic education',
  workHistory: 'Construction helper, 2 years',
  interests: ['welding', 'construction'],
  strengths: 'Careful',
  constraints: '',
  latvianLevel: 'B1',
  goalAfterRelease: 'Work as a welder',
  recommended: ['welding'],
  notes: '',
  nextOn: '2026-06-09',
  checklist: null,
  ...over,
});

const preRelease = (over: Partial<ConsultationInput> = {}): ConsultationInput =>
  career({ kind: 'pre_release', checklist: { documents: true, nvaRegistration: false, housing: true, contacts: false }, ...over });

/** The message key the schema gives for `field`, or undefined when that field is fine. */
function errorFor(input: unknown, field: string, now = NOW): string | undefined {
  const parsed = consultationSchema(now).safeParse(input);
  return parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === field)?.message;
}

describe('what a consultation must contain', () => {
  test('a complete career consultation and a pre-release one with its checklist are accepted', () => {
    expect(consultationSchema(NOW).safeParse(career()).success).toBe(true);
    expect(consultationSchema(NOW).safeParse(preRelease()).success).toBe(true);
  });

  test('only kind, date and mode are required; the rest defaults to empty', () => {
    const parsed = consultationSchema(NOW).parse({ kind: 'career', heldOn: '2026-03-10', mode: 'online' });
    expect(parsed).toMatchObject({ interests: [], recommended: [], notes: '', latvianLevel: null, nextOn: null, checklist: null });
  });

  test('the date is required, written as YYYY-MM-DD and a real day', () => {
    expect(errorFor(career({ heldOn: '' }), 'heldOn')).toBe('validation.required');
    expect(errorFor({ ...career(), heldOn: undefined }, 'heldOn')).toBe('validation.required');
    expect(errorFor(career({ heldOn: '09.03.2026' }), 'heldOn')).toBe('validation.date');
    expect(errorFor(career({ heldOn: '2026-02-30' }), 'heldOn')).toBe('validation.date');
  });

  test('a consultation cannot be dated in the future, counted in Riga time', () => {
    expect(errorFor(career({ heldOn: '2026-03-11', nextOn: null }), 'heldOn')).toBe('consultation.heldOnFuture');
    expect(errorFor(career({ heldOn: '2026-03-10', nextOn: null }), 'heldOn')).toBeUndefined();
    // 23:30 UTC on 10 March is already 11 March in Riga.
    const lateEvening = new Date('2026-03-10T23:30:00Z');
    expect(rigaDate(lateEvening)).toBe('2026-03-11');
    expect(errorFor(career({ heldOn: '2026-03-11', nextOn: null }), 'heldOn', lateEvening)).toBeUndefined();
  });

  test('kind and mode are chosen from their lists', () => {
    expect(errorFor(career({ kind: 'group' as never }), 'kind')).toBe('validation.choose');
    expect(errorFor(career({ mode: 'phone' as never }), 'mode')).toBe('validation.choose');
  });

  test('interests and recommended directions come only from the fixed list', () => {
    expect(errorFor(career({ interests: ['welding', 'astronaut' as never] }), 'interests')).toBe('consultation.unknownInterest');
    expect(errorFor(career({ recommended: ['hacking' as never] }), 'recommended')).toBe('consultation.unknownInterest');
    expect(consultationSchema(NOW).parse(career({ interests: ['it', 'it', 'office'] })).interests).toEqual(['it', 'office']);
  });

  test.each(TEXT_FIELDS)('the text field %s has a length limit', (field) => {
    const limit = TEXT_LIMITS[field];
    expect(errorFor(career({ [field]: 'a'.repeat(limit) }), field)).toBeUndefined();
    expect(errorFor(career({ [field]: 'a'.repeat(limit + 1) }), field)).toBe('validation.tooLong');
  });

  test('the Latvian level is one of the state levels, or not assessed', () => {
    expect(errorFor(career({ latvianLevel: 'D1' as never }), 'latvianLevel')).toBe('validation.choose');
    expect(errorFor(career({ latvianLevel: null }), 'latvianLevel')).toBeUndefined();
  });

  test('the next consultation must come after this one', () => {
    expect(errorFor(career({ nextOn: '2026-03-09' }), 'nextOn')).toBe('consultation.nextOnNotAfter');
    expect(errorFor(career({ nextOn: '2026-03-01' }), 'nextOn')).toBe('consultation.nextOnNotAfter');
    expect(errorFor(career({ nextOn: '2026-03-10' }), 'nextOn')).toBeUndefined();
    expect(errorFor(career({ nextOn: '2026-13-01' }), 'nextOn')).toBe('validation.date');
  });

  test('the checklist is required before release and refused for a career consultation', () => {
    expect(errorFor(preRelease({ checklist: null }), 'checklist')).toBe('validation.required');
    expect(errorFor(career({ checklist: { documents: true, nvaRegistration: true, housing: true, contacts: true } }), 'checklist')).toBe(
      'consultation.checklistOnlyPreRelease',
    );
    expect(errorFor({ ...preRelease(), checklist: { documents: 'yes', nvaRegistration: false, housing: false, contacts: false } }, 'checklist')).toBeDefined();
  });
});

describe('the consultation form', () => {
  const form = (fields: Record<string, string>) => consultationFormSchema(NOW).safeParse({ kind: 'career', heldOn: '2026-03-09', mode: 'online', ...fields });

  test('ticked boxes become the lists of interests and directions', () => {
    const parsed = form({ 'interests.welding': 'on', 'interests.cooking': 'on', 'recommended.welding': 'on', latvianLevel: '', nextOn: '' });
    expect(parsed.success && parsed.data).toMatchObject({ interests: ['welding', 'cooking'], recommended: ['welding'], latvianLevel: null, nextOn: null });
  });

  test('the checklist counts for the consultation before release only (the form always shows it)', () => {
    const asCareer = form({ 'checklist.documents': 'on' });
    expect(asCareer.success && asCareer.data.checklist).toBeNull();
    const before = form({ kind: 'pre_release', 'checklist.documents': 'on', 'checklist.contacts': 'on' });
    expect(before.success && before.data.checklist).toEqual({ documents: true, nvaRegistration: false, housing: false, contacts: true });
  });

  test('a missing date and a missing mode are reported on their fields', () => {
    const parsed = consultationFormSchema(NOW).safeParse({ kind: 'career', heldOn: '' });
    expect(parsed.success).toBe(false);
    const fields = parsed.success ? [] : parsed.error.issues.map((i) => [i.path[0], i.message]);
    expect(fields).toEqual(expect.arrayContaining([['heldOn', 'validation.required'], ['mode', 'validation.choose']]));
  });
});

describe('recording a consultation', () => {
  test('education staff record a consultation at the learner’s facility, as the consultant, audited', () => {
    const result = recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, career(), NOW);
    expect(result.ok).toBe(true);
    const c = (result as { consultation: Consultation }).consultation;
    expect(c).toMatchObject({
      learnerId: p.learner.learnerId,
      facilityId: p.facilityA.id,
      facilityName: p.facilityA.name,
      consultantId: p.educationStaff.user.id,
      consultantName: 'Ieva Ozola',
      kind: 'career',
      heldOn: '2026-03-09',
      interests: ['welding', 'construction'],
      recommended: ['welding'],
      latvianLevel: 'B1',
      nextOn: '2026-06-09',
      checklist: null,
      createdAt: NOW.toISOString(),
    });
    const entry = listAudit(p.db, {}).entries[0]!;
    expect(entry).toMatchObject({
      action: 'consultation.record',
      actorUserId: p.educationStaff.user.id,
      targetType: 'learner',
      targetId: String(p.learner.learnerId),
      facilityId: p.facilityA.id,
    });
    expect(entry.details).toMatchObject({ consultationId: c.id, kind: 'career', heldOn: '2026-03-09', inmateNumber: 'A-1001' });
    // The audit names the record; personal contents stay in the record.
    expect(JSON.stringify(entry.details)).not.toContain('welder');
  });

  test('the checklist before release is stored and read back', () => {
    const result = recordConsultation(p.db, p.admin.user, p.learner.learnerId, preRelease(), NOW);
    expect(result.ok && result.consultation.checklist).toEqual({ documents: true, nvaRegistration: false, housing: true, contacts: false });
    expect(result.ok && result.consultation.consultantName).toBe('Anita Kalniņa');
  });

  test('a date in the future is refused even when the input skipped the form, and nothing is stored', () => {
    const result = recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, career({ heldOn: '2026-03-11', nextOn: null }), NOW);
    expect(result).toEqual({ ok: false, code: 'consultation.invalid', errors: { heldOn: 'consultation.heldOnFuture' } });
    expect(listConsultations(p.db, p.educationStaff.user, p.learner.learnerId)).toEqual([]);
    expect(auditActions(p.db)).toEqual([]);
  });

  test('education staff of another facility are refused, and nothing is stored or audited', () => {
    const result = recordConsultation(p.db, p.otherEducationStaff.user, p.learner.learnerId, career(), NOW);
    expect(result).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(p.db.prepare('SELECT count(*) FROM consultation').pluck().get()).toBe(0);
    expect(auditActions(p.db)).toEqual([]);
  });

  test('teachers, supervisors and learners cannot record consultations, even at their own facility', () => {
    for (const person of [p.teacher, p.supervisor, p.learner]) {
      expect(recordConsultation(p.db, person.user, p.learner.learnerId, career(), NOW)).toEqual({ ok: false, code: 'auth.forbidden' });
    }
    expect(p.db.prepare('SELECT count(*) FROM consultation').pluck().get()).toBe(0);
  });

  test('an unknown learner is not found; a released learner gets no new consultation', () => {
    expect(recordConsultation(p.db, p.admin.user, 999_999, career(), NOW)).toEqual({ ok: false, code: 'learner.notFound' });
    expect(recordConsultation(p.db, p.educationStaff.user, p.formerLearner.learnerId, career(), NOW)).toEqual({
      ok: false,
      code: 'consultation.notInCustody',
    });
  });
});

describe('reading the history', () => {
  test('the history is newest first, by the day held', () => {
    const record = (heldOn: string, kind: 'career' | 'pre_release' = 'career') =>
      recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, kind === 'career' ? career({ heldOn, nextOn: null }) : preRelease({ heldOn, nextOn: null }), NOW);
    record('2025-06-01');
    record('2026-03-01', 'pre_release');
    record('2025-12-01');
    const history = listConsultations(p.db, p.educationStaff.user, p.learner.learnerId)!;
    expect(history.map((c) => c.heldOn)).toEqual(['2026-03-01', '2025-12-01', '2025-06-01']);
    expect(latestCareerConsultation(p.db, p.learner.learnerId)?.heldOn).toBe('2025-12-01');
  });

  test('without any career consultation there is no latest one', () => {
    expect(latestCareerConsultation(p.db, p.learner.learnerId)).toBeNull();
    recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, preRelease(), NOW);
    expect(latestCareerConsultation(p.db, p.learner.learnerId)).toBeNull();
  });

  test('staff of another facility and teachers do not see the history or a single record', () => {
    const result = recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, career(), NOW);
    const id = result.ok ? result.consultation.id : 0;
    for (const person of [p.otherEducationStaff, p.teacher, p.supervisor]) {
      expect(listConsultations(p.db, person.user, p.learner.learnerId)).toBeNull();
      expect(getConsultation(p.db, person.user, id)).toBeNull();
    }
    expect(getConsultation(p.db, p.educationStaff.user, id)?.id).toBe(id);
    expect(getConsultation(p.db, p.admin.user, id)?.id).toBe(id);
    expect(getConsultation(p.db, p.admin.user, id + 1000)).toBeNull();
  });

  test('the history follows the learner through a transfer: the new prison sees the old consultation', () => {
    const first = recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, career(), NOW);
    expect(first.ok).toBe(true);
    const moved = transferLearner(p.db, { kind: 'staff', user: p.educationStaff.user }, p.learner.learnerId, p.facilityB.id, {}, NOW);
    expect(moved.ok).toBe(true);

    const seenAtB = listConsultations(p.db, p.otherEducationStaff.user, p.learner.learnerId)!;
    expect(seenAtB).toHaveLength(1);
    expect(seenAtB[0]).toMatchObject({ facilityId: p.facilityA.id, facilityName: p.facilityA.name, consultantName: 'Ieva Ozola' });
    expect(getConsultation(p.db, p.otherEducationStaff.user, seenAtB[0]!.id)).not.toBeNull();
    // The old prison no longer has the learner, nor their consultations.
    expect(listConsultations(p.db, p.educationStaff.user, p.learner.learnerId)).toBeNull();
    expect(recordConsultation(p.db, p.educationStaff.user, p.learner.learnerId, career(), NOW)).toEqual({ ok: false, code: 'auth.forbidden' });

    // A consultation in the new prison is recorded there, on top of the history.
    const second = recordConsultation(p.db, p.otherEducationStaff.user, p.learner.learnerId, career({ heldOn: '2026-03-10', nextOn: null }), NOW);
    expect(second.ok && second.consultation.facilityId).toBe(p.facilityB.id);
    expect(listConsultations(p.db, p.otherEducationStaff.user, p.learner.learnerId)!.map((c) => c.facilityName)).toEqual([p.facilityB.name, p.facilityA.name]);
  });
});

describe('when the next consultation is due', () => {
  const history = (nextOn: string | null, older: string | null = null) =>
    [{ nextOn }, { nextOn: older }] as Consultation[];

  test('the newest consultation sets the date; an older plan was overtaken', () => {
    expect(nextConsultationDue(history('2026-04-01', '2026-01-01'), '2026-03-10')).toEqual({ on: '2026-04-01', overdue: false });
    expect(nextConsultationDue(history(null, '2026-01-01'), '2026-03-10')).toBeNull();
    expect(nextConsultationDue([], '2026-03-10')).toBeNull();
  });

  test('a date that has passed is overdue; today is not yet', () => {
    expect(nextConsultationDue(history('2026-03-09'), '2026-03-10')).toEqual({ on: '2026-03-09', overdue: true });
    expect(nextConsultationDue(history('2026-03-10'), '2026-03-10')).toEqual({ on: '2026-03-10', overdue: false });
  });
});
