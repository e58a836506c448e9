import { loadConfig, type Config } from './config.ts';
import { deleteExpiredSessions } from './session.ts';
import { openDatabase, type Db } from './db.ts';
import { FLUSH_INTERVAL_MS, TimeOnTask } from './learning/time-on-task.ts';
import { auditKey } from './audit.ts';
import { startDailyCheckpoints } from './audit-checkpoint-files.ts';
import { checkDatabase } from './storage/database-file.ts';
import { recordDatabaseCheck, recordedDatabaseState } from './storage/state.ts';

/**
 * The composition root of the running server: configuration and the one
 * database handle, created on first use. Only the middleware reads it; it
 * hands `db` and `config` to pages through `Astro.locals`, and pages hand
 * `db` to domain functions.
 */
export interface Runtime {
  config: Config;
  db: Db;
  /** Time-on-task credits gathered in memory and written in batches. */
  timeOnTask: TimeOnTask;
}

let runtime: Runtime | null = null;

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const config = loadConfig();
  const db = openDatabase(config.databaseFile);
  // `npm start` checked the file before serving; anything else that runs the app checks it here, once.
  if (recordedDatabaseState(config.databaseFile) === null) {
    recordDatabaseCheck(config.databaseFile, checkDatabase(db, 'quick_check', 1).length ? 'corrupt' : 'ok');
  }
  // The audit key is read once here (scripts/start.ts already made or refused it); a missing one stops the request loudly.
  auditKey(db);
  if (config.auditCheckpointDir) startDailyCheckpoints(db, config.auditCheckpointDir);
  const timeOnTask = new TimeOnTask();
  const sweep = setInterval(() => deleteExpiredSessions(db, config), 10 * 60_000);
  sweep.unref();
  const flush = setInterval(() => timeOnTask.flush(db), FLUSH_INTERVAL_MS);
  flush.unref();
  // On a normal stop, write the gathered time before the process ends.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => timeOnTask.flush(db, Date.now(), true));
  runtime = { config, db, timeOnTask };
  return runtime;
}
