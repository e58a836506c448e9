import type { Comparison } from '../scenarios.ts';
import type { Measurement } from './measure.ts';

/** One comparison at one connection level. */
export interface RatioAtLevel {
  comparison: string;
  connections: number;
  /** numerator ÷ denominator, 2xx responses per second; null when either run is missing. */
  ratio: number | null;
}

/** Everything `--json` prints, and what the table is made of. */
export interface Report {
  /** Headline: the lowest ratio of the headline comparisons over every connection level. */
  ratio: number | null;
  ratioRule: string;
  goal: number | null;
  goalMet: boolean;
  /** False when some run had non-2xx responses or errors: its req/s is not throughput. */
  valid: boolean;
  problems: string[];
  durationSeconds: number;
  warmupSeconds: number;
  connections: number[];
  results: Measurement[];
  ratios: RatioAtLevel[];
  comparisons: Array<Comparison & { ratio: number | null; goalMet: boolean }>;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const minOf = (values: Array<number | null>): number | null =>
  values.some((v) => v === null) || values.length === 0 ? null : Math.min(...(values as number[]));

/** Works out the ratios of each comparison per level and overall (the minimum over levels). */
export function buildReport(input: {
  results: Measurement[];
  comparisons: Comparison[];
  connections: number[];
  durationSeconds: number;
  warmupSeconds: number;
  problems: string[];
}): Report {
  const { results, comparisons, connections } = input;
  const rps = (scenario: string, level: number) =>
    results.find((r) => r.scenario === scenario && r.connections === level)?.successPerSecond ?? null;
  const ratios: RatioAtLevel[] = [];
  const summary = comparisons.map((c) => {
    const levels = connections.map((level) => {
      const a = rps(c.numerator, level);
      const b = rps(c.denominator, level);
      const ratio = a !== null && b ? round(a / b, 3) : null;
      ratios.push({ comparison: c.name, connections: level, ratio });
      return ratio;
    });
    const ratio = minOf(levels);
    return { ...c, ratio, goalMet: ratio !== null && ratio >= c.goal };
  });
  const valid = input.problems.length === 0;
  // The headline: the worst of the comparisons marked `headline`, at its worst connection level.
  const headlines = summary.filter((c) => c.headline);
  const headlineRatio = headlines.length ? minOf(headlines.map((c) => c.ratio)) : null;
  return {
    ratio: headlineRatio,
    ratioRule: headlines.length
      ? `the minimum of the ${headlines.map((c) => c.name).join(' and ')} req/s ratios over ${connections.join(' and ')} connections`
      : 'no comparison defined',
    goal: headlines.length ? Math.max(...headlines.map((c) => c.goal)) : null,
    goalMet: valid && summary.every((c) => c.goalMet),
    valid,
    problems: input.problems,
    durationSeconds: input.durationSeconds,
    warmupSeconds: input.warmupSeconds,
    connections,
    results: results.map((r) => ({
      ...r,
      requestsPerSecond: round(r.requestsPerSecond, 1),
      successPerSecond: round(r.successPerSecond, 1),
      latencyAverageMs: round(r.latencyAverageMs, 2),
    })),
    ratios,
    comparisons: summary,
  };
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const fmt = (n: number | null, digits: number) => (n === null ? 'n/a' : n.toFixed(digits));

/** The report as plain text for the terminal. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  out.push(
    table(
      ['scenario', 'path', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
      report.results.map((r) => [
        r.scenario,
        r.path,
        String(r.connections),
        r.requestsPerSecond.toFixed(1) + (r.non2xx > 0 || r.errors > 0 ? ' !' : ''),
        String(r.latencyP50Ms),
        String(r.latencyP99Ms),
        String(r.non2xx),
        String(r.errors),
      ]),
      new Set([2, 3, 4, 5, 6, 7]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['ratio (req/s ÷ req/s)', 'connections', 'ratio', 'goal'],
      [
        ...report.ratios.map((r) => {
          const goal = report.comparisons.find((c) => c.name === r.comparison)?.goal ?? null;
          return [r.comparison, String(r.connections), fmt(r.ratio, 3), `≥ ${fmt(goal, 2)}`];
        }),
        ...report.comparisons.map((c) => [c.name, 'overall (min)', fmt(c.ratio, 3), `≥ ${c.goal.toFixed(2)}`]),
      ],
      new Set([2]),
    ),
  );
  out.push('');
  out.push(`ratio = ${fmt(report.ratio, 3)} (${report.ratioRule}); ${report.durationSeconds} s per run after a ${report.warmupSeconds} s warm-up.`);
  if (!report.valid) {
    out.push('');
    out.push('INVALID RUN (rows marked !): some responses were not 2xx or failed; they are not throughput');
    out.push('and the ratios count 2xx responses only:');
    for (const p of report.problems) out.push(`  - ${p}`);
  } else {
    out.push(report.goalMet ? `Goal met: ratio ≥ ${fmt(report.goal, 2)}.` : `Goal NOT met: ratio < ${fmt(report.goal, 2)}.`);
  }
  return out.join('\n');
}
