import { stmt, type Db } from '../db.ts';

/** Seats taken in a programme: its enrolled learners (read by programmes and placements alike). */
export function seatsTaken(db: Db, programmeId: number): number {
  return stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'enrolled'").pluck().get(programmeId) as number;
}
