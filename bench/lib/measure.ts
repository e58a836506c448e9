import autocannon, { type Instance, type Result } from 'autocannon';

/** One autocannon run of one scenario at one connection level. */
export interface Measurement {
  scenario: string;
  path: string;
  connections: number;
  durationSeconds: number;
  /** Average of the per-second request counts (all responses, whatever their status). */
  requestsPerSecond: number;
  /** requestsPerSecond counting only 2xx responses: the throughput that ratios use. */
  successPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAverageMs: number;
  totalRequests: number;
  /** Responses with a status outside 200–299 (redirects included). */
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Responses per status code, e.g. { "200": 51234 }. */
  statusCodes: Record<string, number>;
}

export interface RunOptions {
  baseUrl: string;
  scenario: string;
  path: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers: Record<string, string>;
}

let current: Instance | null = null;

/** Stops the run in progress, if any (Ctrl+C); its promise still settles. */
export function stopCurrentRun(): void {
  current?.stop();
}

/** Loads `path` with autocannon and returns the figures. */
export function measure(options: RunOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    current = autocannon(
      {
        url: options.baseUrl + options.path,
        connections: options.connections,
        duration: options.duration,
        headers: options.headers,
        title: options.scenario,
      },
      (err, result) => {
        current = null;
        if (err) reject(err);
        else resolve(toMeasurement(options, result));
      },
    );
  });
}

function toMeasurement(options: RunOptions, r: Result): Measurement {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = Number(count);
  return {
    scenario: options.scenario,
    path: options.path,
    connections: options.connections,
    durationSeconds: r.duration,
    requestsPerSecond: r.requests.average,
    successPerSecond: r.requests.total > 0 ? (r.requests.average * r['2xx']) / r.requests.total : 0,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyAverageMs: r.latency.average,
    totalRequests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}

/** Why a run's throughput cannot be trusted, or null when it can. */
export function problemWith(m: Measurement): string | null {
  const reasons: string[] = [];
  if (m.totalRequests === 0) reasons.push('no responses at all');
  if (m.non2xx > 0) {
    const codes = Object.entries(m.statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n}×${code}`)
      .join(', ');
    reasons.push(`${m.non2xx} non-2xx responses (${codes})`);
  }
  if (m.errors > 0) reasons.push(`${m.errors} connection errors (${m.timeouts} timeouts)`);
  return reasons.length ? `${m.scenario} at ${m.connections} connections: ${reasons.join('; ')}` : null;
}
