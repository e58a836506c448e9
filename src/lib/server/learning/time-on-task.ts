import { stmt, type Db } from '../db.ts';

/**
 * Active time on task. A learner's page sends a heartbeat every
 * HEARTBEAT_INTERVAL_MS while it is visible and the learner has been active
 * lately; each heartbeat credits the time since the previous one of the same
 * session on the same item, capped at CREDIT_CAP_MS. Open tabs, sleeping
 * screens and wall-clock time are never counted.
 *
 * Credits are gathered in memory and written in one transaction every
 * FLUSH_INTERVAL_MS (a heartbeat is a high-frequency write; batching keeps
 * synchronous=FULL affordable). A crash loses at most that much time.
 */

export const HEARTBEAT_INTERVAL_MS = 30_000;
/** The most one heartbeat can credit: one interval plus network slack. */
export const CREDIT_CAP_MS = 40_000;
export const FLUSH_INTERVAL_MS = 15_000;

interface Baseline {
  learnerId: number;
  itemId: number;
  at: number;
}

export class TimeOnTask {
  private baselines = new Map<string, Baseline>();
  private pending = new Map<string, { learnerId: number; itemId: number; ms: number; lastAt: number }>();
  private lastFlush = 0;

  /** The learner opened the item (page view): time counts from the next heartbeat on. */
  start(sessionId: string, learnerId: number, itemId: number, now = Date.now()): void {
    if (this.baselines.size > 100_000) this.baselines.clear();
    this.baselines.set(sessionId, { learnerId, itemId, at: now });
  }

  /** A heartbeat; returns the milliseconds credited. */
  beat(sessionId: string, learnerId: number, itemId: number, now = Date.now()): number {
    const base = this.baselines.get(sessionId);
    this.baselines.set(sessionId, { learnerId, itemId, at: now });
    if (!base || base.learnerId !== learnerId || base.itemId !== itemId || now <= base.at) return 0;
    const credit = Math.min(now - base.at, CREDIT_CAP_MS);
    const key = `${learnerId}:${itemId}`;
    const entry = this.pending.get(key) ?? { learnerId, itemId, ms: 0, lastAt: now };
    entry.ms += credit;
    entry.lastAt = now;
    this.pending.set(key, entry);
    return credit;
  }

  /** Milliseconds credited but not yet written, for one learner and item. */
  pendingMs(learnerId: number, itemId: number): number {
    return this.pending.get(`${learnerId}:${itemId}`)?.ms ?? 0;
  }

  /** Writes the gathered time if FLUSH_INTERVAL_MS has passed (or always with `force`). */
  flush(db: Db, now = Date.now(), force = false): number {
    if (!force && now - this.lastFlush < FLUSH_INTERVAL_MS) return 0;
    this.lastFlush = now;
    if (this.pending.size === 0) return 0;
    const entries = [...this.pending.values()];
    this.pending.clear();
    const write = db.transaction(() => {
      const upsert = stmt(
        db,
        `INSERT INTO time_on_task (learner_id, item_id, seconds, last_active_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (learner_id, item_id) DO UPDATE SET seconds = seconds + excluded.seconds, last_active_at = excluded.last_active_at`,
      );
      // The same time by day and course, for the indicators (hours delivered in a period).
      const perDay = stmt(
        db,
        `INSERT INTO learning_day (day, learner_id, course_id, seconds)
         SELECT ?, ?, course_id, ? FROM course_item WHERE id = ?
         ON CONFLICT (day, learner_id, course_id) DO UPDATE SET seconds = seconds + excluded.seconds`,
      );
      const perFacilityDay = stmt(
        db,
        `INSERT INTO learning_facility_day (day, facility_id, course_id, seconds)
         SELECT ?, u.facility_id, i.course_id, ? FROM course_item i, learner l JOIN user u ON u.id = l.user_id
         WHERE i.id = ? AND l.id = ? AND u.facility_id IS NOT NULL
         ON CONFLICT (day, facility_id, course_id) DO UPDATE SET seconds = seconds + excluded.seconds`,
      );
      // Whole seconds are written; the remainder stays pending for the next flush.
      for (const e of entries) {
        const seconds = Math.floor(e.ms / 1000);
        const rest = e.ms - seconds * 1000;
        const at = new Date(e.lastAt).toISOString();
        if (seconds > 0) {
          upsert.run(e.learnerId, e.itemId, seconds, at);
          perDay.run(at.slice(0, 10), e.learnerId, seconds, e.itemId);
          perFacilityDay.run(at.slice(0, 10), seconds, e.itemId, e.learnerId);
        }
        if (rest > 0) this.pending.set(`${e.learnerId}:${e.itemId}`, { ...e, ms: rest });
      }
    });
    try {
      write.immediate();
    } catch (error) {
      // Nothing was written: keep the time for the next flush.
      for (const e of entries) this.pending.set(`${e.learnerId}:${e.itemId}`, e);
      throw error;
    }
    return entries.length;
  }
}
