import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** The application's database handle (better-sqlite3, synchronous). */
export type Db = Database.Database;

/** How long a command-line tool (import, backup, migration) waits for another writer's lock. */
export const CLI_BUSY_TIMEOUT_MS = 5_000;
/**
 * How long the server's connection waits, synchronously, for the write lock:
 * better-sqlite3 blocks the event loop while it waits, so this is the longest
 * any request can stall every other one. Long jobs commit in short batches, so
 * a writer normally gets the lock well within it; otherwise the request sees
 * SQLITE_BUSY, which the middleware retries after yielding to the event loop,
 * and answers 503 "busy, try again" if it persists (src/lib/server/http/busy.ts).
 */
export const SERVER_BUSY_TIMEOUT_MS = 150;

export interface OpenOptions {
  /** `PRAGMA busy_timeout` in milliseconds (default CLI_BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/**
 * Opens the SQLite database with the pragmas the platform relies on:
 * WAL with synchronous=FULL so that every acknowledged write survives a power
 * cut, foreign keys enforced, and a busy timeout so that a CLI tool (backup,
 * roster import) and the server can share the file. Every `db.transaction(fn)`
 * of this handle runs IMMEDIATE when called plainly (see immediateByDefault).
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? CLI_BUSY_TIMEOUT_MS))}`);
  immediateByDefault(db);
  return db;
}

/**
 * Makes a plain call of `db.transaction(fn)(...)` BEGIN IMMEDIATE instead of
 * SQLite's default DEFERRED. A deferred transaction that reads, then writes,
 * must upgrade its read lock; when another connection (the nightly import, a
 * backup's checkpoint) holds the write lock meanwhile, SQLite cannot wait for
 * it (waiting could deadlock) and fails at once with SQLITE_BUSY, whatever
 * the busy timeout. Taking the lock at BEGIN makes every writer wait its turn.
 * A transaction that only reads for a consistent snapshot says `.deferred()`.
 * Nested calls still become savepoints (better-sqlite3 decides by
 * `db.inTransaction`, whichever variant is called).
 */
function immediateByDefault(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const t = transaction(fn);
    const run = ((...args: never[]) => t.immediate(...args)) as unknown as typeof t;
    Object.assign(run, { default: t.immediate, deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive });
    return run;
  }) as Db['transaction'];
}

/** True for SQLite's "another connection holds the lock" errors (SQLITE_BUSY and its extended codes). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs a write that is only bookkeeping (a session's or terminal's "last
 * seen"): when another connection holds the lock it is skipped, and a later
 * request writes it. Returns false when skipped; other errors are rethrown.
 */
export function unlessBusy(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (isBusyError(error)) return false;
    throw error;
  }
}

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies the forward-only SQL migrations in `dir` (files named
 * `NNNN_description.sql`) that are not yet recorded, each in its own
 * transaction together with its bookkeeping row.
 */
export function migrate(db: Db, dir: string): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const done = new Set(
    db.prepare('SELECT version FROM schema_migration').pluck().all() as number[],
  );
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)');
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (done.has(version)) continue;
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    // A migration that rebuilds a table others refer to (SQLite's 12-step ALTER) starts with
    // `-- foreign-keys: off`: the check is off while it runs and every reference is verified before commit.
    const rebuild = /^-- foreign-keys: off\b/.test(sql);
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`${file}: ${broken.length} broken references after the rebuild`);
        }
        record.run(version, file, new Date().toISOString());
      }).immediate();
    } finally {
      if (rebuild) db.pragma('foreign_keys = ON');
    }
    applied.push(file);
  }
  return { applied };
}

/**
 * Runs `fn` in an IMMEDIATE transaction (the write lock is taken at BEGIN, so
 * two writers never deadlock on an upgrade) and returns its result. A thrown
 * error rolls everything back.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * Writes `x = ?` as `x = +?`. SQLite built with STAT4 (as better-sqlite3
 * ships it) marks a statement to be re-prepared whenever a parameter that
 * could change the query plan is re-bound, and better-sqlite3 re-binds on
 * every run: each run of such a statement paid a full re-prepare (5x the cost
 * of a session lookup, bench/README.md). Unary plus is a no-op on any value
 * but keeps the parameter out of the planner's consideration; the index on
 * `x` is still used (same EXPLAIN QUERY PLAN).
 */
export function planStableSql(text: string): string {
  return text.replace(/(=|<>|!=|<=|>=|<|>)(\s*)([?@:$])/g, '$1$2+$3');
}

/**
 * A prepared statement for `text`, prepared once per database handle and
 * reused: domain modules call `stmt(db, '…')` instead of `db.prepare`.
 */
export function stmt(db: Db, text: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(text);
  if (!s) cache.set(text, (s = db.prepare(planStableSql(text))));
  return s;
}

/** The SQL of every statement `stmt` prepared on this handle so far (the query-plan tests read it). */
export function preparedSql(db: Db): string[] {
  return [...(statements.get(db)?.values() ?? [])].map((s) => s.source);
}

/** True when the database answers a trivial query (health check). */
export function pingDatabase(db: Db): boolean {
  try {
    return stmt(db, 'SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
