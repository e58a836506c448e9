import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isHealthy, LOOPBACK, waitForExit } from '../../scripts/lib/server-process.ts';
import { setAllHours } from './terminal.ts';

export { freePort, isHealthy };

/**
 * A real Tilts server for integration and browser tests: `scripts/start.ts`
 * (migrate, sync the course packages, seed the demo into an empty database,
 * serve) on a fresh temporary data folder and a free port. Never touches
 * db/data, and never builds: it serves TILTS_BUILD_DIR, the snapshot of the
 * build `npm test` made (or dist/ when the tests run on their own).
 *
 *   const server = await startServer({ env: { TILTS_IDLE_MINUTES_LEARNER: '0.1' } });
 *   … fetch(server.baseUrl + '/healthz') …
 *   await server.stop();
 */

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const START = path.join(ROOT, 'scripts', 'start.ts');
export const HOST = LOOPBACK;
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LIMIT = 50_000;

export interface StartOptions {
  /** Extra environment for the server (TILTS_* settings). */
  env?: Record<string, string>;
  /** Serve this existing data folder (a restart) instead of a new one; it is then not removed on stop. */
  dataDir?: string;
  /** Keep the data folder after stop() (to inspect it); default false for new folders. */
  keepData?: boolean;
  /** Keep the demo's learning hours instead of opening every facility round the clock. */
  demoHours?: boolean;
}

export interface TestServer {
  /** http://127.0.0.1:<port> — also the Origin every POST must carry. */
  baseUrl: string;
  port: number;
  dataDir: string;
  /** The SQLite file (open it read-only while the server runs). */
  databaseFile: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Graceful stop (SIGTERM, then SIGKILL), then removes a temporary data folder. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL now, like a power cut for the process; the data folder stays until stop(). */
  kill(): Promise<void>;
  /** True once the process has exited. */
  exited(): boolean;
}

/** A new empty temporary folder. */
export function tempDir(prefix = 'tilts-it-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Where a seeded demo database is kept for reuse: seeding hashes ~50 secrets
 * with scrypt, copying a file takes a millisecond. Keyed by everything that
 * shapes the demo (migrations, seed code, password hashing) and by the date
 * (release dates are counted from today).
 */
export function demoTemplatePath(): string {
  const hash = createHash('sha256');
  const add = (p: string): void => {
    if (!fs.existsSync(p)) return;
    if (fs.statSync(p).isDirectory()) for (const entry of fs.readdirSync(p).sort()) add(path.join(p, entry));
    else hash.update(path.relative(ROOT, p)).update(fs.readFileSync(p));
  };
  for (const input of ['db/migrations', 'src/lib/server', 'src/lib/shared', 'courses', 'scripts/start.ts']) add(path.join(ROOT, input));
  hash.update(new Date().toISOString().slice(0, 10));
  return path.join(os.tmpdir(), 'tilts-test-templates', `demo-${hash.digest('hex').slice(0, 16)}.db`);
}

/** The built app the test servers run: TILTS_BUILD_DIR (set by npm test) or dist/. */
export function buildDir(): string {
  const dir = process.env.TILTS_BUILD_DIR ? path.resolve(process.env.TILTS_BUILD_DIR) : path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dir, 'server', 'entry.mjs'))) {
    throw new Error(`No built app in ${dir}: run the tests with \`npm test\` (it builds first), or \`npm run build\`.`);
  }
  return dir;
}

/** The audit key the template's audit log was chained with (keys/audit.key of the data folder it came from). */
const templateKey = (template: string) => `${template}.audit.key`;

/** Copies the template (database and audit key) into a new data folder. */
function copyTemplate(template: string, dataDir: string): void {
  fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  fs.copyFileSync(templateKey(template), path.join(dataDir, 'keys', 'audit.key'));
  fs.chmodSync(path.join(dataDir, 'keys', 'audit.key'), 0o600);
  fs.copyFileSync(template, path.join(dataDir, 'tilts.db'));
}

/** Keeps this server's freshly seeded database as the template for the next ones. */
function saveTemplate(databaseFile: string, template: string): void {
  if (fs.existsSync(template)) return;
  const dir = path.dirname(template);
  fs.mkdirSync(dir, { recursive: true });
  // Templates of older sources and days are of no further use.
  for (const old of fs.readdirSync(dir)) {
    const file = path.join(dir, old);
    if (Date.now() - fs.statSync(file).mtimeMs > 24 * 3_600_000) fs.rmSync(file, { force: true });
  }
  // Written aside and renamed, so that a concurrent reader never sees half a file. The audit key
  // goes first: the template's audit log is chained with it, and a reader takes the database as the sign both are there.
  const keyPartial = `${templateKey(template)}.${process.pid}.${Date.now()}.partial`;
  fs.copyFileSync(path.join(path.dirname(databaseFile), 'keys', 'audit.key'), keyPartial);
  fs.renameSync(keyPartial, templateKey(template));
  const partial = `${template}.${process.pid}.${Date.now()}.partial`;
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  fs.renameSync(partial, template);
}

/** The database of each running test server, by base URL (the HTTP client provisions terminals in it). */
const databases = new Map<string, string>();
export function databaseOf(baseUrl: string): string | undefined {
  return databases.get(baseUrl) ?? (process.env.TILTS_E2E_BASE_URL === baseUrl && process.env.TILTS_E2E_DATA_DIR ? path.join(process.env.TILTS_E2E_DATA_DIR, 'tilts.db') : undefined);
}

/** Starts a server and waits until /healthz says ok (a new port if another process took the chosen one meanwhile). */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? tempDir();
  const databaseFile = path.join(dataDir, 'tilts.db');
  const template = demoTemplatePath();
  const fromTemplate = ownDir && fs.existsSync(template) && fs.existsSync(templateKey(template));
  if (fromTemplate) copyTemplate(template, dataDir);
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await launch(options, dataDir, ownDir);
      if (ownDir && !fromTemplate) saveTemplate(databaseFile, template);
      // Learners may sign in at any hour on a test server (the hours tests set their own).
      if (!options.demoHours) setAllHours(databaseFile);
      databases.set(server.baseUrl, databaseFile);
      return server;
    } catch (error) {
      const portTaken = error instanceof Error && /EADDRINUSE/.test(error.message);
      if (!portTaken || attempt >= 3) {
        if (ownDir && !options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function launch(options: StartOptions, dataDir: string, ownDir: boolean): Promise<TestServer> {
  const databaseFile = path.join(dataDir, 'tilts.db');
  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Settings inherited from a developer's shell would make the tests depend on it.
  for (const key of Object.keys(env)) if (key.startsWith('TILTS_')) delete env[key];
  Object.assign(env, {
    TILTS_DATA_DIR: dataDir,
    HOST,
    PORT: String(port),
    TILTS_BUILD_DIR: buildDir(),
    TILTS_SIGNIN_PER_MINUTE: '10000',
    TILTS_VERIFY_PER_MINUTE: '10000',
    ASTRO_TELEMETRY_DISABLED: '1',
    ...options.env,
  });
  const child = spawn(process.execPath, [START], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  const halt = async () => {
    if (exited()) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await halt();
    if (ownDir && !options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (!exited()) {
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    }
  };
  const server: TestServer = { baseUrl, port, dataDir, databaseFile, output: () => output, stop, kill, exited };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) {
      throw new Error(`The test server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    if (await isHealthy(baseUrl)) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await halt();
  throw new Error(`The test server did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
}
