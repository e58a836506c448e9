import { stmt, type Db } from '../db.ts';

/**
 * What the running server knows about its database, for /healthz. A full
 * quick_check reads every page, so it runs once per process: `npm start`
 * runs it before serving (and refuses a damaged file); the app, bundled apart
 * from the start script but in the same process, finds that result in a
 * process-wide slot (Symbol.for) instead of reading the whole file again.
 * A damaged page met later by a request marks the database corrupt.
 */

export type DatabaseState = 'ok' | 'corrupt';

const SLOT = Symbol.for('tilts.databaseChecks');

function checks(): Map<string, DatabaseState> {
  const holder = globalThis as unknown as Record<symbol, Map<string, DatabaseState> | undefined>;
  return (holder[SLOT] ??= new Map());
}

/** Remembers the result of a check of `file` for the rest of the process. */
export function recordDatabaseCheck(file: string, state: DatabaseState): void {
  checks().set(file, state);
}

/** The last recorded state of `file`, or null when nothing checked it in this process. */
export function recordedDatabaseState(file: string): DatabaseState | null {
  return checks().get(file) ?? null;
}

export interface DatabaseHealth {
  /** 'ok', 'corrupt' (a check or a request found a damaged page) or 'unavailable' (no answer). */
  database: DatabaseState | 'unavailable';
}

/** The database's state for /healthz: the recorded check, then a trivial query. */
export function databaseHealth(db: Db, file: string): DatabaseHealth {
  if (recordedDatabaseState(file) === 'corrupt') return { database: 'corrupt' };
  try {
    return { database: stmt(db, 'SELECT 1 AS ok').get() === undefined ? 'unavailable' : 'ok' };
  } catch {
    return { database: 'unavailable' };
  }
}
