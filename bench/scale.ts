// npm run bench -- --scale N: the platform with N learners. See bench/README.md.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../scripts/lib/build.ts';
import { startServer, type BenchServer } from './lib/server.ts';
import { signIn, type BenchSession } from './lib/session.ts';
import { activeFacilityCodes, addHistory, scaleRoster } from './lib/scale-data.ts';
import type { Role } from '../src/lib/shared/domain.ts';

const progress = (line: string) => process.stderr.write(line + '\n');

/** What a page may take (median) and weigh, as issue 14 sets them. */
const PAGE_LIMIT_MS = 200;
const REPORT_LIMIT_MS = 500;
const PAGE_LIMIT_BYTES = 300 * 1024;
/** Timed requests per page (after one untimed). */
const SAMPLES = 5;

export interface PageTiming {
  name: string;
  path: string;
  role: Role;
  medianMs: number;
  maxMs: number;
  kilobytes: number;
  status: number;
  limitMs: number;
  ok: boolean;
}

export interface StepTiming {
  name: string;
  seconds: number;
  detail: string;
}

export interface ScaleReport {
  learners: number;
  steps: StepTiming[];
  /** The longest /healthz answer while the roster import ran in another process. */
  healthzDuringImportMaxMs: number;
  healthzDuringImportSamples: number;
  pages: PageTiming[];
  coldStartSeconds: number;
  ok: boolean;
}

/** Runs a script of this repository (`node scripts/<file>`) on the bench's data folder; resolves with its exit code and output. */
function runScript(file: string, args: string[], dataDir: string): Promise<{ code: number; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', file), ...args], { cwd: ROOT, env: { ...process.env, TILTS_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.on('exit', (code) => resolve({ code: code ?? 1, output, seconds: (performance.now() - started) / 1000 }));
  });
}

/** Polls /healthz every 50 ms until `done` settles; returns the slowest answer. */
async function watchHealth(baseUrl: string, done: Promise<unknown>): Promise<{ maxMs: number; samples: number }> {
  let finished = false;
  void done.then(() => (finished = true));
  let maxMs = 0;
  let samples = 0;
  while (!finished) {
    const started = performance.now();
    await fetch(`${baseUrl}/healthz`).then((r) => r.arrayBuffer());
    maxMs = Math.max(maxMs, performance.now() - started);
    samples++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { maxMs: Math.round(maxMs), samples };
}

async function timePage(baseUrl: string, session: BenchSession, name: string, pathname: string, limitMs = PAGE_LIMIT_MS): Promise<PageTiming> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${pathname}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
    const body = await res.arrayBuffer();
    return { ms: performance.now() - started, bytes: body.byteLength, status: res.status };
  };
  await once();
  const runs = [];
  for (let i = 0; i < SAMPLES; i++) runs.push(await once());
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const medianMs = Math.round(sorted[Math.floor(sorted.length / 2)]!);
  const last = runs.at(-1)!;
  const kilobytes = Math.round(last.bytes / 102.4) / 10;
  const ok = last.status === 200 && medianMs <= limitMs && last.bytes <= PAGE_LIMIT_BYTES;
  progress(`  ${ok ? 'ok  ' : 'SLOW'} ${name}: median ${medianMs} ms, ${kilobytes} KB, HTTP ${last.status}`);
  return { name, path: pathname, role: session.role, medianMs, maxMs: Math.round(sorted.at(-1)!), kilobytes, status: last.status, limitMs, ok };
}

/** The link after `rel`'s text on a page, e.g. the next page of a list. */
async function findLink(baseUrl: string, session: BenchSession, pathname: string, pattern: RegExp): Promise<string | null> {
  const html = await (await fetch(`${baseUrl}${pathname}`, { headers: { cookie: session.cookie } })).text();
  const found = pattern.exec(html)?.[1];
  return found ? found.replaceAll('&amp;', '&') : null;
}

async function staffPages(srv: BenchServer, sessions: Map<Role, BenchSession>, courseId: string | null): Promise<PageTiming[]> {
  const staff = sessions.get('education_staff')!;
  const admin = sessions.get('admin')!;
  const teacher = sessions.get('teacher')!;
  const supervisor = sessions.get('supervisor')!;
  const url = srv.baseUrl;
  const pages: PageTiming[] = [];
  pages.push(await timePage(url, staff, 'learner list', '/staff/learners'));
  pages.push(await timePage(url, staff, 'learner search', '/staff/learners?q=Liepa'));
  pages.push(await timePage(url, staff, 'no consultation yet', '/staff/learners?placement=noConsultation'));
  // A deep page: follow "next" ten times.
  let deep = '/staff/learners';
  let hops = 0;
  for (; hops < 10; hops++) {
    const next = await findLink(url, staff, deep, /href="(\/staff\/learners\?[^"]*after=[^"]+)"/);
    if (!next) break;
    deep = next;
  }
  if (hops > 0) pages.push(await timePage(url, staff, `learner list, page ${hops + 1}`, deep));
  const learner = await findLink(url, staff, '/staff/learners?q=Liepa', /href="(\/staff\/learners\/\d+)"/);
  if (learner) pages.push(await timePage(url, staff, 'learner detail', learner));
  pages.push(await timePage(url, staff, 'staff home', '/staff'));
  pages.push(await timePage(url, staff, 'reports', '/staff/reports', REPORT_LIMIT_MS));
  pages.push(await timePage(url, staff, 'programmes export (CSV)', '/staff/reports/programmes.csv?from=2020-01-01&to=2030-12-31', REPORT_LIMIT_MS));
  pages.push(await timePage(url, admin, 'users', '/admin/users'));
  pages.push(await timePage(url, admin, 'users, deep offset', '/admin/users?offset=15000'));
  pages.push(await timePage(url, admin, 'audit log', '/admin/audit'));
  pages.push(await timePage(url, admin, 'audit log, one facility', '/admin/audit?facility=1'));
  pages.push(await timePage(url, supervisor, 'supervise', '/supervise'));
  if (courseId) {
    pages.push(await timePage(url, teacher, 'gradebook', `/teach/courses/${courseId}`));
    pages.push(await timePage(url, teacher, 'gradebook export (CSV)', `/teach/courses/${courseId}/gradebook.csv`, REPORT_LIMIT_MS));
  }
  return pages;
}

/** Builds the data, times every staff page and the long jobs; the server is started and stopped here. */
export async function runScale(learners: number, profileDir: string | null): Promise<ScaleReport> {
  const steps: StepTiming[] = [];
  let srv: BenchServer | null = await startServer({ profileDir, keepData: true });
  const dataDir = srv.dataDir;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-scale-'));
  try {
    const databaseFile = path.join(dataDir, 'tilts.db');
    const roster = path.join(work, 'roster.csv');
    fs.writeFileSync(roster, scaleRoster(learners, activeFacilityCodes(databaseFile)));
    progress(`Roster of ${learners} learners written; importing it with npm run roster:import while the server runs…`);
    const importing = runScript('roster-import.ts', [roster], dataDir);
    const health = await watchHealth(srv.baseUrl, importing);
    const imported = await importing;
    if (imported.code !== 0) throw new Error(`roster:import failed (${imported.code}):\n${imported.output}`);
    steps.push({ name: 'roster import', seconds: imported.seconds, detail: imported.output.trim().split('\n').at(-1) ?? '' });
    progress(`  ${imported.seconds.toFixed(1)} s; /healthz answered within ${health.maxMs} ms at worst (${health.samples} checks)`);
    const again = await runScript('roster-import.ts', [roster], dataDir);
    steps.push({ name: 'roster re-import (unchanged)', seconds: again.seconds, detail: again.output.trim().split('\n').at(-1) ?? '' });
    progress(`  re-import: ${again.seconds.toFixed(1)} s`);

    progress('Adding enrolments, lessons done and audit entries…');
    const started = performance.now();
    const history = await addHistory(databaseFile, 'janis.liepa', 5);
    steps.push({ name: 'history written', seconds: (performance.now() - started) / 1000, detail: `${history.enrolments} enrolments, ${history.lessonsDone} lessons done, ${history.auditEntries} audit entries` });

    const sessions = new Map<Role, BenchSession>();
    for (const role of ['education_staff', 'admin', 'teacher', 'supervisor'] as const) sessions.set(role, await signIn(srv.baseUrl, role, databaseFile));
    progress('Timing the staff pages…');
    const pages = await staffPages(srv, sessions, history.courseId);

    const archive = path.join(work, 'backup.zip');
    const backup = await runScript('db-backup.ts', [archive], dataDir);
    if (backup.code !== 0) throw new Error(`db:backup failed:\n${backup.output}`);
    steps.push({ name: 'db:backup', seconds: backup.seconds, detail: `${(fs.statSync(archive).size / 1024 / 1024).toFixed(1)} MB archive` });
    progress(`  db:backup: ${backup.seconds.toFixed(1)} s`);

    // Cold start: the built app on this (already migrated and seeded) folder, to its first 200.
    await srv.stop();
    srv = null;
    const cold = performance.now();
    srv = await startServer({ dataDir, keepData: true, profileDir });
    const coldStartSeconds = (performance.now() - cold) / 1000;
    progress(`Cold start on the scaled database: ${coldStartSeconds.toFixed(1)} s to the first 200`);

    return {
      learners,
      steps: steps.map((s) => ({ ...s, seconds: Number(s.seconds.toFixed(1)) })),
      healthzDuringImportMaxMs: health.maxMs,
      healthzDuringImportSamples: health.samples,
      pages,
      coldStartSeconds: Number(coldStartSeconds.toFixed(1)),
      ok: pages.every((p) => p.ok),
    };
  } finally {
    await srv?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The report as a table for the terminal. */
export function formatScaleReport(r: ScaleReport): string {
  const lines = [`Scale: ${r.learners} learners`, ''];
  for (const s of r.steps) lines.push(`${s.name.padEnd(30)} ${s.seconds.toFixed(1).padStart(7)} s  ${s.detail}`);
  lines.push(`${'/healthz during the import'.padEnd(30)} ${String(r.healthzDuringImportMaxMs).padStart(7)} ms at worst (${r.healthzDuringImportSamples} checks)`);
  lines.push(`${'cold start to first 200'.padEnd(30)} ${r.coldStartSeconds.toFixed(1).padStart(7)} s`, '');
  lines.push(`${'page'.padEnd(28)} ${'median ms'.padStart(9)} ${'max ms'.padStart(7)} ${'KB'.padStart(7)} ${'limit'.padStart(6)}  verdict`);
  for (const p of r.pages) {
    lines.push(`${p.name.padEnd(28)} ${String(p.medianMs).padStart(9)} ${String(p.maxMs).padStart(7)} ${p.kilobytes.toFixed(1).padStart(7)} ${String(p.limitMs).padStart(6)}  ${p.ok ? 'ok' : p.status !== 200 ? `HTTP ${p.status}` : 'OVER'}`);
  }
  lines.push('', r.ok ? 'Every page within its limit.' : 'Some pages are over their limit (time or 300 KB).');
  return lines.join('\n');
}
