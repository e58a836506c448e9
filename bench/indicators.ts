// npm run bench:indicators [-- --learners 100000 --runs 5 --json]
// Times the indicators report (/staff/indicators) on a temporary database at national scale.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openDatabase, type Db } from '../src/lib/server/db.ts';
import { translator } from '../src/lib/i18n/index.ts';
import { addLearningDay } from '../src/lib/server/learning/learning-days.ts';
import { indicatorReport } from '../src/lib/server/indicators/report.ts';
import { barChart, seriesChart } from '../src/lib/server/indicators/charts.ts';
import { SERIES } from '../src/lib/server/indicators/figures.ts';
import type { Actor } from '../src/lib/server/policy.ts';

/**
 * Builds a database with `--learners` learners (default 100,000) across nine
 * prisons and three years: one or two places each with every ending, a career
 * consultation, documents, and active learning time on ~20 days per place
 * (a few million learning_day rows). Then times what the indicators page does
 * per request: the report (SQL + figures + suppressed tables) and its 10
 * charts, for the administrator (all prisons) and for one prison's staff, a
 * whole year. Prints the median of `--runs`. The database lives in a
 * temporary folder and is removed.
 */
const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    // Keep the built database in this folder (and reuse it when it is there): building 100,000 learners takes minutes.
    keep: { type: 'string' },
  },
});
const LEARNERS = Number(values.learners);
const RUNS = Number(values.runs);
const YEAR = 2026;
const dir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-bench-indicators-'));
const reuse = values.keep !== undefined && fs.existsSync(path.join(dir, 'tilts.db'));
const db = openDatabase(path.join(dir, 'tilts.db'));
// A bench database: durability does not matter while it is built.
db.pragma('synchronous = OFF');
migrate(db, path.resolve(import.meta.dirname, '../db/migrations'));

function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function build(db: Db): { rows: Record<string, number>; seconds: number } {
  const started = performance.now();
  const r = random(42);
  const at = '2023-01-01T00:00:00.000Z';
  const DAY = 86_400_000;
  const iso = (t: number) => new Date(t).toISOString();
  const rows = { learners: 0, placements: 0, learningDays: 0, consultations: 0, certificates: 0 };
  db.transaction(() => {
    const facilities = Array.from({ length: 9 }, (_, i) => Number(db.prepare('INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(`F${String.fromCharCode(65 + i)}`, `Cietums ${i + 1}`, at, at).lastInsertRowid));
    const tracks = ['vocational', 'state-language', 'life-skills', 'general-education'];
    tracks.forEach((t, i) => db.prepare(`INSERT INTO course (id, track, level, hours, language, title_json, summary_json, prerequisites_json, pass_rules_json, content_hash, synced_at) VALUES (?, ?, ?, 80, 'lv', '{"lv":"K"}', '{"lv":""}', '{}', '{}', 'h', ?)`).run(`c${i}`, t, i === 1 ? 'A2' : 'general', at));
    const programmes: Array<{ id: number; facility: number; course: string; start: number; end: number }> = [];
    const addProgramme = db.prepare(`INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, created_at, updated_at) VALUES (?, 'P', ?, ?, 500, ?, ?, ?)`);
    const addPc = db.prepare('INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 0, ?)');
    for (const f of facilities) for (let c = 0; c < 4; c++) for (let h = 0; h < 7; h++) {
      const start = Date.UTC(2023, 0, 1) + h * 182 * DAY + c * 15 * DAY;
      const end = start + 120 * DAY;
      const id = Number(addProgramme.run(f, iso(start).slice(0, 10), iso(end).slice(0, 10), c === 1 && f % 3 === 0 ? 'ru' : 'lv', at, at).lastInsertRowid);
      addPc.run(id, `c${c}`);
      programmes.push({ id, facility: f, course: `c${c}`, start, end });
    }
    const addUser = db.prepare(`INSERT INTO user (role, username, display_name, facility_id, preferred_locale, created_at, updated_at) VALUES ('learner', NULL, 'X', ?, ?, ?, ?)`);
    const addLearner = db.prepare(`INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, sex, created_at, updated_at) VALUES (?, ?, 'X', 'Y', ?, ?, 'B1', ?, ?, ?)`);
    const addPlacement = db.prepare(`INSERT INTO placement (learner_id, programme_id, status, waitlisted_at, enrolled_at, status_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const addConsultation = db.prepare(`INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, created_at) VALUES (?, ?, 'career', ?, 'in_person', ?)`);
    const addCertificate = db.prepare(`INSERT INTO certificate (serial, kind, learner_id, course_id, programme_id, holder_name, title_json, hours, level, issuer, issued_on, completed_on, content_json, content_hash, signature, key_id, created_at)
      VALUES (?, ?, ?, ?, ?, 'X', '{"lv":"D"}', 80, ?, 'S', ?, ?, '{}', ?, 's', '0123456789abcdef', ?)`);
    const ALPHA = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    const serial = (n: number) => { let s = ''; for (let i = 0; i < 8; i++) { s += ALPHA[n % 32]; n = Math.floor(n / 32); } return `TLT-2026-${s.slice(0, 4)}-${s.slice(4)}`; };
    const EDU = ['none', 'primary', 'basic', 'secondary', 'vocational'];
    const hash = 'a'.repeat(64);
    for (let i = 0; i < LEARNERS; i++) {
      const programme = programmes[Math.floor(r() * programmes.length)]!;
      const userId = Number(addUser.run(programme.facility, r() < 0.3 ? 'ru' : 'lv', at, at).lastInsertRowid);
      const learnerId = Number(addLearner.run(userId, `B${i}`, 1960 + Math.floor(r() * 45), EDU[Math.floor(r() * 5)], r() < 0.06 ? 'F' : 'M', at, at).lastInsertRowid);
      rows.learners++;
      addConsultation.run(learnerId, programme.facility, iso(programme.start - Math.floor(r() * 60 + 5) * DAY).slice(0, 10), at);
      rows.consultations++;
      for (const p of r() < 0.4 ? [programme, programmes[Math.floor(r() * programmes.length)]!] : [programme]) {
        const roll = r();
        const status = p.end > Date.UTC(YEAR, 11, 4) ? 'enrolled' : roll < 0.65 ? 'completed' : roll < 0.8 ? 'withdrawn' : roll < 0.87 ? 'failed' : roll < 0.93 ? 'transferred' : 'released_before_completion';
        const enrolled = p.start + Math.floor(r() * 5) * DAY;
        const ended = status === 'completed' ? p.end : status === 'enrolled' ? enrolled : enrolled + Math.floor(r() * 100) * DAY;
        addPlacement.run(learnerId, p.id, status, null, iso(enrolled), iso(ended), iso(enrolled));
        rows.placements++;
        for (let d = enrolled; d < (status === 'enrolled' ? p.end : ended); d += Math.floor(1 + r() * 10) * DAY) {
          addLearningDay(db, learnerId, p.course, iso(d).slice(0, 10), 1200 + Math.floor(r() * 3600));
          rows.learningDays++;
        }
        if (status === 'completed') {
          addCertificate.run(serial(rows.certificates + 1), p.course === 'c0' ? 'professional_development' : 'module', learnerId, p.course, p.id, p.course === 'c0' ? 'LKI 2' : p.course === 'c1' ? 'A2' : null, iso(p.end + DAY).slice(0, 10), iso(p.end).slice(0, 10), hash, at);
          rows.certificates++;
        }
      }
    }
  })();
  db.pragma('analysis_limit = 1000');
  db.exec('ANALYZE');
  return { rows, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const built = reuse
  ? { rows: { learners: count('learner'), placements: count('placement'), learningDays: count('learning_day'), consultations: count('consultation'), certificates: count('certificate') }, seconds: 0 }
  : build(db);
const tr = translator('lv');
const admin: Actor = { id: 1, role: 'admin', facilityIds: [] };
const staff: Actor = { id: 2, role: 'education_staff', facilityIds: [1] };
const params = new URLSearchParams({ period: 'year', year: String(YEAR) });

/** One request's work: the report and its charts (what the page computes before writing HTML). */
function page(actor: Actor): number {
  const t = performance.now();
  const r = indicatorReport(db, actor, params, tr, 'lv', `${YEAR}-12-04`);
  if (!r.ok) throw new Error('report refused');
  const monthly = r.tables.find((x) => x.id === 'monthly')!;
  SERIES.forEach((_, i) => seriesChart(monthly, i, 't', String));
  for (const id of ['by-prison', 'by-track', 'funnel']) barChart(id, r.tables.find((x) => x.id === id)!, 0, 't', String);
  return performance.now() - t;
}
// BENCH_PHASES=1: also print how long reading the rows and counting the figures take (to see where time goes).
if (process.env.BENCH_PHASES) {
  const { loadFacts } = await import('../src/lib/server/indicators/facts.ts');
  const { computeIndicators } = await import('../src/lib/server/indicators/figures.ts');
  const period = { kind: 'year' as const, from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
  const filters = { facilityId: null, track: null, programmeId: null, language: null };
  for (let k = 0; k < 2; k++) {
    let t = performance.now();
    const facts = loadFacts(db, 'all', period, filters);
    const a = performance.now() - t; t = performance.now();
    computeIndicators(facts, period);
    console.log('facts', Math.round(a), 'ms', Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, (v as unknown[]).length])), 'figures', Math.round(performance.now() - t), 'ms');
  }
}
// The machine's speed now (it is shared): a fixed CPU loop and a 20,000-row scan, to read the figures against.
function calibrate(): { loopMs: number; scanMs: number } {
  let t = performance.now();
  let x = 0;
  for (let i = 0; i < 20_000_000; i++) x = (x + i * 7) % 1_000_003;
  const loopMs = Math.round(performance.now() - t) + (x < 0 ? 1 : 0);
  t = performance.now();
  db.prepare('SELECT id, learner_id, status, status_at FROM placement LIMIT 20000').all();
  return { loopMs, scanMs: Math.round(performance.now() - t) };
}
const calibration = calibrate();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, { medianMs: number; runsMs: number[] }> = {};
for (const [name, actor] of [['admin-all-prisons', admin], ['staff-one-prison', staff]] as const) {
  page(actor); // warm-up: statements prepared, pages cached
  const runs = Array.from({ length: RUNS }, () => Math.round(page(actor)));
  results[name] = { medianMs: median(runs), runsMs: runs };
}
db.close();
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
const goalMs = 500;
const summary = { learners: LEARNERS, calibration, rows: built.rows, buildSeconds: built.seconds, period: `year ${YEAR}`, goalMs, results, goalMet: Object.values(results).every((x) => x.medianMs < goalMs) };
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(`Database: ${Object.entries(built.rows).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')} (built in ${built.seconds} s)`);
  console.log(`Machine now: 20M-step loop ${calibration.loopMs} ms (about 20 ms on an idle core), 20,000-row read ${calibration.scanMs} ms (about 10 ms idle)`);
  for (const [name, r] of Object.entries(results)) console.log(`${name.padEnd(20)} median ${r.medianMs} ms  (runs: ${r.runsMs.join(', ')} ms)  goal < ${goalMs} ms: ${r.medianMs < goalMs ? 'met' : 'MISSED'}`);
}
