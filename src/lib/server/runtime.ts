import { loadConfig, type Config } from './config.ts';
import { deleteExpiredSessions } from './session.ts';
import { openDatabase, type Db } from './db.ts';

/**
 * The composition root of the running server: configuration and the one
 * database handle, created on first use. Only the middleware reads it; it
 * hands `db` and `config` to pages through `Astro.locals`, and pages hand
 * `db` to domain functions.
 */
export interface Runtime {
  config: Config;
  db: Db;
}

let runtime: Runtime | null = null;

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const config = loadConfig();
  const db = openDatabase(config.databaseFile);
  const sweep = setInterval(() => deleteExpiredSessions(db, config), 10 * 60_000);
  sweep.unref();
  runtime = { config, db };
  return runtime;
}
