import { appendAudit, SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { openDatabase, type Db } from '../../src/lib/server/db.ts';
import { ROSTER_COLUMNS } from '../../src/lib/server/people/roster-csv.ts';

/**
 * The data of `npm run bench -- --scale N`: a roster of N learners across the
 * prisons (imported through the real command, as the nightly sync does), then
 * what years of use leave behind, written straight into the database in short
 * batches: enrolments, lessons done and audit entries.
 */

/** 12 → "Bc": names hold letters only. */
const lettersOf = (n: number) => [...String(n)].map((d, i) => (i === 0 ? 'ABCDEFGHIJ' : 'abcdefghij')[Number(d)]).join('');
const SURNAMES = ['Bērziņš', 'Kalniņš', 'Ozols', 'Liepa', 'Krūmiņš', 'Jansons', 'Petrovs', 'Ivanovs', 'Vītols', 'Zariņš', 'Kļaviņš', 'Egle'];
const GIVEN = ['Jānis', 'Andris', 'Mārtiņš', 'Pēteris', 'Aleksandrs', 'Sergejs', 'Kārlis', 'Edgars', 'Raivis', 'Dmitrijs'];
const EDUCATION = ['none', 'basic', 'secondary', 'vocational'];
const LATVIAN = ['none', 'A1', 'A2', 'B1', 'B2', 'C1'];

/** The roster CSV: N rows, a third at the first prison (the largest), the rest spread over the others. */
export function scaleRoster(n: number, facilityCodes: string[], offset = 0): string {
  const lines = [ROSTER_COLUMNS.join(',')];
  for (let i = 0; i < n; i++) {
    const facility = i % 3 === 0 ? facilityCodes[0]! : facilityCodes[1 + (i % (facilityCodes.length - 1 || 1))] ?? facilityCodes[0]!;
    const values: Record<string, string> = {
      inmate_number: String(600_000 + offset + i),
      surname: SURNAMES[i % SURNAMES.length]!,
      given_names: `${GIVEN[(i >> 2) % GIVEN.length]} ${lettersOf(i)}`,
      birth_year: String(1960 + (i % 45)),
      facility_code: facility,
      expected_release_date: `20${27 + (i % 8)}-0${1 + (i % 9)}-15`,
      education_level: EDUCATION[i % EDUCATION.length]!,
      latvian_level: LATVIAN[i % LATVIAN.length]!,
      preferred_language: i % 4 === 0 ? 'ru' : 'lv',
    };
    lines.push(ROSTER_COLUMNS.map((c) => values[c]).join(','));
  }
  return lines.join('\n') + '\n';
}

export function activeFacilityCodes(databaseFile: string): string[] {
  const db = openDatabase(databaseFile);
  try {
    return db.prepare('SELECT code FROM facility WHERE active = 1 ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

const BATCH = 2_000;
const pause = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `write` for each row in transactions of BATCH rows, yielding between them. */
async function inBatches<T>(db: Db, rows: T[], write: (row: T) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    db.transaction(() => rows.slice(i, i + BATCH).forEach(write))();
    await pause();
  }
}

export interface HistoryCounts {
  enrolments: number;
  lessonsDone: number;
  auditEntries: number;
}

/**
 * Every imported learner enrolled in the demo teacher's first course with its
 * first lessons done, and `auditPerLearner` audit entries each (the keyed
 * hash chain, as the server writes them).
 */
export async function addHistory(databaseFile: string, teacherUsername: string, auditPerLearner: number): Promise<HistoryCounts & { courseId: string | null }> {
  const db = openDatabase(databaseFile);
  try {
    const learners = db.prepare("SELECT l.id, u.facility_id AS facilityId FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number >= '600000'").all() as Array<{ id: number; facilityId: number }>;
    const courseId = db
      .prepare('SELECT ct.course_id FROM course_teacher ct JOIN user u ON u.id = ct.user_id WHERE u.username = ? ORDER BY ct.course_id LIMIT 1')
      .pluck()
      .get(teacherUsername) as string | undefined;
    const counts: HistoryCounts = { enrolments: 0, lessonsDone: 0, auditEntries: 0 };
    const at = new Date().toISOString();
    if (courseId) {
      const lessons = db
        .prepare(
          `SELECT ci.id, (SELECT max(v.id) FROM course_item_version v WHERE v.item_id = ci.id) AS versionId
           FROM course_item ci WHERE ci.course_id = ? AND ci.kind = 'lesson' ORDER BY ci.module_position, ci.position LIMIT 6`,
        )
        .all(courseId) as Array<{ id: number; versionId: number }>;
      const enrol = db.prepare("INSERT OR IGNORE INTO enrolment (learner_id, course_id, status, enrolled_at, status_at) VALUES (?, ?, 'enrolled', ?, ?)");
      const done = db.prepare('INSERT OR IGNORE INTO lesson_progress (learner_id, item_id, version_id, done_at) VALUES (?, ?, ?, ?)');
      await inBatches(db, learners, (l) => {
        counts.enrolments += enrol.run(l.id, courseId, at, at).changes;
        // Learners are at different places in the course: 0 to 6 lessons done.
        for (const lesson of lessons.slice(0, l.id % (lessons.length + 1))) counts.lessonsDone += done.run(l.id, lesson.id, lesson.versionId, at).changes;
      });
    }
    const entries = learners.flatMap((l) => Array.from({ length: auditPerLearner }, (_, k) => ({ ...l, k })));
    await inBatches(db, entries, (e) => {
      appendAudit(db, { actor: SYSTEM_ACTOR, action: e.k % 2 ? 'learner.update' : 'bench.view', targetType: 'learner', targetId: e.id, facilityId: e.facilityId, details: { bench: e.k } });
      counts.auditEntries++;
    });
    db.pragma('optimize');
    return { ...counts, courseId: courseId ?? null };
  } finally {
    db.close();
  }
}
