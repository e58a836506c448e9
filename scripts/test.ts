// npm test: every test of Tilts, in one command.
//
//   1. Chromium for the browser tests (scripts/ensure-chromium.ts: Debian's
//      /usr/bin/chromium, installed with apt-get when missing and allowed)
//   2. astro check (type check; stops here on errors)
//   3. a fresh astro build, then a private snapshot of it that every test
//      server serves (TILTS_BUILD_DIR), so a rebuild of dist/ by someone
//      running `npm start` meanwhile cannot change files under the tests
//   4. vitest: unit tests (tests/unit) and integration tests over HTTP
//      against real servers (tests/integration), in parallel
//   5. Playwright: browser tests by role (tests/e2e), one shared server
//   6. a summary per stage with durations, then exactly one line
//      `N passed, N failed[, N skipped]`; the exit code is 1 when anything
//      failed or when no test ran at all.
//
// Quicker runs while working:
//   npm test -- --only=unit              unit tests only (no check, no build, no browser)
//   npm test -- --only=integration       build + integration tests
//   npm test -- --only=e2e               build + browser tests
//   npm test -- --only=unit,integration  any combination
//   npm test -- --only=e2e --check       … and run astro check too
//   npm test -- --only=e2e -- admin      everything after a second `--` goes to the test
//                                        tools as a filter (file names, like `vitest run admin`)
// Reports: test-results/reports/{vitest,playwright}.json; screenshots of each
// role's main pages: test-results/screenshots/<role>-<what>.png.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuild, ROOT } from './lib/build.ts';
import { ensureChromium } from './ensure-chromium.ts';

type Suite = 'unit' | 'integration' | 'e2e';
const SUITES: Suite[] = ['unit', 'integration', 'e2e'];

interface StageResult {
  name: string;
  ok: boolean;
  ms: number;
  passed?: number;
  failed?: number;
  skipped?: number;
  note?: string;
}

const REPORTS = path.join(ROOT, 'test-results', 'reports');
const VITEST_JSON = path.join(REPORTS, 'vitest.json');
const PLAYWRIGHT_JSON = path.join(REPORTS, 'playwright.json');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

function parseArgs(argv: string[]): { suites: Suite[]; check: boolean; filters: string[] } {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const filters = split === -1 ? [] : argv.slice(split + 1);
  let suites = SUITES;
  let check = true;
  for (const arg of own) {
    const only = /^--only=(.+)$/.exec(arg);
    if (only) {
      const asked = only[1]!.split(',').map((s) => s.trim());
      const unknown = asked.filter((s) => !SUITES.includes(s as Suite));
      if (unknown.length) fail(`Unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}.`);
      suites = asked as Suite[];
      check = own.includes('--check');
    } else if (arg !== '--check') {
      fail(`Unknown option ${arg}. Options: --only=unit|integration|e2e (comma-separated), --check, -- <filters>.`);
    }
  }
  return { suites, check, filters };
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function banner(text: string): void {
  console.log(`\n━━━ ${text} ${'━'.repeat(Math.max(3, 70 - text.length))}`);
}

/** Runs a Node program (Node 24, this process's) with inherited output; resolves with its exit code. */
function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', (error) => {
      console.error(error);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function timed(name: string, work: () => Promise<Omit<StageResult, 'name' | 'ms'>>): Promise<StageResult> {
  banner(name);
  const start = performance.now();
  let result: Omit<StageResult, 'name' | 'ms'>;
  try {
    result = await work();
  } catch (error) {
    console.error(error);
    result = { ok: false, note: String(error) };
  }
  return { name, ms: performance.now() - start, ...result };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Counts from vitest's JSON report (Jest-compatible format). */
function vitestCounts(): { passed: number; failed: number; skipped: number; crashed: number } | null {
  const report = readJson(VITEST_JSON) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
    testResults?: Array<{ status?: string; assertionResults?: unknown[]; message?: string; name?: string }>;
  } | null;
  if (!report || typeof report.numPassedTests !== 'number') return null;
  // A file that failed to load (syntax error, failing beforeAll with no tests run) has no assertions.
  const crashed = (report.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).length).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    crashed,
  };
}

/** Counts from Playwright's JSON report. */
function playwrightCounts(): { passed: number; failed: number; skipped: number; errors: number } | null {
  const report = readJson(PLAYWRIGHT_JSON) as {
    stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
    errors?: unknown[];
  } | null;
  if (!report?.stats) return null;
  const s = report.stats;
  return {
    passed: s.expected ?? 0,
    failed: (s.unexpected ?? 0) + (s.flaky ?? 0),
    skipped: s.skipped ?? 0,
    errors: report.errors?.length ?? 0,
  };
}

/** True when a process with this id is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A copy of dist/ for the test servers (see the header); snapshots of runs that died are removed. */
function snapshotBuild(): string {
  const tmp = path.join(ROOT, '.tmp');
  for (const entry of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) {
    const pid = /^test-build-(\d+)$/.exec(entry)?.[1];
    if (pid && !alive(Number(pid))) fs.rmSync(path.join(tmp, entry), { recursive: true, force: true });
  }
  const target = path.join(tmp, `test-build-${process.pid}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const part of ['server', 'client']) fs.cpSync(path.join(ROOT, 'dist', part), path.join(target, part), { recursive: true });
  return target;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const { suites, check, filters } = parseArgs(process.argv.slice(2));
  const wantsServer = suites.includes('integration') || suites.includes('e2e');
  const results: StageResult[] = [];
  const started = performance.now();
  let buildDir: string | null = null;
  const cleanup = () => {
    if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }

  fs.mkdirSync(REPORTS, { recursive: true });
  fs.rmSync(VITEST_JSON, { force: true });
  fs.rmSync(PLAYWRIGHT_JSON, { force: true });

  const summary = (): number => {
    banner('Summary');
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const r of results) {
      passed += r.passed ?? 0;
      failed += r.failed ?? 0;
      skipped += r.skipped ?? 0;
      const counts = r.passed === undefined ? '' : `  ${r.passed} passed, ${r.failed ?? 0} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
      console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(28)} ${formatMs(r.ms).padStart(9)}${counts}${r.note ? `  (${r.note})` : ''}`);
    }
    console.log(`      ${'total'.padEnd(28)} ${formatMs(performance.now() - started).padStart(9)}`);
    const stageFailed = results.some((r) => !r.ok);
    // A stage that failed without any counted test (crash, type errors) still fails the run.
    if (stageFailed && failed === 0) failed = 1;
    console.log('');
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    cleanup();
    if (passed + failed === 0) {
      console.error('No test ran.');
      return 1;
    }
    return failed > 0 || stageFailed ? 1 : 0;
  };

  if (suites.includes('e2e')) {
    const stage = await timed('Chromium', async () => {
      const found = ensureChromium();
      return found ? { ok: true, note: found } : { ok: false, note: 'no Chromium: see the message above' };
    });
    results.push(stage);
    if (!stage.ok) return summary();
  }

  if (check) {
    const stage = await timed('astro check', async () => {
      const code = await runNode([path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'check'], { ASTRO_TELEMETRY_DISABLED: '1' });
      return { ok: code === 0, note: code === 0 ? undefined : 'type errors: fix them first' };
    });
    results.push(stage);
    if (!stage.ok) return summary();
  }

  if (wantsServer) {
    const stage = await timed('astro build', async () => {
      ensureBuild(true);
      buildDir = snapshotBuild();
      return { ok: true, note: `served from ${path.relative(ROOT, buildDir)}` };
    });
    results.push(stage);
    if (!stage.ok) return summary();
  }
  const testEnv: NodeJS.ProcessEnv = buildDir ? { TILTS_BUILD_DIR: buildDir } : {};

  const vitestSuites = suites.filter((s) => s !== 'e2e');
  if (vitestSuites.length) {
    const name = `vitest (${vitestSuites.join(' + ')})`;
    results.push(
      await timed(name, async () => {
        const args = [
          path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          ...vitestSuites.flatMap((s) => ['--project', s]),
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${VITEST_JSON}`,
          ...filters,
        ];
        const code = await runNode(args, testEnv);
        const counts = vitestCounts();
        if (!counts) return { ok: false, note: `vitest exited ${code} without a JSON report` };
        const failed = counts.failed + counts.crashed;
        return {
          ok: code === 0 && failed === 0,
          passed: counts.passed,
          failed,
          skipped: counts.skipped,
          note: counts.crashed ? `${counts.crashed} file(s) failed to run` : code !== 0 && failed === 0 ? `vitest exited ${code}` : undefined,
        };
      }),
    );
  }

  if (suites.includes('e2e')) {
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    results.push(
      await timed('playwright (e2e)', async () => {
        const args = [path.join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...filters];
        const code = await runNode(args, testEnv);
        const counts = playwrightCounts();
        if (!counts) return { ok: false, note: `playwright exited ${code} without a JSON report` };
        const failed = counts.failed + counts.errors;
        return {
          ok: code === 0 && failed === 0,
          passed: counts.passed,
          failed,
          skipped: counts.skipped,
          note: counts.errors ? `${counts.errors} error(s) outside tests (global setup?)` : code !== 0 && failed === 0 ? `playwright exited ${code}` : undefined,
        };
      }),
    );
  }

  return summary();
}

process.exitCode = await main();
