import { stmt, type Db } from '../db.ts';
import { getCourse } from '../courses/catalog.ts';
import { rigaDate } from '../placement/consultations.ts';
import { titleIn, type CertificateKind, type CertificateTitle } from './content.ts';
import { holderNameOf } from './certificates.ts';
import { coursesInProgress } from './learning-record.ts';
import { transcriptPdf } from './transcript-pdf.ts';
import type { Transcript, TranscriptAssessment, TranscriptCourse } from './transcript-types.ts';

export { transcriptPdf };

/**
 * The transcript (sekmju izraksts): all the learning on record. Every course
 * the learner completed, with its date, hours, the education provider and the
 * assessments in it (quizzes and H5P activities, best result); the courses
 * begun and not completed, with how far they got; the documents issued. Drawn from the
 * record when asked for, so it is always current; it names no prison, no
 * facility and no inmate number, like the certificates.
 */

export type { Transcript, TranscriptAssessment, TranscriptCourse, TranscriptDocument } from './transcript-types.ts';

/** The learner's transcript, or null for an unknown learner. */
export function transcriptOf(db: Db, learnerId: number, now = new Date()): Transcript | null {
  const holderName = holderNameOf(db, learnerId);
  if (!holderName) return null;
  const completions = stmt(db, 'SELECT course_id, completed_at FROM course_completion WHERE learner_id = ? ORDER BY completed_at, course_id').all(learnerId) as Array<{
    course_id: string;
    completed_at: string;
  }>;
  const courses: TranscriptCourse[] = [];
  for (const c of completions) {
    const course = getCourse(db, c.course_id);
    if (!course) continue;
    const provider = stmt(
      db,
      `SELECT ep.name_lv FROM placement p JOIN programme g ON g.id = p.programme_id JOIN programme_course pc ON pc.programme_id = g.id AND pc.course_id = ?
         JOIN education_provider ep ON ep.id = g.provider_id
       WHERE p.learner_id = ? ORDER BY p.status = 'completed' DESC, p.id DESC LIMIT 1`,
    )
      .pluck()
      .get(c.course_id, learnerId) as string | undefined;
    const serial = stmt(
      db,
      "SELECT serial FROM certificate WHERE learner_id = ? AND kind = 'module' AND course_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(learnerId, c.course_id) as string | undefined;
    courses.push({
      courseId: course.id,
      title: course.title,
      hours: course.hours,
      completedOn: rigaDate(new Date(c.completed_at)),
      provider: provider ?? null,
      serial: serial ?? null,
      assessments: assessmentsOf(db, learnerId, course.id),
    });
  }
  const documents = (
    stmt(db, 'SELECT serial, kind, title_json, issued_on, revoked_at FROM certificate WHERE learner_id = ? ORDER BY issued_on, id').all(learnerId) as Array<{
      serial: string;
      kind: CertificateKind;
      title_json: string;
      issued_on: string;
      revoked_at: string | null;
    }>
  ).map((d) => ({ serial: d.serial, kind: d.kind, title: JSON.parse(d.title_json) as CertificateTitle, issuedOn: d.issued_on, revoked: d.revoked_at !== null }));
  return {
    holderName,
    generatedOn: rigaDate(now),
    courses,
    totalHours: courses.reduce((sum, c) => sum + c.hours, 0),
    inProgress: coursesInProgress(db, learnerId),
    documents,
  };
}

/** The best quiz attempt and the best scored H5P result of each assessed item of the course, in course order. */
function assessmentsOf(db: Db, learnerId: number, courseId: string): TranscriptAssessment[] {
  const rows = stmt(
    db,
    `SELECT i.title, best.percent, best.passed, best.at FROM course_item i
       JOIN (
         SELECT item_id, percent, passed, submitted_at AS at,
                row_number() OVER (PARTITION BY item_id ORDER BY percent DESC, submitted_at) AS n
         FROM quiz_attempt WHERE learner_id = ? AND status = 'graded'
         UNION ALL
         SELECT item_id, percent, passed, received_at AS at,
                row_number() OVER (PARTITION BY item_id ORDER BY percent DESC, received_at) AS n
         FROM h5p_result WHERE learner_id = ? AND status IN ('scored', 'graded')
       ) best ON best.item_id = i.id AND best.n = 1
     WHERE i.course_id = ? AND i.archived_at IS NULL
     ORDER BY i.module_position, i.position`,
  ).all(learnerId, learnerId, courseId) as Array<{ title: string; percent: number; passed: number; at: string }>;
  return rows.map((r) => ({ title: r.title, percent: Math.round(r.percent * 10) / 10, passed: r.passed === 1, on: rigaDate(new Date(r.at)) }));
}

/** The transcript as a PDF (transcript-pdf.ts); null for an unknown learner. */
export async function renderTranscriptPdf(db: Db, learnerId: number, origin: string, now = new Date()): Promise<Buffer | null> {
  const transcript = transcriptOf(db, learnerId, now);
  return transcript ? Buffer.from(await transcriptPdf(transcript, `${origin.replace(/\/+$/, '')}/verify`)) : null;
}
