import { parseArgs } from 'node:util';
import { DEFAULT_CONNECTIONS, DEFAULT_DURATION, DEFAULT_WARMUP } from '../scenarios.ts';

export interface BenchArgs {
  /** Seconds per measured run. */
  duration: number;
  /** Seconds of warm-up per scenario (0 skips it). */
  warmup: number;
  connections: number[];
  json: boolean;
  /** Exit 1 when the goal ratio is not met (for CI). */
  requireGoal: boolean;
  /** `--scale N`: build N learners and time the staff pages and long jobs instead of the load runs. */
  scale: number | null;
  /** Folder for a V8 CPU profile of the server (node --cpu-prof), or null. */
  profile: string | null;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --duration N        seconds per measured run (default ${DEFAULT_DURATION})
  --warmup N          seconds of warm-up per scenario, 0 to skip (default ${DEFAULT_WARMUP})
  --connections A,B   concurrent connections per run (default ${DEFAULT_CONNECTIONS.join(',')})
  --json              print the figures as one JSON object on the last line of stdout
  --require-goal      exit 1 when the goal ratio is not met, too
  --profile DIR       write a CPU profile of the server (node --cpu-prof) into DIR
  --scale N           instead: import N learners (roster:import), add their history, time
                      every staff page and export, the re-import, db:backup and a cold start
  --help              this text

Exit code 1 when a run had non-2xx responses or connection errors (its req/s is
not throughput), when the server could not start or the sign-in failed.`;

function positive(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(`--${name} wants a ${allowZero ? 'non-negative' : 'positive'} number, not '${value}'.`);
  }
  return n;
}

/** Reads the command line; throws an Error with a readable message on bad input. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      json: { type: 'boolean', default: false },
      'require-goal': { type: 'boolean', default: false },
      profile: { type: 'string' },
      scale: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const connections = values.connections
    ? values.connections.split(',').map((c) => Math.round(positive('connections', c.trim())))
    : DEFAULT_CONNECTIONS;
  return {
    duration: values.duration ? positive('duration', values.duration) : DEFAULT_DURATION,
    warmup: values.warmup ? positive('warmup', values.warmup, true) : DEFAULT_WARMUP,
    connections,
    json: values.json ?? false,
    requireGoal: values['require-goal'] ?? false,
    profile: values.profile ?? null,
    scale: values.scale ? Math.round(positive('scale', values.scale)) : null,
    help: values.help ?? false,
  };
}
