import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getCourseItem, getQuizVersion } from '../courses/catalog.ts';
import { learnerFacilityId } from '../people/learners.ts';
import { auditActor } from '../people/users.ts';
import { getGradebook } from './gradebook.ts';
import { quizTries, type Tries } from './quiz-attempts.ts';

/**
 * "Allow one more try": a learner who used every try of a quiz is not stuck
 * for good. Only a teacher of that course, for a learner of their facilities
 * (the learners their gradebook shows), may allow it; each try allowed is a
 * row of quiz_extra_try and an audit entry.
 */

export type ExtraTryResult =
  | { ok: true; tries: Tries }
  /** Not a quiz of this course, or a learner this teacher does not teach here. */
  | { ok: false; code: 'quiz.extraTryNotFound' | 'auth.forbidden' }
  /** The learner still has tries (or the quiz has no limit): nothing to allow. */
  | { ok: false; code: 'quiz.extraTryNotNeeded' };

export function allowOneMoreTry(db: Db, actor: SessionUser, courseId: string, learnerId: number, itemId: number, now = new Date()): ExtraTryResult {
  if (!can(actor, 'quiz:extraTry')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): ExtraTryResult => {
      // The gradebook is the teacher's scope: a course they teach, learners of their facilities.
      const book = getGradebook(db, actor, courseId);
      const facilityId = learnerFacilityId(db, learnerId);
      if (!book || !book.rows.some((r) => r.learnerId === learnerId) || !can(actor, 'quiz:extraTry', { facilityId })) {
        return { ok: false, code: 'quiz.extraTryNotFound' };
      }
      const item = getCourseItem(db, courseId, itemId);
      const quiz = item?.kind === 'quiz' ? getQuizVersion(db, item.versionId) : null;
      if (!item || !quiz) return { ok: false, code: 'quiz.extraTryNotFound' };
      // Checked inside the transaction: two clicks allow one try, not two.
      if (quizTries(db, learnerId, item, quiz).left > 0) return { ok: false, code: 'quiz.extraTryNotNeeded' };
      stmt(db, 'INSERT INTO quiz_extra_try (learner_id, item_id, granted_by, granted_at) VALUES (?, ?, ?, ?)').run(learnerId, item.id, actor.id, now.toISOString());
      const tries = quizTries(db, learnerId, item, quiz);
      appendAudit(
        db,
        {
          actor: auditActor(actor),
          action: 'quiz.extraTry',
          targetType: 'learner',
          targetId: learnerId,
          facilityId,
          details: { courseId, itemId: item.id, used: tries.used, allowed: tries.allowed },
        },
        now,
      );
      return { ok: true, tries };
    })
    .immediate();
}
