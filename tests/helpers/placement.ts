import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { stmt, type Db } from '../../src/lib/server/db.ts';
import type { Answer } from '../../src/lib/server/learning/grading.ts';
import { markLessonDone } from '../../src/lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../../src/lib/server/learning/quiz-attempts.ts';
import type { Interest } from '../../src/lib/server/placement/interests.ts';
import { type Programme, type ProgrammeInput } from '../../src/lib/server/placement/programmes.ts';
import { createProgramme } from '../../src/lib/server/placement/programme-edit.ts';
import type { LearnerForPlacement } from '../../src/lib/server/placement/ranking.ts';
import type { SessionUser } from '../../src/lib/server/session.ts';
import type { EducationLevel, LatvianLevel } from '../../src/lib/shared/domain.ts';
import { SAMPLE, samplePackage, type CoursePackage } from './course-package.ts';
import { installPackage, type InstalledCourse } from './learning.ts';
import { FIXTURE_PROVIDER } from './fixture.ts';

/**
 * Placement tests: consultations (written straight into the table: the
 * consultation module is not a dependency of these tests), extra learners,
 * programmes, small course packages to complete, and the runners that call
 * `placeLearner` from several threads or processes on their own connections.
 */

/** "Now" of the placement tests (a Monday). */
export const NOW = new Date('2026-03-02T10:00:00.000Z');
export const TODAY = '2026-03-02';
/** A career consultation date well inside the 6 months before NOW. */
export const RECENT = '2026-01-10';
/** More than 6 months before NOW. */
export const OLD = '2025-08-01';

// ---------------------------------------------------------------------------
// Consultations and learners

export interface ConsultationOptions {
  heldOn?: string;
  kind?: 'career' | 'pre_release';
  interests?: Interest[];
  recommended?: Interest[];
  /** Default: the learner's current facility. */
  facilityId?: number;
  consultantId?: number | null;
}

/** Inserts a consultation row; returns its id. */
export function addConsultation(db: Db, learnerId: number, o: ConsultationOptions = {}): number {
  const facilityId =
    o.facilityId ?? (stmt(db, 'SELECT u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').pluck().get(learnerId) as number);
  return Number(
    stmt(
      db,
      `INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, consultant_id, interests_json, recommended_json, checklist_json, created_by, created_at)
       VALUES (?, ?, ?, ?, 'in_person', ?, ?, ?, ?, ?, ?)`,
    ).run(
      learnerId,
      facilityId,
      o.kind ?? 'career',
      o.heldOn ?? RECENT,
      o.consultantId ?? null,
      JSON.stringify(o.interests ?? []),
      JSON.stringify(o.recommended ?? []),
      o.kind === 'pre_release' ? JSON.stringify({ documents: true, nvaRegistration: false, housing: false, contacts: true }) : null,
      o.consultantId ?? null,
      `${o.heldOn ?? RECENT}T09:00:00.000Z`,
    ).lastInsertRowid,
  );
}

export interface ExtraLearner {
  learnerId: number;
  userId: number;
  inmateNumber: string;
  user: SessionUser;
}

export interface LearnerOptions {
  surname?: string;
  givenNames?: string;
  /** Expected release date; null: none recorded. Default 2027-06-30. */
  release?: string | null;
  education?: EducationLevel;
  latvian?: LatvianLevel;
  status?: 'in_custody' | 'released';
}

let learnerSeq = 0;

/** A learner in custody at `facilityId` (user and learner rows, like the fixture: no audit, no move). */
export function addLearner(db: Db, facilityId: number, o: LearnerOptions = {}): ExtraLearner {
  learnerSeq += 1;
  const inmateNumber = `T-${String(learnerSeq).padStart(5, '0')}-${Math.random().toString(36).slice(2, 6)}`;
  const surname = o.surname ?? `Ozols${learnerSeq}`;
  const givenNames = o.givenNames ?? 'Pēteris';
  const at = '2026-01-15T08:00:00.000Z';
  const userId = Number(
    stmt(
      db,
      `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
       VALUES ('learner', NULL, ?, ?, NULL, 'lv', ?, ?)`,
    ).run(`${givenNames} ${surname}`, facilityId, at, at).lastInsertRowid,
  );
  const learnerId = Number(
    stmt(
      db,
      `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, expected_release_date, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 1988, ?, ?, ?, ?, ?, ?)`,
    ).run(
      userId,
      inmateNumber,
      surname,
      givenNames,
      o.education ?? 'basic',
      o.latvian ?? 'B1',
      o.release === undefined ? '2027-06-30' : o.release,
      o.status ?? 'in_custody',
      at,
      at,
    ).lastInsertRowid,
  );
  return {
    learnerId,
    userId,
    inmateNumber,
    user: { id: userId, role: 'learner', displayName: `${givenNames} ${surname}`, username: null, facilityId, facilityIds: [facilityId], locale: 'lv', learnerId },
  };
}

/** A learner as rankProgrammes takes them, read from the database. */
export function learnerForPlacement(db: Db, learnerId: number): LearnerForPlacement {
  const r = stmt(
    db,
    'SELECT l.id, u.facility_id, l.education_level, l.latvian_level, l.expected_release_date FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?',
  ).get(learnerId) as { id: number; facility_id: number; education_level: EducationLevel; latvian_level: LatvianLevel; expected_release_date: string | null };
  return { id: r.id, facilityId: r.facility_id, educationLevel: r.education_level, latvianLevel: r.latvian_level, expectedReleaseDate: r.expected_release_date };
}

/** A staff user inserted directly (e.g. a second teacher); returns their session user. */
export function addStaff(db: Db, role: 'teacher' | 'education_staff' | 'supervisor', username: string, facilityId: number | null, active = true): SessionUser {
  const at = '2026-01-15T08:00:00.000Z';
  const id = Number(
    stmt(
      db,
      `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, active, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, 'lv', ?, ?, ?)`,
    ).run(role, username, username, facilityId, active ? 1 : 0, at, at).lastInsertRowid,
  );
  return { id, role, displayName: username, username, facilityId, facilityIds: facilityId ? [facilityId] : [], locale: 'lv', learnerId: null };
}

/** A third facility (for transfers and scope tests). */
export function addFacility(db: Db, code: string, name: string): number {
  return Number(stmt(db, 'INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(code, name, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z').lastInsertRowid);
}

// ---------------------------------------------------------------------------
// Courses

/** The sample package without its quiz: two required lessons (and an optional one). */
export function lessonsOnlyPackage(id: string): CoursePackage {
  const pkg = samplePackage(id);
  const manifest = pkg.manifest as Record<string, any>;
  manifest.modules[0].items = ['01-kas-ir-dala.md', '02-dala-no-skaitla.md'];
  delete pkg.files[SAMPLE.quiz];
  return pkg;
}

/** Installs a course: lessons only (default) or the full sample with its quiz. */
export function installCourse(db: Db, coursesDir: string, id: string, { quiz = false } = {}): InstalledCourse {
  return installPackage(db, coursesDir, quiz ? samplePackage(id) : lessonsOnlyPackage(id), NOW);
}

/** The sample quiz answered right. */
export const RIGHT_ANSWERS: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];

/** Completes a course with the learner's own actions (lessons marked done, the quiz passed). Returns whether the course completed. */
export function completeCourse(db: Db, learnerId: number, c: InstalledCourse, now = NOW): boolean {
  let completed = false;
  for (const item of c.items) {
    if (item.kind === 'lesson' && item.required) completed = markLessonDone(db, learnerId, c.course, item, now) || completed;
    if (item.kind === 'quiz') {
      const r = submitQuizAttempt(db, learnerId, c.course, item, RIGHT_ANSWERS, now);
      if (!r.ok) throw new Error(`quiz refused: ${r.code}`);
      completed = r.courseCompleted || completed;
    }
  }
  return completed;
}

// ---------------------------------------------------------------------------
// Programmes

export function programmeInput(facilityId: number, courseIds: string[], overrides: Partial<ProgrammeInput> = {}): ProgrammeInput {
  return {
    facilityId,
    title: 'Metinātāja palīgs',
    description: '',
    startsOn: '2026-03-09',
    endsOn: '2026-06-30',
    seats: 10,
    language: 'lv',
    minEducation: null,
    minLatvian: null,
    prerequisiteCourseId: null,
    continuesAfterRelease: false,
    interests: ['welding'],
    timetable: [{ day: 1, from: '09:00', to: '11:30' }],
    courseIds,
    teacherIds: [],
    status: 'open',
    providerId: FIXTURE_PROVIDER.id,
    award: 'module',
    awardLevel: null,
    certificateApproval: false,
    ...overrides,
  };
}

/** Creates a programme (through createProgramme) or throws. */
export function addProgramme(db: Db, actor: SessionUser, input: ProgrammeInput, now = NOW): Programme {
  const r = createProgramme(db, actor, input, now);
  if (!r.ok) throw new Error(`programme refused: ${r.code}`);
  return r.programme;
}

// ---------------------------------------------------------------------------
// Rows as stored

export interface PlacementRow {
  id: number;
  learner_id: number;
  programme_id: number;
  status: string;
  recommended: number;
  waitlisted_at: string | null;
  offered_at: string | null;
  enrolled_at: string | null;
  status_at: string;
  reason: string | null;
  outcome_json: string | null;
  created_by: number | null;
}

export const placementRow = (db: Db, id: number) => stmt(db, 'SELECT * FROM placement WHERE id = ?').get(id) as PlacementRow | undefined;
export const placementRowsOf = (db: Db, learnerId: number) => stmt(db, 'SELECT * FROM placement WHERE learner_id = ? ORDER BY id').all(learnerId) as PlacementRow[];

export interface EventRow {
  placement_id: number;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor_id: number | null;
  at: string;
}
export const eventRows = (db: Db, placementId: number) =>
  stmt(db, 'SELECT placement_id, from_status, to_status, reason, actor_id, at FROM placement_event WHERE placement_id = ? ORDER BY id').all(placementId) as EventRow[];

export interface EnrolmentRow {
  id: number;
  learner_id: number;
  course_id: string;
  status: string;
  placement_id: number | null;
  enrolled_by: number | null;
}
export const enrolmentRows = (db: Db, learnerId: number) =>
  stmt(db, 'SELECT id, learner_id, course_id, status, placement_id, enrolled_by FROM enrolment WHERE learner_id = ? ORDER BY id').all(learnerId) as EnrolmentRow[];

export interface AuditRow {
  action: string;
  actor_user_id: number | null;
  actor_label: string;
  target_type: string | null;
  target_id: string | null;
  facility_id: number | null;
  details: Record<string, unknown>;
}
/** Audit entries (oldest first), optionally of one action. */
export function auditRows(db: Db, action?: string): AuditRow[] {
  const rows = (
    action
      ? stmt(db, 'SELECT action, actor_user_id, actor_label, target_type, target_id, facility_id, details FROM audit_log WHERE action = ? ORDER BY id').all(action)
      : stmt(db, 'SELECT action, actor_user_id, actor_label, target_type, target_id, facility_id, details FROM audit_log ORDER BY id').all()
  ) as Array<Omit<AuditRow, 'details'> & { details: string }>;
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

export const enrolledCount = (db: Db, programmeId: number) =>
  stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'enrolled'").pluck().get(programmeId) as number;

// ---------------------------------------------------------------------------
// Concurrent placeLearner: worker threads and child processes, each on its own connection.

const ROOT = path.resolve(import.meta.dirname, '../..');
const moduleUrl = (rel: string) => pathToFileURL(path.join(ROOT, rel)).href;
const URLS = {
  dbUrl: moduleUrl('src/lib/server/db.ts'),
  placementsUrl: moduleUrl('src/lib/server/placement/placements.ts'),
  lifecycleUrl: moduleUrl('src/lib/server/people/lifecycle.ts'),
};

export type ConcurrentOp = 'enrol' | 'waitlist' | 'transfer' | 'release';

export interface ConcurrentJob {
  /** Learners this thread/process handles, in order. */
  learnerIds: number[];
  /** enrol/waitlist: placeLearner into `programmeId`; transfer (to `toFacilityId`) and release: the lifecycle, as staff. */
  mode: ConcurrentOp;
  programmeId?: number;
  toFacilityId?: number;
}

export interface CallResult {
  learnerId: number;
  mode: ConcurrentOp;
  ok: boolean;
  code?: string;
  placementId?: number;
  /** A thrown error (e.g. SQLITE_BUSY, a constraint): never expected. */
  error?: string;
  /** Wall-clock ms (performance.timeOrigin + now), comparable across threads and processes. */
  start: number;
  end: number;
}

// The body both runners execute: open the database, say ready, wait for the start signal, run the job, report.
const RUN_BODY = `
  const { openDatabase } = await import(input.dbUrl);
  const { placeLearner } = await import(input.placementsUrl);
  const { transferLearner, releaseLearner } = await import(input.lifecycleUrl);
  const db = openDatabase(input.file);
  await ready();
  const now = new Date(input.now);
  const clock = () => performance.timeOrigin + performance.now();
  const { job, actor } = input;
  const results = [];
  for (const learnerId of job.learnerIds) {
    const start = clock();
    try {
      const r =
        job.mode === 'transfer' ? transferLearner(db, { kind: 'staff', user: actor }, learnerId, job.toFacilityId, {}, now)
        : job.mode === 'release' ? releaseLearner(db, { kind: 'staff', user: actor }, learnerId, {}, now)
        : placeLearner(db, actor, learnerId, job.programmeId, job.mode, { now });
      results.push({ learnerId, mode: job.mode, ok: r.ok, code: r.ok ? undefined : r.code, placementId: r.ok && r.placement ? r.placement.id : undefined, start, end: clock() });
    } catch (e) {
      results.push({ learnerId, mode: job.mode, ok: false, error: String((e && e.message) || e), start, end: clock() });
    }
  }
  db.close();
  return results;
`;

const WORKER_SOURCE = `
const { parentPort, workerData: input } = require('node:worker_threads');
const gate = new Int32Array(input.gate);
const ready = async () => { parentPort.postMessage({ type: 'ready' }); Atomics.wait(gate, 0, 0); };
(async () => { ${RUN_BODY} })().then(
  (results) => parentPort.postMessage({ type: 'done', results }),
  (e) => parentPort.postMessage({ type: 'fatal', error: String((e && e.stack) || e) }),
);
`;

/**
 * Runs each job in its own worker thread with its own connection to `file`.
 * All threads open the database first, then start at the same moment (a
 * shared-memory gate). Returns each job's results.
 */
export async function runInWorkers(file: string, actor: SessionUser, jobs: ConcurrentJob[], now = NOW): Promise<CallResult[][]> {
  const gate = new SharedArrayBuffer(4);
  const flag = new Int32Array(gate);
  const workers: Worker[] = [];
  try {
    const ready: Array<Promise<void>> = [];
    const done: Array<Promise<CallResult[]>> = [];
    for (const job of jobs) {
      const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { gate, job, file, actor, now: now.toISOString(), ...URLS } });
      workers.push(w);
      let onReady!: () => void;
      ready.push(new Promise<void>((resolve) => (onReady = resolve)));
      done.push(
        new Promise<CallResult[]>((resolve, reject) => {
          w.on('message', (m: { type: string; results?: CallResult[]; error?: string }) => {
            if (m.type === 'ready') onReady();
            else if (m.type === 'done') resolve(m.results!);
            else reject(new Error(`worker failed: ${m.error}`));
          });
          w.on('error', reject);
          w.on('exit', (code) => reject(new Error(`worker exited (${code}) before reporting`)));
        }),
      );
    }
    // A worker that fails before it is ready must not leave us waiting for the others.
    await Promise.race([Promise.all(ready), Promise.all(done)]);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    return await Promise.all(done);
  } finally {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** placeLearner from one worker thread per job, all into `programmeId`. */
export function placeInWorkers(file: string, actor: SessionUser, programmeId: number, jobs: ConcurrentJob[], now = NOW): Promise<CallResult[][]> {
  return runInWorkers(file, actor, jobs.map((j) => ({ ...j, programmeId })), now);
}

const CHILD_SOURCE = `
import readline from 'node:readline';
const input = JSON.parse(process.argv.at(-1));
const ready = () => new Promise((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.once('line', () => { rl.close(); resolve(); });
  process.stdout.write('ready\\n');
});
try {
  const results = await (async () => { ${RUN_BODY} })();
  process.stdout.write('RESULT ' + JSON.stringify(results) + '\\n');
} catch (e) {
  process.stdout.write('FATAL ' + JSON.stringify(String((e && e.stack) || e)) + '\\n');
  process.exitCode = 1;
}
`;

/**
 * The same as placeInWorkers with one child process (this Node binary) per
 * job: separate processes sharing the database file through SQLite's locks.
 */
export async function placeInProcesses(file: string, actor: SessionUser, programmeId: number, jobs: ConcurrentJob[], now = NOW): Promise<CallResult[][]> {
  const children = jobs.map((job) =>
    spawn(
      process.execPath,
      [
        '--no-warnings',
        '--input-type=module',
        '-e',
        CHILD_SOURCE,
        JSON.stringify({ job: { ...job, programmeId }, file, actor, now: now.toISOString(), ...URLS }),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    ),
  );
  try {
    let readyCount = 0;
    let startAll!: () => void;
    const allReady = new Promise<void>((resolve) => (startAll = resolve));
    const done = children.map(
      (child) =>
        new Promise<CallResult[]>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdin.on('error', () => {});
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.stdout.on('data', (d: Buffer) => {
            const before = out;
            out += d.toString();
            if (!before.includes('ready\n') && out.includes('ready\n') && ++readyCount === children.length) startAll();
          });
          child.on('error', reject);
          child.on('close', (code) => {
            const line = out.split('\n').find((l) => l.startsWith('RESULT '));
            if (line) resolve(JSON.parse(line.slice('RESULT '.length)) as CallResult[]);
            else reject(new Error(`child exited (${code}) without results: ${out}\n${err}`));
          });
        }),
    );
    await Promise.race([allReady, Promise.all(done)]);
    for (const child of children) child.stdin.end('go\n');
    return await Promise.all(done);
  } finally {
    for (const child of children) if (child.exitCode === null && !child.killed) child.kill();
  }
}

/** Do at least two of these result lists run during overlapping time windows? */
export function someOverlap(perJob: CallResult[][]): boolean {
  const windows = perJob.filter((r) => r.length).map((r) => ({ start: Math.min(...r.map((x) => x.start)), end: Math.max(...r.map((x) => x.end)) }));
  return windows.some((a, i) => windows.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
}
