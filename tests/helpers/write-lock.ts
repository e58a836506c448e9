import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Another process holding the database's write lock, as the nightly roster
 * import or a migration does: `BEGIN IMMEDIATE`, one write, then it waits.
 * `release()` commits (or, with `releaseAfterMs`, the holder commits by
 * itself after that pause: for a test whose own thread is blocked waiting).
 */
export interface LockHolder {
  /** Commits and waits for the holder to exit. */
  release(): Promise<void>;
  /** Resolves once the holder has committed and exited. */
  done: Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const SCRIPT = `
const Database = require('better-sqlite3');
const [file, after] = process.argv.slice(1);
const db = new Database(file);
db.pragma('busy_timeout = 30000');
db.exec('BEGIN IMMEDIATE');
db.exec("CREATE TABLE IF NOT EXISTS lock_probe (n INTEGER)");
db.exec('INSERT INTO lock_probe VALUES (1)');
const commit = () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); process.exit(0); };
process.stdout.write('locked\\n');
if (Number(after) > 0) setTimeout(commit, Number(after));
process.stdin.on('data', commit);
`;

/** Starts the holder and resolves once it holds the lock. */
export async function holdWriteLock(databaseFile: string, { releaseAfterMs = 0 }: { releaseAfterMs?: number } = {}): Promise<LockHolder> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, databaseFile, String(releaseAfterMs)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  // The holder may commit by itself and exit before release() writes to it.
  child.stdin!.on('error', () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`The lock holder exited with ${code}: ${output}`))));
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', () => reject(new Error(`The lock holder exited before taking the lock: ${output}`)));
  });
  return {
    done,
    release: async () => {
      if (child.exitCode === null && !output.includes('released')) child.stdin!.write('go\n');
      await done;
    },
  };
}
