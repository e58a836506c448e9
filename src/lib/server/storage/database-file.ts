import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../db.ts';
import { recordDatabaseCheck } from './state.ts';

/**
 * Opening the database without ever mistaking a damaged file for a new
 * installation. SQLite treats a 0-byte file as an empty database, so a failed
 * copy or a full disk would otherwise start as a brand-new demo with the
 * published passwords. Only a MISSING file means a new installation.
 */

/** A start-up failure the operator can fix: printed as one line, no stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** What to do when the database itself cannot be trusted. */
export const RESTORE_ADVICE = 'restore the last backup into an empty TILTS_DATA_DIR (npm run db:restore -- <file>)';

/** True for SQLite's errors that mean the file is damaged or not a database at all. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT_'));
}

/**
 * Checks the database file before SQLite sees it: 'missing' (a new
 * installation) or 'present'; throws a StartupError for a 0-byte file, a
 * folder, or a file this process cannot read and write.
 */
export function inspectDatabaseFile(file: string): 'missing' | 'present' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new StartupError(`the database ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!stat.isFile()) throw new StartupError(`the database ${file} is not a file`);
  if (stat.size === 0) {
    throw new StartupError(`the database ${file} is empty (0 bytes: a failed copy or a full disk?); ${RESTORE_ADVICE}. Only a missing file starts a new installation.`);
  }
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw new StartupError(`the database ${file} cannot be opened for reading and writing (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return 'present';
}

/**
 * Makes sure the data folder exists and takes new files (a write probe, so a
 * read-only mount is found too, whoever runs the server).
 */
export function checkDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new StartupError(`TILTS_DATA_DIR ${dataDir} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const probe = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    throw new StartupError(`TILTS_DATA_DIR ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The problems `PRAGMA quick_check` or `integrity_check` reports; empty when the database is sound. */
export function checkDatabase(db: Db, kind: 'quick_check' | 'integrity_check', max = 20): string[] {
  try {
    const rows = db.pragma(`${kind}(${max})`, { simple: false }) as Array<Record<string, string>>;
    // One row may hold several lines; the `*** in database main ***` headings say nothing useful.
    const lines = rows.flatMap((r) => String(Object.values(r)[0]).split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('***'));
    return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
  } catch (error) {
    if (isCorruptionError(error)) return [(error as Error).message];
    throw error;
  }
}

export interface OpenOptions {
  /** Run PRAGMA quick_check and refuse a database that fails it (the server's start). */
  quickCheck?: boolean;
}

/**
 * Opens the database of the data folder for the server or a command: a
 * damaged, empty or unopenable file is a StartupError saying what to do.
 */
export function openCheckedDatabase(file: string, options: OpenOptions = {}): Db {
  inspectDatabaseFile(file);
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (error) {
    if (error instanceof Database.SqliteError && isCorruptionError(error)) {
      throw new StartupError(`the database ${file} is damaged or not a Tilts database (${error.message}); ${RESTORE_ADVICE}`);
    }
    throw new StartupError(`the database ${file} cannot be opened (${(error as Error).message})`);
  }
  if (options.quickCheck) {
    const problems = checkDatabase(db, 'quick_check', 5);
    recordDatabaseCheck(file, problems.length ? 'corrupt' : 'ok');
    if (problems.length) {
      db.close();
      const more = problems.length > 1 ? '; npm run db:check lists every problem' : '';
      throw new StartupError(`the database ${file} is damaged (quick_check: ${problems[0]}${more}); refusing to serve it: ${RESTORE_ADVICE}`);
    }
  }
  return db;
}
