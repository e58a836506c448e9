import { stmt, unlessBusy, type Db } from '../db.ts';

/**
 * What a learner's page on a terminal polls for: the supervisor's notices
 * for this terminal (after the last one it showed), and the heartbeat's
 * record of what the learner is doing (for the supervisor's room view).
 */

export interface Notice {
  id: number;
  message: string;
  createdAt: number;
}

/** Notices for the terminal (one terminal, its room, or the whole facility), newer than `afterId` and this session. */
export function noticesFor(db: Db, terminalId: number, afterId: number, since: number, now = Date.now()): Notice[] {
  return stmt(db, `SELECT n.id, n.message, n.created_at AS createdAt
    FROM terminal_notice n JOIN terminal t ON t.id = ?
    WHERE n.facility_id = t.facility_id AND (n.room_id IS NULL OR n.room_id = t.room_id) AND (n.terminal_id IS NULL OR n.terminal_id = t.id)
      AND n.id > ? AND n.created_at >= ? AND n.expires_at > ?
    ORDER BY n.id LIMIT 10`).all(terminalId, afterId, since, now) as Notice[];
}

/**
 * An unchanged activity is rewritten at most this often: the room view counts a learner active for
 * two minutes after the last record (ACTIVE_WITHIN_MS), and every write costs an fsync and the lock.
 */
export const ACTIVITY_REFRESH_MS = 30_000;

/**
 * The learner's current course and item, written by the learning heartbeat and
 * the lesson page. Read first: most calls find it current, and a read takes no
 * write lock and no fsync (this runs on every lesson view). Bookkeeping: skipped
 * while another process holds the write lock.
 */
export function recordActivity(db: Db, sessionId: string, courseId: string, itemId: number, now = Date.now()): void {
  const current = stmt(db, 'SELECT activity_course_id AS courseId, activity_item_id AS itemId, activity_at AS at FROM session WHERE id = ?').get(sessionId) as
    | { courseId: string | null; itemId: number | null; at: number | null }
    | undefined;
  if (!current || (current.courseId === courseId && current.itemId === itemId && current.at !== null && now - current.at < ACTIVITY_REFRESH_MS)) return;
  unlessBusy(() => stmt(db, 'UPDATE session SET activity_course_id = ?, activity_item_id = ?, activity_at = ? WHERE id = ?').run(courseId, itemId, now, sessionId));
}
