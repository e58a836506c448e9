import { stmt, type Db } from '../db.ts';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, type EducationLevel, type LatvianLevel } from '../../shared/domain.ts';
import { parseInterests, type Interest } from './interests.ts';
import { programmesClash, type Programme } from './programmes.ts';

/**
 * Whether a learner may be placed in a programme, and why not: ONE function
 * (`assessProgramme`) that the ranked list shows and the placement refuses
 * with, so a rule the page shows is a rule the server enforces.
 *
 * Each blocking reason has a code (`placement.…`). Some may be overridden by
 * the education staff with a written reason (recorded on the placement and
 * audited): the programme's own entry requirements and the learner's time
 * left, which staff may judge differently for one person. The rest never:
 * another prison's programme, a place the learner already has, a missing or
 * stale career consultation, a full programme (that is what the waiting list
 * is for), a closed programme, a learner not in custody.
 */

/** Blocking reasons staff may override with a written reason. */
export const OVERRIDABLE_BLOCKS = [
  'placement.educationMissing',
  'placement.latvianMissing',
  'placement.prerequisiteMissing',
  'placement.cannotFinish',
  'placement.clash',
] as const;
export type OverridableBlock = (typeof OVERRIDABLE_BLOCKS)[number];
/** Blocking reasons nobody overrides. */
export type FixedBlock = 'placement.already' | 'placement.full' | 'placement.noConsultation';
export type Block = OverridableBlock | FixedBlock;

export const isOverridable = (block: Block): block is OverridableBlock => (OVERRIDABLE_BLOCKS as readonly string[]).includes(block);

/** The shortest written reason an override needs (characters, after trimming). */
export const OVERRIDE_REASON_MIN = 10;
export const OVERRIDE_REASON_MAX = 500;

/** How recent a career consultation must be for an enrolment (months), unless configured otherwise. */
export const DEFAULT_CONSULTATION_MONTHS = 6;

/** One reason, as a message key with its values; `ok` false means it blocks or weighs against. */
export type Reason =
  | { kind: 'recommended'; ok: true; interests: Interest[] }
  | { kind: 'interest'; ok: boolean; interests: Interest[] }
  | { kind: 'education'; ok: boolean; required: EducationLevel; has: EducationLevel }
  | { kind: 'latvian'; ok: boolean; required: LatvianLevel; has: LatvianLevel }
  | { kind: 'previousCourse'; ok: boolean; courseId: string }
  | { kind: 'release'; ok: true; weeks: number }
  | { kind: 'release'; ok: false; weeks: number; continuesAfterRelease: boolean }
  | { kind: 'noReleaseDate'; ok: true }
  | { kind: 'seats'; ok: boolean; left: number; waiting: number }
  | { kind: 'clash'; ok: false; programmeTitle: string }
  | { kind: 'already'; ok: false; status: 'enrolled' | 'waitlisted' };

export interface LearnerForPlacement {
  id: number;
  facilityId: number;
  educationLevel: EducationLevel;
  latvianLevel: LatvianLevel;
  expectedReleaseDate: string | null;
}

/** What is known about the learner for placement, read once for every programme assessed. */
export interface PlacementContext {
  learner: LearnerForPlacement;
  interests: Set<Interest>;
  recommended: Set<Interest>;
  /** Date of the latest career consultation, or null. */
  lastConsultation: string | null;
  /** The latest consultation is recent enough for an enrolment. */
  consultationValid: boolean;
  months: number;
  completed: Set<string>;
  /** Open placements by programme. */
  open: Map<number, 'enrolled' | 'waitlisted'>;
  /** Rules set aside on an open placement (a waiting learner confirmed later keeps them), by programme. */
  overridden: Map<number, OverridableBlock[]>;
  /** The programmes the learner is enrolled in now (for timetable clashes). */
  enrolledIn: Programme[];
}

export interface Assessment {
  reasons: Reason[];
  /** What blocks an enrolment; empty: the learner can be enrolled now. */
  enrolBlocks: Block[];
  /** What blocks a place on the waiting list; empty: the learner can wait for it. */
  waitBlocks: Block[];
  score: number;
}

/** Can the learner finish the programme before their expected release (or continue it outside)? */
export function canFinish(endsOn: string, expectedRelease: string | null, continuesAfterRelease: boolean): boolean {
  return continuesAfterRelease || expectedRelease === null || endsOn <= expectedRelease;
}

/** The date of the learner's latest career consultation, or null. */
export function lastConsultationOn(db: Db, learnerId: number): string | null {
  return (stmt(db, "SELECT max(held_on) FROM consultation WHERE learner_id = ? AND kind = 'career'").pluck().get(learnerId) as string | null) ?? null;
}

/** The first day a consultation still counts for an enrolment made `now`. */
export function consultationCutoff(now: Date, months = DEFAULT_CONSULTATION_MONTHS): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  // The same day `months` earlier, or the last day of that month when it is shorter (31 August → 28 February).
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(now.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}

/** Seats on offer to waiting learners other than `learnerId` (held for them until staff confirm). */
export function seatsOffered(db: Db, programmeId: number, learnerId: number | null = null): number {
  return stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'waitlisted' AND offered_at IS NOT NULL AND learner_id IS NOT ?")
    .pluck()
    .get(programmeId, learnerId) as number;
}

/**
 * Reads what placement needs to know about the learner. `programmes` are the
 * programmes of the learner's facility that may be enrolled in (their
 * enrolled ones among them are the ones a clash is checked against).
 */
export function loadPlacementContext(db: Db, learner: LearnerForPlacement, programmes: Programme[], now: Date, months = DEFAULT_CONSULTATION_MONTHS): PlacementContext {
  const consultation = stmt(
    db,
    "SELECT interests_json, recommended_json FROM consultation WHERE learner_id = ? AND kind = 'career' ORDER BY held_on DESC, id DESC LIMIT 1",
  ).get(learner.id) as { interests_json: string; recommended_json: string } | undefined;
  const lastConsultation = lastConsultationOn(db, learner.id);
  const placements = stmt(db, "SELECT programme_id, status, override_json FROM placement WHERE learner_id = ? AND status IN ('enrolled', 'waitlisted')").all(
    learner.id,
  ) as Array<{ programme_id: number; status: 'enrolled' | 'waitlisted'; override_json: string | null }>;
  const open = new Map(placements.map((r) => [r.programme_id, r.status]));
  const overridden = new Map(placements.filter((r) => r.override_json).map((r) => [r.programme_id, JSON.parse(r.override_json!) as OverridableBlock[]]));
  return {
    learner,
    interests: new Set(parseInterests(consultation?.interests_json)),
    recommended: new Set(parseInterests(consultation?.recommended_json)),
    lastConsultation,
    consultationValid: lastConsultation !== null && lastConsultation >= consultationCutoff(now, months),
    months,
    completed: new Set(stmt(db, 'SELECT course_id FROM course_completion WHERE learner_id = ?').pluck().all(learner.id) as string[]),
    open,
    overridden,
    enrolledIn: programmes.filter((p) => open.get(p.id) === 'enrolled'),
  };
}

const WEEK_MS = 7 * 86_400_000;
const weeksBetween = (from: string, to: string) => Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / WEEK_MS);

/** The reasons for and against one programme for this learner, what blocks each way of placing, and the fit. */
export function assessProgramme(db: Db, ctx: PlacementContext, programme: Programme): Assessment {
  const { learner } = ctx;
  const reasons: Reason[] = [];
  const blocks: OverridableBlock[] = [];
  const recommendedHere = programme.interests.filter((i) => ctx.recommended.has(i));
  const interestHere = programme.interests.filter((i) => ctx.interests.has(i));
  if (recommendedHere.length) reasons.push({ kind: 'recommended', ok: true, interests: recommendedHere });
  if (programme.interests.length) reasons.push({ kind: 'interest', ok: interestHere.length > 0, interests: interestHere.length ? interestHere : programme.interests });
  if (programme.minEducation) {
    const ok = EDUCATION_LEVELS.indexOf(learner.educationLevel) >= EDUCATION_LEVELS.indexOf(programme.minEducation);
    reasons.push({ kind: 'education', ok, required: programme.minEducation, has: learner.educationLevel });
    if (!ok) blocks.push('placement.educationMissing');
  }
  if (programme.minLatvian) {
    const ok = LATVIAN_LEVELS.indexOf(learner.latvianLevel) >= LATVIAN_LEVELS.indexOf(programme.minLatvian);
    reasons.push({ kind: 'latvian', ok, required: programme.minLatvian, has: learner.latvianLevel });
    if (!ok) blocks.push('placement.latvianMissing');
  }
  if (programme.prerequisiteCourseId) {
    const ok = ctx.completed.has(programme.prerequisiteCourseId);
    reasons.push({ kind: 'previousCourse', ok, courseId: programme.prerequisiteCourseId });
    if (!ok) blocks.push('placement.prerequisiteMissing');
  }
  let spareWeeks = 0;
  if (learner.expectedReleaseDate === null) reasons.push({ kind: 'noReleaseDate', ok: true });
  else {
    const weeks = weeksBetween(programme.endsOn, learner.expectedReleaseDate);
    if (canFinish(programme.endsOn, learner.expectedReleaseDate, false)) {
      reasons.push({ kind: 'release', ok: true, weeks });
      spareWeeks = weeks;
    } else {
      reasons.push({ kind: 'release', ok: false, weeks: -weeks, continuesAfterRelease: programme.continuesAfterRelease });
      if (!programme.continuesAfterRelease) blocks.push('placement.cannotFinish');
    }
  }
  const clash = ctx.enrolledIn.find((other) => other.id !== programme.id && programmesClash(other, programme));
  if (clash) {
    reasons.push({ kind: 'clash', ok: false, programmeTitle: clash.title });
    blocks.push('placement.clash');
  }
  // A seat on offer to someone else on the waiting list is held for them.
  const left = programme.seats - programme.seatsTaken - seatsOffered(db, programme.id, learner.id);
  reasons.push({ kind: 'seats', ok: left > 0, left: Math.max(0, left), waiting: programme.waiting });
  const status = ctx.open.get(programme.id);
  if (status) reasons.push({ kind: 'already', ok: false, status });
  // Still shown as reasons against, but no longer in the way of confirming this learner's place.
  const setAside = ctx.overridden.get(programme.id) ?? [];
  const standing = blocks.filter((b) => !setAside.includes(b));
  // A learner already waiting can be enrolled straight away when a seat is free.
  const enrolBlocks: Block[] = [
    ...(status === 'enrolled' ? ['placement.already' as const] : []),
    ...(ctx.consultationValid ? [] : ['placement.noConsultation' as const]),
    ...(left > 0 ? [] : ['placement.full' as const]),
    ...standing,
  ];
  const waitBlocks: Block[] = [...(status ? ['placement.already' as const] : []), ...blocks];
  const score = recommendedHere.length * 100 + interestHere.length * 10 + Math.min(spareWeeks, 52) / 10;
  return { reasons, enrolBlocks, waitBlocks, score };
}
