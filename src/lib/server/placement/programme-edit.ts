import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { checkCustody, type CustodyRefusal } from '../certificates/custody.ts';
import { getProgramme, getProgrammeById, type Programme, type ProgrammeInput } from './programmes.ts';
import { offerNextSeat } from './placements.ts';

/**
 * Creating and changing programmes. Apart from the reads (programmes.ts)
 * because a change of seats offers the freed seats to the waiting list
 * (placements.ts), and placements read programmes: one direction only.
 */

export type ProgrammeError =
  | 'auth.forbidden'
  | 'programme.notFound'
  | 'programme.unknownCourse'
  | 'programme.unknownTeacher'
  | 'programme.seatsBelowEnrolled'
  /** Not an active provider of the register. */
  | 'provider.unknown';
export type ProgrammeResult = { ok: true; programme: Programme } | { ok: false; code: ProgrammeError } | CustodyRefusal;

/**
 * The provider must be an active one of the register; a programme may keep
 * the provider it already names after that provider was deactivated.
 */
function checkProvider(db: Db, input: ProgrammeInput, keepId: number | null): ProgrammeError | null {
  if (input.providerId === null || input.providerId === keepId) return null;
  return stmt(db, 'SELECT 1 FROM education_provider WHERE id = ? AND active = 1').get(input.providerId) ? null : 'provider.unknown';
}

function checkReferences(db: Db, input: ProgrammeInput): ProgrammeError | null {
  const known = (id: string) => stmt(db, 'SELECT 1 FROM course WHERE id = ? AND archived_at IS NULL').get(id) !== undefined;
  if (!input.courseIds.every(known) || (input.prerequisiteCourseId !== null && !known(input.prerequisiteCourseId))) return 'programme.unknownCourse';
  for (const id of input.teacherIds) {
    const teacher = stmt(db, "SELECT 1 FROM user WHERE id = ? AND role = 'teacher' AND active = 1").get(id);
    if (!teacher) return 'programme.unknownTeacher';
  }
  return null;
}

function writeLinks(db: Db, id: number, input: ProgrammeInput): void {
  stmt(db, 'DELETE FROM programme_course WHERE programme_id = ?').run(id);
  stmt(db, 'DELETE FROM programme_teacher WHERE programme_id = ?').run(id);
  [...new Set(input.courseIds)].forEach((courseId, i) => stmt(db, 'INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, ?, ?)').run(id, i, courseId));
  for (const userId of new Set(input.teacherIds)) {
    stmt(db, 'INSERT INTO programme_teacher (programme_id, user_id) VALUES (?, ?)').run(id, userId);
    // The programme's teachers teach its courses (they see the gradebook for their facility's learners).
    for (const courseId of input.courseIds) stmt(db, 'INSERT OR IGNORE INTO course_teacher (course_id, user_id) VALUES (?, ?)').run(courseId, userId);
  }
}

const columns = (input: ProgrammeInput) => ({
  facility: input.facilityId,
  title: input.title,
  description: input.description,
  startsOn: input.startsOn,
  endsOn: input.endsOn,
  seats: input.seats,
  language: input.language,
  minEducation: input.minEducation,
  minLatvian: input.minLatvian,
  prerequisite: input.prerequisiteCourseId,
  continues: input.continuesAfterRelease ? 1 : 0,
  interests: JSON.stringify(input.interests),
  timetable: JSON.stringify(input.timetable),
  status: input.status,
  providerId: input.providerId,
  award: input.award,
  awardLevel: input.awardLevel,
  approval: input.certificateApproval ? 1 : 0,
});

export function createProgramme(db: Db, actor: SessionUser, input: ProgrammeInput, now = new Date()): ProgrammeResult {
  if (!can(actor, 'programmes:manage', { facilityId: input.facilityId })) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): ProgrammeResult => {
      const problem = checkReferences(db, input) ?? checkProvider(db, input, null);
      if (problem) return { ok: false, code: problem };
      // The programme's title is printed on its certificates and statements.
      const custody = checkCustody(db, { title: input.title });
      if (custody) return custody;
      const at = now.toISOString();
      const id = Number(
        stmt(
          db,
          `INSERT INTO programme (facility_id, title, description, starts_on, ends_on, seats, language, min_education, min_latvian,
             prerequisite_course_id, continues_after_release, interests_json, timetable_json, status, provider_id, award, award_level,
             certificate_approval, created_by, created_at, updated_at)
           VALUES (@facility, @title, @description, @startsOn, @endsOn, @seats, @language, @minEducation, @minLatvian,
             @prerequisite, @continues, @interests, @timetable, @status, @providerId, @award, @awardLevel, @approval, @by, @at, @at)`,
        ).run({ ...columns(input), by: actor.id, at }).lastInsertRowid,
      );
      writeLinks(db, id, input);
      appendAudit(db, { actor: auditActor(actor), action: 'programme.create', targetType: 'programme', targetId: id, facilityId: input.facilityId, details: { title: input.title } }, now);
      return { ok: true, programme: getProgrammeById(db, id)! };
    })
    .immediate();
}

export function updateProgramme(db: Db, actor: SessionUser, id: number, input: ProgrammeInput, now = new Date()): ProgrammeResult {
  return db
    .transaction((): ProgrammeResult => {
      const before = getProgramme(db, actor, id);
      if (!before) return { ok: false, code: 'programme.notFound' };
      if (!can(actor, 'programmes:manage', { facilityId: input.facilityId })) return { ok: false, code: 'auth.forbidden' };
      const problem = checkReferences(db, input) ?? checkProvider(db, input, before.providerId);
      if (problem) return { ok: false, code: problem };
      const custody = checkCustody(db, { title: input.title });
      if (custody) return custody;
      if (input.seats < before.seatsTaken) return { ok: false, code: 'programme.seatsBelowEnrolled' };
      stmt(
        db,
        `UPDATE programme SET facility_id = @facility, title = @title, description = @description, starts_on = @startsOn, ends_on = @endsOn,
           seats = @seats, language = @language, min_education = @minEducation, min_latvian = @minLatvian, prerequisite_course_id = @prerequisite,
           continues_after_release = @continues, interests_json = @interests, timetable_json = @timetable, status = @status,
           provider_id = @providerId, award = @award, award_level = @awardLevel, certificate_approval = @approval, updated_at = @at
         WHERE id = @id`,
      ).run({ ...columns(input), at: now.toISOString(), id });
      writeLinks(db, id, input);
      // More seats, or the programme opened again: offer the free seats to those waiting.
      while (offerNextSeat(db, id, now) !== null);
      const after = getProgrammeById(db, id)!;
      const changed = Object.fromEntries(
        (Object.keys(input) as Array<keyof ProgrammeInput>)
          .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
          .map((k) => [k, { from: before[k], to: after[k] }]),
      );
      appendAudit(db, { actor: auditActor(actor), action: 'programme.update', targetType: 'programme', targetId: id, facilityId: input.facilityId, details: { changed } }, now);
      return { ok: true, programme: after };
    })
    .immediate();
}
