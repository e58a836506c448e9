// npm run bench: load-tests the built server on a temporary database.
// See bench/README.md for what is measured and how to read the output.
import path from 'node:path';
import { ensureBuild } from '../scripts/lib/build.ts';
import { COMPARISONS, SCENARIOS, type Scenario } from './scenarios.ts';
import { parseBenchArgs, USAGE, type BenchArgs } from './lib/args.ts';
import { startServer, type BenchServer } from './lib/server.ts';
import { expectPage, signIn, type BenchSession } from './lib/session.ts';
import { measure, problemWith, stopCurrentRun, type Measurement } from './lib/measure.ts';
import { buildReport, formatReport } from './lib/report.ts';
import { formatScaleReport, runScale } from './scale.ts';
import type { Role } from '../src/lib/shared/domain.ts';

/** Progress goes to stderr, so that `--json` leaves stdout to the figures. */
const progress = (line: string) => process.stderr.write(line + '\n');

// Set by main(); the last-resort catch below stops it (`as`: keep TS from narrowing it to null there).
let server = null as BenchServer | null;
let interrupted = false;

function onSignal(signal: NodeJS.Signals) {
  if (interrupted) return;
  interrupted = true;
  progress(`\n${signal}: stopping the benchmark…`);
  stopCurrentRun();
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

function checkInterrupted() {
  if (interrupted) throw new Error('Interrupted.');
}

async function bench(args: BenchArgs, srv: BenchServer): Promise<number> {
  // One session per role the scenarios need, made through the real sign-in form.
  const sessions = new Map<Role, BenchSession>();
  const databaseFile = path.join(srv.dataDir, 'tilts.db');
  for (const scenario of SCENARIOS) scenario.setup?.(databaseFile);
  for (const scenario of SCENARIOS) {
    const role = scenario.signInAs;
    if (role && !sessions.has(role)) {
      const session = await signIn(srv.baseUrl, role, databaseFile);
      progress(`Signed in as ${role} ${session.login}; ${session.home} answers 200.`);
      sessions.set(role, session);
    }
  }
  const headersFor = (s: Scenario): Record<string, string> =>
    s.signInAs ? { cookie: sessions.get(s.signInAs)!.cookie } : {};
  // Data-dependent paths (an item id) are found through the page that links to them.
  for (const s of SCENARIOS) {
    if (!s.findPath) continue;
    const res = await fetch(`${srv.baseUrl}${s.findPath.on}`, { headers: headersFor(s) });
    const found = s.findPath.link.exec(await res.text())?.[1];
    if (!found) throw new Error(`${s.name}: no link matching ${s.findPath.link} on ${s.findPath.on}.`);
    s.path = found;
  }
  for (const s of SCENARIOS) await expectPage(srv.baseUrl, s.path, headersFor(s).cookie ?? null);

  const problems: string[] = [];
  const run = async (s: Scenario, connections: number, duration: number) => {
    checkInterrupted();
    const m = await measure({ baseUrl: srv.baseUrl, scenario: s.name, path: s.path, connections, duration, headers: headersFor(s) });
    checkInterrupted();
    return m;
  };

  if (args.warmup > 0) {
    const connections = Math.max(...args.connections);
    for (const s of SCENARIOS) {
      progress(`Warm-up: ${s.name} (${s.path}), ${connections} connections, ${args.warmup} s…`);
      const problem = problemWith(await run(s, connections, args.warmup));
      if (problem) problems.push(`warm-up: ${problem}`);
    }
  }

  // Scenarios alternate within each level, so a ratio compares runs made close together.
  const results: Measurement[] = [];
  for (const connections of args.connections) {
    for (const s of SCENARIOS) {
      progress(`Measuring: ${s.name} (${s.path}), ${connections} connections, ${args.duration} s…`);
      const m = await run(s, connections, args.duration);
      progress(`  ${m.requestsPerSecond.toFixed(1)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms, non-2xx ${m.non2xx}, errors ${m.errors}`);
      const problem = problemWith(m);
      if (problem) problems.push(problem);
      results.push(m);
    }
  }

  // The sessions must have lasted the whole benchmark (no idle or barred end midway).
  for (const session of sessions.values()) {
    try {
      await expectPage(srv.baseUrl, session.home, session.cookie);
    } catch (err) {
      problems.push(`after the runs, the ${session.role} session no longer works: ${(err as Error).message}`);
    }
  }

  const report = buildReport({
    results,
    comparisons: COMPARISONS,
    connections: args.connections,
    durationSeconds: args.duration,
    warmupSeconds: args.warmup,
    problems,
  });
  const text = formatReport(report);
  if (args.json) {
    progress('\n' + text);
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    console.log('\n' + text);
  }
  if (!report.valid) return 1;
  return args.requireGoal && !report.goalMet ? 1 : 0;
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    progress(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  ensureBuild();
  checkInterrupted();
  if (args.scale !== null) {
    const report = await runScale(args.scale, args.profile);
    progress('\n' + formatScaleReport(report));
    if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
    return report.ok ? 0 : 1;
  }
  progress('Starting the server on a temporary database…');
  server = await startServer({ profileDir: args.profile });
  progress(`Server ready at ${server.baseUrl} (data in ${server.dataDir}).`);
  try {
    return await bench(args, server);
  } finally {
    await server.stop();
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  progress(`Benchmark failed: ${(err as Error).message}`);
  if (server && !interrupted) progress(`Last server output:\n${server.output().slice(-3_000)}`);
  await server?.stop();
  code = interrupted ? 130 : 1;
}
process.exit(code);
