import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config.ts';
import { migrate, openDatabase, type Db } from '../../src/lib/server/db.ts';
import { ROOT } from './build.ts';

export const MIGRATIONS_DIR = path.join(ROOT, 'db', 'migrations');

/** Opens the configured database (TILTS_DATA_DIR) and brings its schema up to date. */
export function openMigrated(env: NodeJS.ProcessEnv = process.env): { db: Db; file: string; dataDir: string; applied: string[] } {
  const config = loadConfig(env);
  const db = openDatabase(config.databaseFile);
  const { applied } = migrate(db, MIGRATIONS_DIR);
  return { db, file: config.databaseFile, dataDir: config.dataDir, applied };
}
