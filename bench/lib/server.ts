import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isHealthy, LOOPBACK, waitForExit } from '../../scripts/lib/server-process.ts';
import { ROOT } from '../../scripts/lib/build.ts';

/** A Tilts server started for the benchmark, on its own temporary data folder. */
export interface BenchServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server printed so far (for error messages). */
  output(): string;
  /** Stops the server and removes its data folder; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = LOOPBACK;
/** Generous: seeding hashes ~50 secrets, and start.ts rebuilds if src/ changed meanwhile. */
const READY_TIMEOUT_MS = 240_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LIMIT = 20_000;

/**
 * Runs `node scripts/start.ts` (migrate, seed the demo, serve) on a new
 * temporary data folder (or `options.dataDir`) and a free port, and waits until /healthz says ok.
 * The demo database in db/data is never touched.
 */
export async function startServer(
  options: {
    profileDir?: string | null;
    env?: Record<string, string>;
    /** Serve this existing data folder (a restart) instead of a new one. */
    dataDir?: string;
    /** Keep the data folder when the server stops (the caller removes it). */
    keepData?: boolean;
  } = {},
): Promise<BenchServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-bench-'));
  const port = await freePort();
  const baseUrl = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TILTS_DATA_DIR: dataDir, HOST, PORT: String(port), ...options.env };
  // The benchmark measures the default setup; inherited overrides would skew or break it.
  delete env.TILTS_PUBLIC_ORIGIN;
  delete env.TILTS_DEMO;
  delete env.TILTS_SECURE_COOKIES;
  // --profile: a V8 CPU profile of the server, written when it stops (open it in Chrome's DevTools).
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_GRACE_MS);
      }
    }
    if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const server: BenchServer = { baseUrl, dataDir, output: () => output, stop };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`The server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    if (await isHealthy(baseUrl)) return server;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`The server did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
}
