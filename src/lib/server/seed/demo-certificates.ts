import { stmt, type Db } from '../db.ts';
import { SYSTEM_ACTOR } from '../audit.ts';
import { getCourse } from '../courses/catalog.ts';
import { issueCertificate } from '../certificates/certificates.ts';
import { rigaDate } from '../placement/consultations.ts';
import { seedDemoProviders } from './demo-providers.ts';

/**
 * The demo released person's documents: Raivis Celmiņš (former learner
 * 198877 at Olaine) completed the life-skills course two months before his
 * release and holds its module certificate, so the portal, the transcript and
 * /verify have something real to show. Deterministic apart from the serial.
 */
export function seedDemoCertificates(db: Db, now = new Date()): number {
  const learnerId = stmt(db, "SELECT id FROM learner WHERE inmate_number = '198877'").pluck().get() as number | undefined;
  const course = getCourse(db, 'dzives-skola');
  if (learnerId === undefined || !course) return 0;
  if (stmt(db, 'SELECT 1 FROM certificate WHERE learner_id = ?').get(learnerId)) return 0;
  const completedAt = new Date(now.getTime() - 60 * 86_400_000);
  const providerId = seedDemoProviders(db, now).get('Pieaugušo izglītības centrs “Valoda”')!;
  return db.transaction(() => {
    stmt(db, 'INSERT OR IGNORE INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (?, ?, ?, ?)').run(
      learnerId,
      course.id,
      completedAt.toISOString(),
      // What the record says was done (the demo has no lesson-by-lesson history for him).
      JSON.stringify({ lessonsDone: 0, lessonsRequired: 0, quizzesPassed: 0, quizzesRequired: 0, seconds: 0, minHours: course.passRules.minHours, demo: true }),
    );
    const result = issueCertificate(
      db,
      SYSTEM_ACTOR,
      {
        learnerId,
        kind: 'module',
        courseId: course.id,
        holderName: 'Raivis Celmiņš',
        title: course.title,
        hours: course.hours,
        providerId,
        completedOn: rigaDate(completedAt),
      },
      new Date(completedAt.getTime() + 2 * 86_400_000),
    );
    return result.ok ? 1 : 0;
  })();
}
