import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config.ts';
import { migrate, type Db } from '../../src/lib/server/db.ts';
import { checkDataDir, openCheckedDatabase, StartupError } from '../../src/lib/server/storage/database-file.ts';
import { ROOT } from './build.ts';

export const MIGRATIONS_DIR = path.join(ROOT, 'db', 'migrations');

/**
 * Opens the configured database (TILTS_DATA_DIR) and brings its schema up to
 * date. An empty, damaged or unopenable file, or a data folder that takes no
 * files, is a StartupError (one line, see `exitOnStartupError`); only a
 * missing file becomes a new database. `quickCheck` (the server's start) also
 * refuses a database with a damaged page.
 */
export function openMigrated(env: NodeJS.ProcessEnv = process.env, options: { quickCheck?: boolean } = {}): { db: Db; file: string; dataDir: string; applied: string[] } {
  const config = loadConfig(env);
  checkDataDir(config.dataDir);
  const db = openCheckedDatabase(config.databaseFile, options);
  const { applied } = migrate(db, MIGRATIONS_DIR);
  return { db, file: config.databaseFile, dataDir: config.dataDir, applied };
}

/**
 * Runs `fn`; a bad configuration or a StartupError ends the process with one
 * line (what, which variable or path, what to do) instead of a stack.
 */
export async function exitOnStartupError<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StartupError || (error instanceof Error && error.message.startsWith('Invalid configuration:'))) {
      console.error(`${what}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
