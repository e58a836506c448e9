import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The project root (scripts/lib/..). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const ENTRY = path.join(ROOT, 'dist', 'server', 'entry.mjs');

/**
 * The server entry to run: dist/ normally, or TILTS_BUILD_DIR when set (a
 * prebuilt copy: the test runner serves a private snapshot of its build, so
 * a rebuild of dist/ meanwhile cannot pull files from under its servers).
 */
export function serverEntry(env: NodeJS.ProcessEnv = process.env): string {
  return env.TILTS_BUILD_DIR ? path.resolve(env.TILTS_BUILD_DIR, 'server', 'entry.mjs') : ENTRY;
}
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['src', 'public', 'astro.config.mjs', 'package-lock.json', 'tsconfig.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when dist/ is missing or older than any of its sources. */
export function buildIsStale(): boolean {
  if (!fs.existsSync(ENTRY) || !fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return INPUTS.some((input) => newestMtime(path.join(ROOT, input)) > built);
}

/** Runs `astro build` when needed (or always with `force`); exits the process if it fails. */
export function ensureBuild(force = false): void {
  if (!force && !buildIsStale()) return;
  console.log('Building Tilts (astro build)…');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
  fs.writeFileSync(STAMP, new Date().toISOString() + '\n');
}
