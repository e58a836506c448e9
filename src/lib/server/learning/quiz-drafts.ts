import { z } from 'zod';
import { stmt, type Db } from '../db.ts';
import { getQuizVersion, type CourseItem } from '../courses/catalog.ts';
import { readAnswers, type Answer } from './grading.ts';

/**
 * Quiz answers typed but not yet submitted (table quiz_draft). The quiz page
 * saves the form as the learner goes and right before learning hours end;
 * the page shows them again when the quiz is reopened; a submitted attempt
 * removes the draft (submitQuizAttempt). A draft belongs to one version of
 * the quiz: answers to an older version are not offered again.
 */

/** The largest draft request accepted (a long essay fits many times over). */
export const MAX_DRAFT_BYTES = 64 * 1024;

/** What the quiz page's script posts. */
export const draftInputSchema = z.object({
  /** The course the quiz is in. */
  courseId: z.string().max(80),
  /** The quiz item. */
  itemId: z.number().int().positive(),
  /** The quiz version the form shows (the form's hidden 'version'). */
  version: z.number().int().positive(),
  /** The form's fields by name ('q0', 'q3_1', …), each with its values (several for check boxes). */
  fields: z.record(z.string().regex(/^q\d{1,3}(_\d{1,3})?$/).max(9), z.array(z.string().max(20_000)).max(50)),
});

/** answers_json: the version answered and the answers as the grader reads them. */
interface StoredDraft {
  versionId: number;
  answers: Answer[];
}

/**
 * Saves the learner's unsent answers to a quiz, read through the same rules
 * as a submitted form. False when the item is no quiz or the form shows an
 * older version (nothing is saved).
 */
export function saveQuizDraft(
  db: Db,
  learnerId: number,
  item: CourseItem,
  versionId: number,
  fields: Record<string, string[]>,
  now = new Date(),
): boolean {
  const quiz = item.kind === 'quiz' ? getQuizVersion(db, item.versionId) : null;
  if (!quiz || versionId !== item.versionId) return false;
  const form = new FormData();
  for (const [name, values] of Object.entries(fields)) for (const value of values) form.append(name, value);
  const draft: StoredDraft = { versionId, answers: readAnswers(quiz, form) };
  stmt(
    db,
    `INSERT INTO quiz_draft (learner_id, item_id, answers_json, saved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (learner_id, item_id) DO UPDATE SET answers_json = excluded.answers_json, saved_at = excluded.saved_at`,
  ).run(learnerId, item.id, JSON.stringify(draft), now.toISOString());
  return true;
}

/** The unsent answers to the quiz version the item has now, or null. */
export function loadQuizDraft(db: Db, learnerId: number, item: Pick<CourseItem, 'id' | 'versionId'>): Answer[] | null {
  const json = stmt(db, 'SELECT answers_json FROM quiz_draft WHERE learner_id = ? AND item_id = ?').pluck().get(learnerId, item.id) as string | undefined;
  if (!json) return null;
  const draft = JSON.parse(json) as StoredDraft;
  return draft.versionId === item.versionId ? draft.answers : null;
}

/** Removes the draft (the quiz was submitted). */
export function deleteQuizDraft(db: Db, learnerId: number, itemId: number): void {
  stmt(db, 'DELETE FROM quiz_draft WHERE learner_id = ? AND item_id = ?').run(learnerId, itemId);
}
