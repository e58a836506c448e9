import { z } from 'zod';
import { dateSchema } from '../../shared/schemas.ts';
import { stmt, type Db } from '../db.ts';
import { can, facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, LOCALES, type EducationLevel, type LatvianLevel, type Locale } from '../../shared/domain.ts';
import { INTERESTS, parseInterests, type Interest } from './interests.ts';
import { seatsTaken } from './seats.ts';

/**
 * Programmes: a course, or an ordered sequence of courses, offered at one
 * facility with dates, a weekly timetable, seats, teachers, a language of
 * instruction and prerequisites. Education staff of the facility (and
 * admins) create and edit them.
 */

/** One weekly lesson time: day 1 (Monday) to 7, times as HH:MM. */
export interface Slot {
  day: number;
  from: string;
  to: string;
}

export interface Programme {
  id: number;
  facilityId: number;
  facilityName: string;
  title: string;
  description: string;
  startsOn: string;
  endsOn: string;
  seats: number;
  seatsTaken: number;
  waiting: number;
  language: Locale;
  minEducation: EducationLevel | null;
  minLatvian: LatvianLevel | null;
  prerequisiteCourseId: string | null;
  continuesAfterRelease: boolean;
  interests: Interest[];
  timetable: Slot[];
  status: 'open' | 'closed';
  courseIds: string[];
  teacherIds: number[];
  /** The education provider (from the register) that issues the programme's documents; null: not named yet. */
  providerId: number | null;
  /** That provider's official (Latvian) name, as documents print it. */
  provider: string | null;
  /** What completing the whole programme earns besides module certificates. */
  award: ProgrammeAward;
  /** e.g. 'LKI 2', printed on the programme's certificate. */
  awardLevel: string | null;
  /** The programme's documents wait for the education staff's approval. */
  certificateApproval: boolean;
}

export const PROGRAMME_AWARDS = ['module', 'professional_development'] as const;
export type ProgrammeAward = (typeof PROGRAMME_AWARDS)[number];

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'programme.timeFormat' });
export const slotSchema = z
  .object({ day: z.number().int().min(1).max(7), from: time, to: time })
  .refine((s) => s.from < s.to, { path: ['to'], error: 'programme.slotOrder' });


export const programmeInputSchema = z
  .object({
    facilityId: z.number().int().positive(),
    title: z.string().trim().min(1, { error: 'validation.required' }).max(200, { error: 'validation.tooLong' }),
    description: z.string().trim().max(2000, { error: 'validation.tooLong' }).default(''),
    startsOn: dateSchema,
    endsOn: dateSchema,
    seats: z.number({ error: 'programme.seatsRange' }).int({ error: 'programme.seatsRange' }).min(1, { error: 'programme.seatsRange' }).max(500, { error: 'programme.seatsRange' }),
    language: z.enum(LOCALES),
    minEducation: z.enum(EDUCATION_LEVELS).nullable(),
    minLatvian: z.enum(LATVIAN_LEVELS).nullable(),
    prerequisiteCourseId: z.string().nullable(),
    continuesAfterRelease: z.boolean(),
    interests: z.array(z.enum(INTERESTS)).max(INTERESTS.length),
    timetable: z.array(slotSchema).max(14),
    courseIds: z.array(z.string()).min(1, { error: 'programme.courseRequired' }).max(10),
    teacherIds: z.array(z.number().int().positive()).max(20),
    status: z.enum(['open', 'closed']),
    /** An education provider from the register (never free text); null: not named yet. */
    providerId: z.number({ error: 'provider.unknown' }).int({ error: 'provider.unknown' }).positive({ error: 'provider.unknown' }).nullable(),
    award: z.enum(PROGRAMME_AWARDS),
    awardLevel: z.string().trim().max(40, { error: 'validation.tooLong' }).nullable().transform((v) => v || null),
    certificateApproval: z.boolean(),
  })
  .refine((p) => p.endsOn >= p.startsOn, { path: ['endsOn'], error: 'programme.endsBeforeStart' });
export type ProgrammeInput = z.infer<typeof programmeInputSchema>;

interface Row {
  id: number;
  facility_id: number;
  facility_name: string;
  title: string;
  description: string;
  starts_on: string;
  ends_on: string;
  seats: number;
  language: Locale;
  min_education: EducationLevel | null;
  min_latvian: LatvianLevel | null;
  prerequisite_course_id: string | null;
  continues_after_release: number;
  interests_json: string;
  timetable_json: string;
  status: 'open' | 'closed';
  provider_id: number | null;
  provider: string | null;
  award: ProgrammeAward;
  award_level: string | null;
  certificate_approval: number;
}

const SELECT = `SELECT g.id, g.facility_id, f.name AS facility_name, g.title, g.description, g.starts_on, g.ends_on, g.seats, g.language,
  g.min_education, g.min_latvian, g.prerequisite_course_id, g.continues_after_release, g.interests_json, g.timetable_json, g.status,
  g.provider_id, ep.name_lv AS provider, g.award, g.award_level, g.certificate_approval
  FROM programme g JOIN facility f ON f.id = g.facility_id LEFT JOIN education_provider ep ON ep.id = g.provider_id`;

function toProgramme(db: Db, r: Row): Programme {
  return {
    id: r.id,
    facilityId: r.facility_id,
    facilityName: r.facility_name,
    title: r.title,
    description: r.description,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    seats: r.seats,
    seatsTaken: seatsTaken(db, r.id),
    waiting: stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'waitlisted'").pluck().get(r.id) as number,
    language: r.language,
    minEducation: r.min_education,
    minLatvian: r.min_latvian,
    prerequisiteCourseId: r.prerequisite_course_id,
    continuesAfterRelease: r.continues_after_release === 1,
    interests: parseInterests(r.interests_json),
    timetable: JSON.parse(r.timetable_json) as Slot[],
    status: r.status,
    courseIds: stmt(db, 'SELECT course_id FROM programme_course WHERE programme_id = ? ORDER BY position').pluck().all(r.id) as string[],
    teacherIds: stmt(db, 'SELECT user_id FROM programme_teacher WHERE programme_id = ? ORDER BY user_id').pluck().all(r.id) as number[],
    providerId: r.provider_id,
    provider: r.provider,
    award: r.award,
    awardLevel: r.award_level,
    certificateApproval: r.certificate_approval === 1,
  };
}

/** A programme the actor may manage, or null. */
export function getProgramme(db: Db, actor: SessionUser, id: number): Programme | null {
  const row = stmt(db, `${SELECT} WHERE g.id = ?`).get(id) as Row | undefined;
  return row && can(actor, 'programmes:manage', { facilityId: row.facility_id }) ? toProgramme(db, row) : null;
}

/** Any programme by id, for domain code that has already authorized the actor. */
export function getProgrammeById(db: Db, id: number): Programme | null {
  const row = stmt(db, `${SELECT} WHERE g.id = ?`).get(id) as Row | undefined;
  return row ? toProgramme(db, row) : null;
}

/** Programmes of the facilities where the actor manages programmes (or of one facility). */
export function listProgrammes(db: Db, actor: SessionUser, filter: { facilityId?: number; status?: 'open' | 'closed' } = {}): Programme[] {
  const scope = facilitiesFor(actor, 'programmes:manage');
  if (scope !== 'all' && scope.length === 0) return [];
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (scope !== 'all') where.push(`g.facility_id IN (${scope.map(Number).join(',')})`);
  if (filter.facilityId !== undefined) (where.push('g.facility_id = @facility'), (params.facility = filter.facilityId));
  if (filter.status) (where.push('g.status = @status'), (params.status = filter.status));
  const rows = stmt(db, `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY g.status = 'closed', g.starts_on, g.title`).all(params) as Row[];
  return rows.map((r) => toProgramme(db, r));
}

/** Open programmes of a facility that have not ended by `today` (for placement). */
export function listOpenProgrammes(db: Db, facilityId: number, today: string): Programme[] {
  const rows = stmt(db, `${SELECT} WHERE g.facility_id = ? AND g.status = 'open' AND g.ends_on >= ? ORDER BY g.starts_on, g.title`).all(facilityId, today) as Row[];
  return rows.map((r) => toProgramme(db, r));
}

/** Do two weekly timetables meet (a common day with overlapping times)? */
export function slotsClash(a: readonly Slot[], b: readonly Slot[]): boolean {
  return a.some((x) => b.some((y) => x.day === y.day && x.from < y.to && y.from < x.to));
}

/** Do two programmes run at the same time: overlapping dates and clashing slots? */
export function programmesClash(a: Pick<Programme, 'startsOn' | 'endsOn' | 'timetable'>, b: Pick<Programme, 'startsOn' | 'endsOn' | 'timetable'>): boolean {
  return a.startsOn <= b.endsOn && b.startsOn <= a.endsOn && slotsClash(a.timetable, b.timetable);
}

/** Active teachers of the given facilities (home facility), for the programme form. */
export function listTeachers(db: Db, facilityIds: 'all' | number[]): Array<{ id: number; name: string; facilityId: number | null }> {
  if (facilityIds !== 'all' && facilityIds.length === 0) return [];
  const where = facilityIds === 'all' ? '' : `AND facility_id IN (${facilityIds.map(Number).join(',')})`;
  return (
    stmt(db, `SELECT id, display_name, facility_id FROM user WHERE role = 'teacher' AND active = 1 ${where} ORDER BY display_name`).all() as Array<{
      id: number;
      display_name: string;
      facility_id: number | null;
    }>
  ).map((r) => ({ id: r.id, name: r.display_name, facilityId: r.facility_id }));
}
