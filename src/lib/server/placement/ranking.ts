import { stmt, type Db } from '../db.ts';
import { EDUCATION_LEVELS, LATVIAN_LEVELS, type EducationLevel, type LatvianLevel } from '../../shared/domain.ts';
import { parseInterests, type Interest } from './interests.ts';
import { canFinish, consultationCutoff, DEFAULT_CONSULTATION_MONTHS, lastConsultationOn, seatsOffered } from './placements.ts';
import { listOpenProgrammes, programmesClash, type Programme } from './programmes.ts';

/**
 * Career-guided placement: every open programme of the learner's facility,
 * ranked for this learner, each with its reasons in plain words. Programmes
 * the learner cannot take are shown with the reason, not hidden.
 *
 * Order: programmes the learner can be enrolled in or wait for come first;
 * within them, a better fit first (recommended direction, then matching
 * interests, then more weeks to spare before release); those that cannot be
 * taken come last, in the same order.
 */

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

export interface RankedProgramme {
  programme: Programme;
  reasons: Reason[];
  /** Nothing blocks an enrolment (a free seat included). */
  canEnrol: boolean;
  /** Nothing blocks a place on the waiting list. */
  canWait: boolean;
  score: number;
}

export interface LearnerForPlacement {
  id: number;
  facilityId: number;
  educationLevel: EducationLevel;
  latvianLevel: LatvianLevel;
  expectedReleaseDate: string | null;
}

export interface Placeability {
  /** Date of the latest career consultation, or null. */
  lastConsultation: string | null;
  /** The latest consultation is recent enough for an enrolment. */
  consultationValid: boolean;
  months: number;
  ranked: RankedProgramme[];
}

const WEEK_MS = 7 * 86_400_000;
const weeksBetween = (from: string, to: string) => Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / WEEK_MS);

export function rankProgrammes(db: Db, learner: LearnerForPlacement, now = new Date(), months = DEFAULT_CONSULTATION_MONTHS): Placeability {
  const today = now.toISOString().slice(0, 10);
  const consultation = stmt(
    db,
    "SELECT interests_json, recommended_json FROM consultation WHERE learner_id = ? AND kind = 'career' ORDER BY held_on DESC, id DESC LIMIT 1",
  ).get(learner.id) as { interests_json: string; recommended_json: string } | undefined;
  const interests = new Set(parseInterests(consultation?.interests_json));
  const recommended = new Set(parseInterests(consultation?.recommended_json));
  const lastConsultation = lastConsultationOn(db, learner.id);
  const consultationValid = lastConsultation !== null && lastConsultation >= consultationCutoff(now, months);
  const completed = new Set(stmt(db, 'SELECT course_id FROM course_completion WHERE learner_id = ?').pluck().all(learner.id) as string[]);
  const open = new Map(
    (
      stmt(db, "SELECT programme_id, status FROM placement WHERE learner_id = ? AND status IN ('enrolled', 'waitlisted')").all(learner.id) as Array<{
        programme_id: number;
        status: 'enrolled' | 'waitlisted';
      }>
    ).map((r) => [r.programme_id, r.status]),
  );
  const programmes = listOpenProgrammes(db, learner.facilityId, today);
  const enrolledIn = programmes.filter((p) => open.get(p.id) === 'enrolled');

  const ranked = programmes.map((programme): RankedProgramme => {
    const reasons: Reason[] = [];
    const recommendedHere = programme.interests.filter((i) => recommended.has(i));
    const interestHere = programme.interests.filter((i) => interests.has(i));
    if (recommendedHere.length) reasons.push({ kind: 'recommended', ok: true, interests: recommendedHere });
    if (programme.interests.length) reasons.push({ kind: 'interest', ok: interestHere.length > 0, interests: interestHere.length ? interestHere : programme.interests });
    let blocked = false;
    if (programme.minEducation) {
      const ok = EDUCATION_LEVELS.indexOf(learner.educationLevel) >= EDUCATION_LEVELS.indexOf(programme.minEducation);
      reasons.push({ kind: 'education', ok, required: programme.minEducation, has: learner.educationLevel });
      blocked ||= !ok;
    }
    if (programme.minLatvian) {
      const ok = LATVIAN_LEVELS.indexOf(learner.latvianLevel) >= LATVIAN_LEVELS.indexOf(programme.minLatvian);
      reasons.push({ kind: 'latvian', ok, required: programme.minLatvian, has: learner.latvianLevel });
      blocked ||= !ok;
    }
    if (programme.prerequisiteCourseId) {
      const ok = completed.has(programme.prerequisiteCourseId);
      reasons.push({ kind: 'previousCourse', ok, courseId: programme.prerequisiteCourseId });
      blocked ||= !ok;
    }
    let spareWeeks = 0;
    if (learner.expectedReleaseDate === null) reasons.push({ kind: 'noReleaseDate', ok: true });
    else {
      const weeks = weeksBetween(programme.endsOn, learner.expectedReleaseDate);
      const finishes = canFinish(programme.endsOn, learner.expectedReleaseDate, false);
      if (finishes) {
        reasons.push({ kind: 'release', ok: true, weeks });
        spareWeeks = weeks;
      } else {
        reasons.push({ kind: 'release', ok: false, weeks: -weeks, continuesAfterRelease: programme.continuesAfterRelease });
        blocked ||= !programme.continuesAfterRelease;
      }
    }
    const clash = enrolledIn.find((other) => other.id !== programme.id && programmesClash(other, programme));
    if (clash) {
      reasons.push({ kind: 'clash', ok: false, programmeTitle: clash.title });
      blocked = true;
    }
    // A seat on offer to someone else on the waiting list is held for them.
    const left = programme.seats - programme.seatsTaken - seatsOffered(db, programme.id, learner.id);
    reasons.push({ kind: 'seats', ok: left > 0, left: Math.max(0, left), waiting: programme.waiting });
    const status = open.get(programme.id);
    if (status) reasons.push({ kind: 'already', ok: false, status });
    const canWait = !blocked && !status;
    // A learner already waiting can be enrolled straight away when a seat is free.
    const canEnrol = !blocked && status !== 'enrolled' && left > 0 && consultationValid;
    const score = recommendedHere.length * 100 + interestHere.length * 10 + Math.min(spareWeeks, 52) / 10;
    return { programme, reasons, canEnrol, canWait, score };
  });
  ranked.sort((a, b) => Number(b.canWait || b.canEnrol) - Number(a.canWait || a.canEnrol) || b.score - a.score || a.programme.startsOn.localeCompare(b.programme.startsOn));
  return { lastConsultation, consultationValid, months, ranked };
}
