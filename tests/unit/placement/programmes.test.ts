import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { placeLearner } from '../../../src/lib/server/placement/placements.ts';
import { COURSE_ROWS, readProgrammeForm, SLOT_ROWS, valuesOf } from '../../../src/lib/server/placement/programme-form.ts';
import { getProgramme, getProgrammeById, listProgrammes, listTeachers, programmeInputSchema, programmesClash, slotsClash, type ProgrammeInput, type Slot } from '../../../src/lib/server/placement/programmes.ts';
import { createProgramme, updateProgramme } from '../../../src/lib/server/placement/programme-edit.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';
import type { InstalledCourse } from '../../helpers/learning.ts';
import { addConsultation, addLearner, addProgramme, addStaff, auditRows, installCourse, NOW, programmeInput } from '../../helpers/placement.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let c1: InstalledCourse;
let c2: InstalledCourse;

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
  c2 = installCourse(p.db, courses.dir, 'metinasana-prakse');
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const later = new Date(NOW.getTime() + 3_600_000);
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);
const count = (sql: string, ...params: unknown[]) => stmt(p.db, sql).pluck().get(...params) as number;
const inputA = (overrides: Partial<ProgrammeInput> = {}) => programmeInput(p.facilityA.id, [c1.course.id, c2.course.id], overrides);
const programmeAudit = () => auditRows(p.db).filter((a) => a.action.startsWith('programme.'));

// ---------------------------------------------------------------------------

/** The schema's issues as `path: message`. */
const issues = (input: unknown) => {
  const r = programmeInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const schemaInput = (overrides: Record<string, unknown> = {}) => ({ ...programmeInput(1, ['metinasana-pamati']), ...overrides });

describe('programmeInputSchema', () => {
  test('a complete programme passes; the title is trimmed, the description defaults to empty', () => {
    const { description: _, ...withoutDescription } = schemaInput({ title: '  Metināšana  ' });
    const r = programmeInputSchema.safeParse(withoutDescription);
    expect(r.success).toBe(true);
    expect(r.success && r.data).toMatchObject({ title: 'Metināšana', description: '' });
  });

  test('dates: YYYY-MM-DD real dates; the end may equal the start but not come before it', () => {
    expect(issues(schemaInput({ startsOn: '2026-03-9' }))).toContain('startsOn: validation.date');
    expect(issues(schemaInput({ startsOn: '09.03.2026' }))).toContain('startsOn: validation.date');
    expect(issues(schemaInput({ endsOn: '2026-13-01' }))).toEqual(['endsOn: validation.date']);
    expect(issues(schemaInput({ endsOn: '2026-12-32' }))).toEqual(['endsOn: validation.date']);
    expect(issues(schemaInput({ endsOn: '' }))).toContain('endsOn: validation.date');
    for (const bad of ['2026-03-9', '09.03.2026', '']) expect(issues(schemaInput({ startsOn: bad })).every((i) => i.startsWith('startsOn: ') || i === 'endsOn: programme.endsBeforeStart')).toBe(true);
    expect(issues(schemaInput({ startsOn: '2026-06-30', endsOn: '2026-06-29' }))).toEqual(['endsOn: programme.endsBeforeStart']);
    expect(issues(schemaInput({ startsOn: '2026-06-30', endsOn: '2026-06-30' }))).toEqual([]);
  });

  // Was a bug, fixed (programmes.ts line 53, the `date` schema): Date.parse('2026-02-30T00:00:00Z') is not NaN
  // in V8 (it rolls over to 2 March), so impossible dates pass and are stored. The shared date
  // schema (src/lib/shared/schemas.ts) also checks that the date reads back the same.
  test('dates that do not exist (30 February, 31 April) are refused', () => {
    expect(issues(schemaInput({ startsOn: '2026-02-30' }))).toEqual(['startsOn: validation.date']);
    expect(issues(schemaInput({ endsOn: '2026-04-31' }))).toEqual(['endsOn: validation.date']);
  });

  test('seats: a whole number from 1 to 500', () => {
    for (const seats of [1, 12, 500]) expect(issues(schemaInput({ seats }))).toEqual([]);
    for (const seats of [0, -1, 501, 2.5, Number.NaN, '12']) expect(issues(schemaInput({ seats }))).toEqual(['seats: programme.seatsRange']);
  });

  test('timetable slots: day 1–7, HH:MM times, from before to; at most 14', () => {
    const slot = (s: Partial<Slot>) => issues(schemaInput({ timetable: [{ day: 1, from: '09:00', to: '10:00', ...s }] }));
    expect(slot({})).toEqual([]);
    expect(slot({ day: 7, from: '00:00', to: '23:59' })).toEqual([]);
    expect(slot({ from: '9:00' })).toContain('timetable.0.from: programme.timeFormat');
    expect(slot({ to: '24:00' })).toEqual(['timetable.0.to: programme.timeFormat']);
    expect(slot({ to: '10:5' })).toContain('timetable.0.to: programme.timeFormat');
    expect(slot({ from: '08:60' })).toEqual(['timetable.0.from: programme.timeFormat']);
    expect(slot({ from: '11:00', to: '10:00' })).toEqual(['timetable.0.to: programme.slotOrder']);
    expect(slot({ from: '10:00', to: '10:00' })).toEqual(['timetable.0.to: programme.slotOrder']);
    expect(slot({ day: 0 })).toHaveLength(1);
    expect(slot({ day: 8 })).toHaveLength(1);
    expect(slot({ day: 1.5 })).toHaveLength(1);
    expect(issues(schemaInput({ timetable: [] }))).toEqual([]);
    expect(issues(schemaInput({ timetable: Array.from({ length: 14 }, (_, i) => ({ day: (i % 7) + 1, from: '09:00', to: '10:00' })) }))).toEqual([]);
    expect(issues(schemaInput({ timetable: Array.from({ length: 15 }, (_, i) => ({ day: (i % 7) + 1, from: '09:00', to: '10:00' })) }))).toHaveLength(1);
  });

  test('at least one course (at most ten); known interests, languages, levels and statuses', () => {
    expect(issues(schemaInput({ courseIds: [] }))).toEqual(['courseIds: programme.courseRequired']);
    expect(issues(schemaInput({ courseIds: Array.from({ length: 11 }, (_, i) => `c${i}`) }))).toHaveLength(1);
    expect(issues(schemaInput({ interests: ['welding', 'astronomy'] }))[0]).toMatch(/^interests\.1: /);
    expect(issues(schemaInput({ language: 'de' }))[0]).toMatch(/^language: /);
    expect(issues(schemaInput({ minEducation: 'doctorate' }))[0]).toMatch(/^minEducation: /);
    expect(issues(schemaInput({ minLatvian: 'B3' }))[0]).toMatch(/^minLatvian: /);
    expect(issues(schemaInput({ status: 'draft' }))[0]).toMatch(/^status: /);
    expect(issues(schemaInput({ title: '   ' }))).toEqual(['title: validation.required']);
    expect(issues(schemaInput({ title: 'x'.repeat(201) }))).toEqual(['title: validation.tooLong']);
    expect(issues(schemaInput({ facilityId: 0 }))[0]).toMatch(/^facilityId: /);
  });
});

// ---------------------------------------------------------------------------

/** A FormData as the programme form sends it. */
const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) f.append(k, one);
  return f;
};
const validForm = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Metinātāja palīgs',
  description: 'Praktiskas nodarbības darbnīcā.',
  facilityId: '1',
  startsOn: '2026-03-09',
  endsOn: '2026-06-30',
  seats: '12',
  language: 'lv',
  minEducation: 'basic',
  minLatvian: '',
  prerequisiteCourseId: '',
  continuesAfterRelease: '1',
  interests: ['welding', 'construction'],
  teacherIds: ['7', 'x'],
  course0: 'metinasana-pamati',
  course1: '',
  course2: 'metinasana-prakse',
  slot0Day: '1',
  slot0From: '09:00',
  slot0To: '11:30',
  slot1Day: '',
  slot1From: '',
  slot1To: '',
  slot2Day: '3',
  slot2From: '13:00',
  slot2To: '15:00',
  status: 'open',
  providerId: '3',
  award: 'professional_development',
  awardLevel: 'LKI 2',
  certificateApproval: '1',
  ...overrides,
});

describe('readProgrammeForm', () => {
  test('a filled form becomes a ProgrammeInput: numbers, flags, repeated fields, filled course and timetable rows', () => {
    expect(SLOT_ROWS).toBe(4);
    expect(COURSE_ROWS).toBe(3);
    const r = readProgrammeForm(form(validForm()));
    expect(r.ok).toBe(true);
    expect(r.ok && r.input).toEqual({
      facilityId: 1,
      title: 'Metinātāja palīgs',
      description: 'Praktiskas nodarbības darbnīcā.',
      startsOn: '2026-03-09',
      endsOn: '2026-06-30',
      seats: 12,
      language: 'lv',
      minEducation: 'basic',
      minLatvian: null,
      prerequisiteCourseId: null,
      continuesAfterRelease: true,
      interests: ['welding', 'construction'],
      timetable: [
        { day: 1, from: '09:00', to: '11:30' },
        { day: 3, from: '13:00', to: '15:00' },
      ],
      courseIds: ['metinasana-pamati', 'metinasana-prakse'],
      teacherIds: [7],
      status: 'open',
      providerId: 3,
      award: 'professional_development',
      awardLevel: 'LKI 2',
      certificateApproval: true,
    });
    // Unticked checkboxes, no status, award or provider sent: module certificates, issued without approval, provider not named yet.
    const { continuesAfterRelease: _c, status: _s, award: _a, providerId: _p, awardLevel: _l, certificateApproval: _ca, ...rest } = validForm();
    const r2 = readProgrammeForm(form(rest));
    expect(r2.ok && [r2.input.continuesAfterRelease, r2.input.status, r2.input.award, r2.input.providerId, r2.input.awardLevel, r2.input.certificateApproval]).toEqual([
      false,
      'open',
      'module',
      null,
      null,
      false,
    ]);
    expect(readProgrammeForm(form(validForm({ award: 'atestats' }))).ok).toBe(false);
    // The provider is an id from the register: typed text is refused, next to the select.
    for (const typed of ['Rīgas Valsts tehnikums', '-1', '1.5', '0']) {
      const r3 = readProgrammeForm(form(validForm({ providerId: typed })));
      expect(!r3.ok && r3.errors).toEqual({ providerId: 'provider.unknown' });
    }
  });

  test('an empty form: an error on every required field, the values kept as typed', () => {
    const r = readProgrammeForm(form({ seats: ' ' }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual({
      title: 'validation.required',
      facilityId: 'validation.required',
      startsOn: 'validation.date',
      endsOn: 'validation.date',
      seats: 'programme.seatsRange',
      language: 'validation.invalid',
      course0: 'programme.courseRequired',
    });
    expect(r.values).toMatchObject({ title: '', seats: ' ', courseIds: ['', '', ''], slots: Array.from({ length: SLOT_ROWS }, () => ({ day: '', from: '', to: '' })) });
  });

  test('seats out of range or not a number', () => {
    for (const seats of ['0', '501', 'abc', '2.5', '-3']) {
      const r = readProgrammeForm(form(validForm({ seats })));
      expect(!r.ok && r.errors).toEqual({ seats: 'programme.seatsRange' });
      expect(r.values.seats).toBe(seats);
    }
  });

  test('an end before the start is an error on the end date', () => {
    const r = readProgrammeForm(form(validForm({ startsOn: '2026-06-30', endsOn: '2026-03-09' })));
    expect(!r.ok && r.errors).toEqual({ endsOn: 'programme.endsBeforeStart' });
  });

  test('a half-filled timetable row is an error on that row, even when everything else is right', () => {
    const r = readProgrammeForm(form(validForm({ slot1Day: '2', slot1From: '09:00' })));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual({ slot1: 'programme.slotIncomplete' });
    const onlyTime = readProgrammeForm(form(validForm({ slot3To: '12:00' })));
    expect(!onlyTime.ok && onlyTime.errors).toEqual({ slot3: 'programme.slotIncomplete' });
  });

  test('errors of filled rows land on the row the person filled (empty and half-filled rows in between)', () => {
    const r = readProgrammeForm(
      form(
        validForm({
          slot0Day: '',
          slot0From: '',
          slot0To: '',
          slot1Day: '2',
          slot1From: '',
          slot1To: '',
          slot2Day: '3',
          slot2From: '15:00',
          slot2To: '13:00',
          slot3Day: '4',
          slot3From: '8:00',
          slot3To: '10:00',
        }),
      ),
    );
    expect(!r.ok && r.errors).toEqual({ slot1: 'programme.slotIncomplete', slot2: 'programme.slotOrder', slot3: 'programme.timeFormat' });
  });

  test('a day outside 1–7 or not a number is an error on its row', () => {
    for (const day of ['0', '8', 'pirmdiena']) {
      const r = readProgrammeForm(form(validForm({ slot2Day: day })));
      expect(!r.ok && r.errors).toEqual({ slot2: 'validation.invalid' });
    }
  });

  test('no course chosen is an error on the first course row; an unknown interest on the interests', () => {
    const noCourse = readProgrammeForm(form(validForm({ course0: '', course2: '' })));
    expect(!noCourse.ok && noCourse.errors).toEqual({ course0: 'programme.courseRequired' });
    const badInterest = readProgrammeForm(form(validForm({ interests: ['welding', 'astronomy'] })));
    expect(!badInterest.ok && badInterest.errors).toEqual({ interests: 'validation.invalid' });
  });

  test('valuesOf a programme fills the form back; reading it gives the same input', () => {
    const g = addProgramme(p.db, p.admin.user, inputA({ minLatvian: 'A2', timetable: [{ day: 2, from: '10:00', to: '12:00' }], teacherIds: [p.teacher.user.id] }));
    const v = valuesOf(g);
    const fields: Record<string, string | string[]> = {
      title: v.title,
      description: v.description,
      facilityId: v.facilityId,
      startsOn: v.startsOn,
      endsOn: v.endsOn,
      seats: v.seats,
      language: v.language,
      minEducation: v.minEducation,
      minLatvian: v.minLatvian,
      prerequisiteCourseId: v.prerequisiteCourseId,
      interests: v.interests,
      teacherIds: v.teacherIds,
      status: v.status,
      providerId: v.providerId,
      award: v.award,
      awardLevel: v.awardLevel,
      ...(v.certificateApproval ? { certificateApproval: '1' } : {}),
      ...(v.continuesAfterRelease ? { continuesAfterRelease: '1' } : {}),
      ...Object.fromEntries(v.courseIds.map((c, i) => [`course${i}`, c])),
      ...Object.fromEntries(v.slots.flatMap((s, i) => [[`slot${i}Day`, s.day], [`slot${i}From`, s.from], [`slot${i}To`, s.to]])),
    };
    const r = readProgrammeForm(form(fields));
    expect(r.ok && r.input).toEqual(inputA({ minLatvian: 'A2', timetable: [{ day: 2, from: '10:00', to: '12:00' }], teacherIds: [p.teacher.user.id] }));
  });
});

// ---------------------------------------------------------------------------

describe('creating a programme', () => {
  test('education staff create one at their prison: stored with its courses in order, teachers, and audited', () => {
    const staff = p.educationStaff.user;
    const r = createProgramme(p.db, staff, inputA({ courseIds: [c2.course.id, c1.course.id], teacherIds: [p.teacher.user.id], seats: 8 }), NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.programme).toMatchObject({
      facilityId: p.facilityA.id,
      facilityName: p.facilityA.name,
      title: 'Metinātāja palīgs',
      seats: 8,
      seatsTaken: 0,
      waiting: 0,
      courseIds: [c2.course.id, c1.course.id],
      teacherIds: [p.teacher.user.id],
      interests: ['welding'],
      timetable: [{ day: 1, from: '09:00', to: '11:30' }],
      status: 'open',
      continuesAfterRelease: false,
    });
    expect(stmt(p.db, 'SELECT created_by, created_at, updated_at FROM programme WHERE id = ?').get(r.programme.id)).toEqual({
      created_by: staff.id,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(programmeAudit()).toEqual([
      {
        action: 'programme.create',
        actor_user_id: staff.id,
        actor_label: 'ieva.ozola',
        target_type: 'programme',
        target_id: String(r.programme.id),
        facility_id: p.facilityA.id,
        details: { title: 'Metinātāja palīgs' },
      },
    ]);
  });

  test('the programme’s teachers become teachers of its courses', () => {
    const second = addStaff(p.db, 'teacher', 'otra.skolotaja', p.facilityA.id);
    const before = count('SELECT count(*) FROM course_teacher');
    addProgramme(p.db, p.admin.user, inputA({ teacherIds: [p.teacher.user.id, second.id, second.id] }));
    const rows = stmt(p.db, 'SELECT course_id, user_id FROM course_teacher ORDER BY course_id, user_id').all();
    expect(rows).toEqual(
      [
        { course_id: c1.course.id, user_id: p.teacher.user.id },
        { course_id: c1.course.id, user_id: second.id },
        { course_id: c2.course.id, user_id: p.teacher.user.id },
        { course_id: c2.course.id, user_id: second.id },
      ].sort((a, b) => a.course_id.localeCompare(b.course_id) || a.user_id - b.user_id),
    );
    expect(before).toBe(0);
  });

  test('a course listed twice is kept once', () => {
    const g = addProgramme(p.db, p.admin.user, inputA({ courseIds: [c1.course.id, c2.course.id, c1.course.id] }));
    expect(g.courseIds).toEqual([c1.course.id, c2.course.id]);
  });

  test('only admins and the facility’s education staff create programmes', () => {
    const staff = p.educationStaff.user;
    const inB = programmeInput(p.facilityB.id, [c1.course.id]);
    expect(code(createProgramme(p.db, staff, inB, NOW))).toBe('auth.forbidden');
    for (const who of [p.teacher.user, p.supervisor.user, p.learner.user, p.released.user]) expect(code(createProgramme(p.db, who, inputA(), NOW))).toBe('auth.forbidden');
    expect(count('SELECT count(*) FROM programme')).toBe(0);
    expect(programmeAudit()).toEqual([]);
    expect(code(createProgramme(p.db, p.admin.user, inB, NOW))).toBe('ok');
    expect(code(createProgramme(p.db, p.otherEducationStaff.user, inB, NOW))).toBe('ok');
    // A grant extends the right to the other prison.
    expect(code(createProgramme(p.db, grantFacility(p.db, p.educationStaff, p.facilityB.id), inB, NOW))).toBe('ok');
  });

  test('unknown or archived courses and prerequisites, and anyone but an active teacher, are refused; nothing is written', () => {
    const staff = p.educationStaff.user;
    expect(code(createProgramme(p.db, staff, inputA({ courseIds: [c1.course.id, 'nav-tada-kursa'] }), NOW))).toBe('programme.unknownCourse');
    expect(code(createProgramme(p.db, staff, inputA({ prerequisiteCourseId: 'nav-tada-kursa' }), NOW))).toBe('programme.unknownCourse');
    stmt(p.db, 'UPDATE course SET archived_at = ? WHERE id = ?').run(NOW.toISOString(), c2.course.id);
    expect(code(createProgramme(p.db, staff, inputA(), NOW))).toBe('programme.unknownCourse');
    expect(code(createProgramme(p.db, staff, inputA({ courseIds: [c1.course.id], prerequisiteCourseId: c2.course.id }), NOW))).toBe('programme.unknownCourse');
    const inactive = addStaff(p.db, 'teacher', 'bijusi.skolotaja', p.facilityA.id, false);
    for (const teacherId of [p.supervisor.user.id, p.educationStaff.user.id, p.learner.user.id, inactive.id, 99_999]) {
      expect(code(createProgramme(p.db, staff, inputA({ courseIds: [c1.course.id], teacherIds: [teacherId] }), NOW))).toBe('programme.unknownTeacher');
    }
    expect(count('SELECT count(*) FROM programme')).toBe(0);
    expect(count('SELECT count(*) FROM course_teacher')).toBe(0);
    expect(programmeAudit()).toEqual([]);
    // A teacher of the other prison may teach here.
    const teacherB = addStaff(p.db, 'teacher', 'skolotajs.b', p.facilityB.id);
    expect(code(createProgramme(p.db, staff, inputA({ courseIds: [c1.course.id], teacherIds: [teacherB.id] }), NOW))).toBe('ok');
  });
});

describe('reading and listing programmes', () => {
  test('getProgramme and listProgrammes show the programmes of the facilities one manages', () => {
    const a1 = addProgramme(p.db, p.admin.user, inputA({ title: 'A1', startsOn: '2026-04-01' }));
    const a2 = addProgramme(p.db, p.admin.user, inputA({ title: 'A2 closed', status: 'closed' }));
    const b1 = addProgramme(p.db, p.admin.user, programmeInput(p.facilityB.id, [c1.course.id], { title: 'B1' }));
    expect(getProgramme(p.db, p.educationStaff.user, a1.id)?.title).toBe('A1');
    expect(getProgramme(p.db, p.educationStaff.user, b1.id)).toBeNull();
    expect(getProgramme(p.db, p.teacher.user, a1.id)).toBeNull();
    expect(getProgramme(p.db, p.admin.user, b1.id)?.title).toBe('B1');
    expect(getProgramme(p.db, p.admin.user, 99_999)).toBeNull();
    expect(getProgrammeById(p.db, b1.id)?.facilityName).toBe(p.facilityB.name);
    // By status, then start date and title.
    expect(listProgrammes(p.db, p.educationStaff.user).map((g) => g.title).sort()).toEqual(['A1', 'A2 closed']);
    expect(listProgrammes(p.db, p.educationStaff.user, { status: 'closed' }).map((g) => g.id)).toEqual([a2.id]);
    expect(listProgrammes(p.db, p.educationStaff.user, { facilityId: p.facilityB.id })).toEqual([]);
    expect(listProgrammes(p.db, p.admin.user, { status: 'open' }).map((g) => g.title)).toEqual(['B1', 'A1']);
    expect(listProgrammes(p.db, p.admin.user)).toHaveLength(3);
    expect(listProgrammes(p.db, p.admin.user, { facilityId: p.facilityB.id }).map((g) => g.id)).toEqual([b1.id]);
    expect(listProgrammes(p.db, p.teacher.user)).toEqual([]);
    expect(listProgrammes(p.db, p.otherEducationStaff.user).map((g) => g.id)).toEqual([b1.id]);
  });

  test('listTeachers: active teachers of the given facilities', () => {
    addStaff(p.db, 'teacher', 'skolotajs.b', p.facilityB.id);
    addStaff(p.db, 'teacher', 'bijusi.skolotaja', p.facilityA.id, false);
    expect(listTeachers(p.db, [p.facilityA.id]).map((t) => t.id)).toEqual([p.teacher.user.id]);
    expect(listTeachers(p.db, 'all').map((t) => t.name).sort()).toEqual(['Jānis Liepa', 'skolotajs.b']);
    expect(listTeachers(p.db, [])).toEqual([]);
  });
});

describe('updating a programme', () => {
  test('the facility’s staff change it; the audit entry lists what changed, from and to', () => {
    const g = addProgramme(p.db, p.admin.user, inputA());
    const r = updateProgramme(p.db, p.educationStaff.user, g.id, inputA({ title: 'Metinātājs', seats: 14, timetable: [{ day: 2, from: '09:00', to: '11:30' }] }), later);
    expect(r.ok && r.programme).toMatchObject({ title: 'Metinātājs', seats: 14, timetable: [{ day: 2, from: '09:00', to: '11:30' }] });
    expect(stmt(p.db, 'SELECT created_at, updated_at FROM programme WHERE id = ?').get(g.id)).toEqual({ created_at: NOW.toISOString(), updated_at: later.toISOString() });
    expect(programmeAudit().at(-1)).toEqual({
      action: 'programme.update',
      actor_user_id: p.educationStaff.user.id,
      actor_label: 'ieva.ozola',
      target_type: 'programme',
      target_id: String(g.id),
      facility_id: p.facilityA.id,
      details: {
        changed: {
          title: { from: 'Metinātāja palīgs', to: 'Metinātājs' },
          seats: { from: 10, to: 14 },
          timetable: { from: [{ day: 1, from: '09:00', to: '11:30' }], to: [{ day: 2, from: '09:00', to: '11:30' }] },
        },
      },
    });
  });

  test('staff of another prison, teachers and unknown ids get programme.notFound; moving it to a prison one does not manage is forbidden', () => {
    const g = addProgramme(p.db, p.admin.user, inputA());
    expect(code(updateProgramme(p.db, p.otherEducationStaff.user, g.id, inputA({ title: 'x' }), later))).toBe('programme.notFound');
    expect(code(updateProgramme(p.db, p.teacher.user, g.id, inputA({ title: 'x' }), later))).toBe('programme.notFound');
    expect(code(updateProgramme(p.db, p.admin.user, 99_999, inputA(), later))).toBe('programme.notFound');
    expect(code(updateProgramme(p.db, p.educationStaff.user, g.id, programmeInput(p.facilityB.id, [c1.course.id]), later))).toBe('auth.forbidden');
    expect(getProgrammeById(p.db, g.id)).toMatchObject({ title: 'Metinātāja palīgs', facilityId: p.facilityA.id });
    expect(programmeAudit().map((a) => a.action)).toEqual(['programme.create']);
    expect(code(updateProgramme(p.db, p.admin.user, g.id, programmeInput(p.facilityB.id, [c1.course.id]), later))).toBe('ok');
    expect(getProgrammeById(p.db, g.id)!.facilityId).toBe(p.facilityB.id);
  });

  test('seats cannot go below the learners enrolled; unknown courses and teachers are refused', () => {
    const g = addProgramme(p.db, p.admin.user, inputA({ seats: 5 }));
    for (let i = 0; i < 3; i++) {
      const l = addLearner(p.db, p.facilityA.id);
      addConsultation(p.db, l.learnerId);
      expect(placeLearner(p.db, p.educationStaff.user, l.learnerId, g.id, 'enrol', { now: NOW }).ok).toBe(true);
    }
    expect(code(updateProgramme(p.db, p.educationStaff.user, g.id, inputA({ seats: 2 }), later))).toBe('programme.seatsBelowEnrolled');
    expect(code(updateProgramme(p.db, p.educationStaff.user, g.id, inputA({ courseIds: ['nav-tada-kursa'] }), later))).toBe('programme.unknownCourse');
    expect(code(updateProgramme(p.db, p.educationStaff.user, g.id, inputA({ teacherIds: [p.supervisor.user.id] }), later))).toBe('programme.unknownTeacher');
    expect(getProgrammeById(p.db, g.id)).toMatchObject({ seats: 5, seatsTaken: 3, courseIds: [c1.course.id, c2.course.id] });
    expect(code(updateProgramme(p.db, p.educationStaff.user, g.id, inputA({ seats: 3 }), later))).toBe('ok');
  });

  test('courses and teachers are replaced; new teachers become teachers of the courses', () => {
    const second = addStaff(p.db, 'teacher', 'otra.skolotaja', p.facilityA.id);
    const g = addProgramme(p.db, p.admin.user, inputA({ courseIds: [c1.course.id], teacherIds: [p.teacher.user.id] }));
    const r = updateProgramme(p.db, p.admin.user, g.id, inputA({ courseIds: [c2.course.id, c1.course.id], teacherIds: [second.id] }), later);
    expect(r.ok && [r.programme.courseIds, r.programme.teacherIds]).toEqual([[c2.course.id, c1.course.id], [second.id]]);
    const teaches = (userId: number) => stmt(p.db, 'SELECT course_id FROM course_teacher WHERE user_id = ? ORDER BY course_id').pluck().all(userId);
    expect(teaches(second.id)).toEqual([c1.course.id, c2.course.id].sort());
  });
});

describe('timetable clashes', () => {
  const slot = (day: number, from: string, to: string): Slot => ({ day, from, to });

  test('slotsClash: the same day with overlapping times', () => {
    expect(slotsClash([slot(1, '09:00', '11:00')], [slot(1, '10:00', '12:00')])).toBe(true);
    expect(slotsClash([slot(1, '10:00', '12:00')], [slot(1, '09:00', '11:00')])).toBe(true);
    expect(slotsClash([slot(1, '09:00', '12:00')], [slot(1, '10:00', '11:00')])).toBe(true);
    expect(slotsClash([slot(1, '09:00', '11:00')], [slot(1, '09:00', '11:00')])).toBe(true);
    // Back to back is not a clash.
    expect(slotsClash([slot(1, '09:00', '11:00')], [slot(1, '11:00', '12:00')])).toBe(false);
    expect(slotsClash([slot(1, '09:00', '11:00')], [slot(2, '09:00', '11:00')])).toBe(false);
    expect(slotsClash([slot(1, '09:00', '10:00'), slot(4, '13:00', '15:00')], [slot(2, '09:00', '10:00'), slot(4, '14:30', '16:00')])).toBe(true);
    expect(slotsClash([], [slot(1, '09:00', '10:00')])).toBe(false);
  });

  test('programmesClash: overlapping dates (a shared day counts) and clashing slots', () => {
    const a = { startsOn: '2026-03-09', endsOn: '2026-06-30', timetable: [slot(1, '09:00', '11:30')] };
    expect(programmesClash(a, { startsOn: '2026-05-01', endsOn: '2026-08-31', timetable: [slot(1, '11:00', '12:00')] })).toBe(true);
    expect(programmesClash(a, { startsOn: '2026-06-30', endsOn: '2026-08-31', timetable: [slot(1, '09:00', '10:00')] })).toBe(true);
    expect(programmesClash(a, { startsOn: '2026-07-01', endsOn: '2026-08-31', timetable: [slot(1, '09:00', '10:00')] })).toBe(false);
    expect(programmesClash(a, { startsOn: '2026-01-01', endsOn: '2026-03-08', timetable: [slot(1, '09:00', '10:00')] })).toBe(false);
    expect(programmesClash(a, { startsOn: '2026-03-09', endsOn: '2026-06-30', timetable: [slot(3, '09:00', '10:00')] })).toBe(false);
  });
});
