import { stmt, type Db } from '../db.ts';
import { SYSTEM_ACTOR } from '../audit.ts';
import { seedDemoProviders } from './demo-providers.ts';
import { getCourse } from '../courses/catalog.ts';
import { issueCertificate } from '../certificates/certificates.ts';
import { addLearningDay } from '../learning/learning-days.ts';
import type { EducationLevel, Locale } from '../../shared/domain.ts';

/**
 * Two years of past cohorts in every demo prison, so the indicators page
 * (/staff/indicators) has months of history to show: former learners (all
 * released since: they never appear among the learners in custody, and have
 * no PIN), their career consultations, places with every ending, learning
 * time by day, documents issued on completion, and consultations before
 * release. Deterministic for a given `now` (a small seeded generator), and
 * written in one transaction: a few hundred rows per prison.
 */

const HISTORY_MONTHS = 24;
/** Cohorts start every this many days per course and prison. */
const COHORT_EVERY_DAYS = 150;

const GIVEN_M = ['Andris', 'Artūrs', 'Edgars', 'Gints', 'Ivars', 'Kaspars', 'Māris', 'Normunds', 'Roberts', 'Uldis', 'Sergejs', 'Dmitrijs', 'Oļegs', 'Vitālijs'];
const GIVEN_F = ['Agnese', 'Dace', 'Ilze', 'Kristīne', 'Laura', 'Santa', 'Zane', 'Jeļena', 'Olga', 'Tatjana'];
const SURNAMES = ['Kalns', 'Zariņš', 'Krūze', 'Vilks', 'Lapsa', 'Eglītis', 'Siliņš', 'Priede', 'Rozenbergs', 'Ivanovs', 'Petrovs', 'Kuzņecovs'];
const EDUCATION: EducationLevel[] = ['primary', 'basic', 'basic', 'basic', 'secondary', 'secondary', 'vocational', 'none'];

interface CourseRule {
  id: string;
  /** The document on completion (the programme's award). */
  kind: 'module' | 'professional_development';
  level: string | null;
  weeks: number;
  /** Share of cohorts taught in Russian. */
  russian: number;
}

const COURSES: CourseRule[] = [
  { id: 'pavara-palidzes-pamati', kind: 'professional_development', level: 'LKI 2', weeks: 16, russian: 0.2 },
  { id: 'latviesu-a2-darbs', kind: 'module', level: 'A2', weeks: 10, russian: 0.5 },
  { id: 'dzives-skola', kind: 'module', level: null, weeks: 6, russian: 0.2 },
  { id: 'matematika-pamati', kind: 'module', level: null, weeks: 12, russian: 0 },
];

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const date = (t: number) => iso(t).slice(0, 10);

/** Adds the history; returns how many former learners it made (0 when the demo prisons or courses are missing). */
export function seedDemoHistory(db: Db, now = new Date()): { learners: number; documents: number } {
  const random = generator(1520);
  const chance = (p: number) => random() < p;
  const between = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const facilities = stmt(db, "SELECT id, code FROM facility WHERE code IN ('OLA', 'ILG', 'JEL', 'DAU', 'LIE') ORDER BY id").all() as Array<{ id: number; code: string }>;
  const courses = COURSES.map((c) => ({ rule: c, course: getCourse(db, c.id) })).filter((c) => c.course);
  if (!facilities.length || !courses.length) return { learners: 0, documents: 0 };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // Past cohorts were taught by a provider of the demo register (issuers are never free text).
  const providerId = seedDemoProviders(db, now).get('Pieaugušo izglītības centrs “Valoda”')!;
  const start = today - HISTORY_MONTHS * 30 * DAY;

  const insertUser = stmt(db, `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, active, created_at, updated_at) VALUES ('learner', NULL, ?, ?, NULL, ?, 0, ?, ?)`);
  const insertLearner = stmt(
    db,
    `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, expected_release_date, status, released_on, sex, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'released', ?, ?, ?, ?)`,
  );
  const insertMove = stmt(db, `INSERT INTO learner_move (learner_id, from_facility_id, to_facility_id, kind, on_date, at) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertProgramme = stmt(
    db,
    `INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, status, provider_id, award, award_level, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'closed', ?, ?, ?, ?, ?)`,
  );
  const insertProgrammeCourse = stmt(db, 'INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 0, ?)');
  const insertConsultation = stmt(db, `INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertPlacement = stmt(
    db,
    `INSERT INTO placement (learner_id, programme_id, status, recommended, waitlisted_at, enrolled_at, status_at, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
  );
  const documents: Array<{ learnerId: number; name: string; rule: CourseRule; programmeId: number; on: number; statement: boolean }> = [];
  let number = 0;

  db.transaction(() => {
    for (const f of facilities) {
      const women = f.code === 'ILG';
      // Jelgava is closing: fewer cohorts, none lately.
      const until = f.code === 'JEL' ? today - 300 * DAY : today;
      courses.forEach(({ rule, course }, ci) => {
        for (let cohortStart = start + between(0, 60) * DAY + ci * 20 * DAY; cohortStart + rule.weeks * 7 * DAY < until - 7 * DAY; cohortStart += COHORT_EVERY_DAYS * DAY) {
          const ends = cohortStart + rule.weeks * 7 * DAY;
          const language: Locale = chance(rule.russian) ? 'ru' : 'lv';
          const at = iso(cohortStart - 40 * DAY);
          const programmeId = Number(
            insertProgramme.run(f.id, `${course!.title.lv} (${date(cohortStart).slice(0, 7)})`, date(cohortStart), date(ends), 14, language, providerId, rule.kind, rule.level, at, at).lastInsertRowid,
          );
          insertProgrammeCourse.run(programmeId, rule.id);
          const size = between(4, 10);
          for (let k = 0; k < size; k++) {
            number += 1;
            const russian = language === 'ru' || chance(0.15);
            const given = women ? pick(GIVEN_F) : pick(GIVEN_M);
            const surname = pick(SURNAMES);
            const admitted = cohortStart - between(60, 400) * DAY;
            // Released after the course (or during it: then the place ends "released before completion").
            const releasedAt = Math.min(today - DAY, ends + between(-30, 200) * DAY);
            const userId = Number(insertUser.run(`${given} ${surname}`, f.id, russian ? 'ru' : 'lv', iso(admitted), iso(admitted)).lastInsertRowid);
            const learnerId = Number(
              insertLearner.run(userId, `3${String(number).padStart(5, '0')}`, surname, given, 1960 + between(0, 44), pick(EDUCATION), russian ? pick(['A1', 'A2', 'B1']) : pick(['B2', 'C1', 'C2']), date(releasedAt), date(releasedAt), women ? 'F' : 'M', iso(admitted), iso(releasedAt)).lastInsertRowid,
            );
            insertMove.run(learnerId, null, f.id, 'admission', date(admitted), iso(admitted));
            insertMove.run(learnerId, f.id, null, 'release', date(releasedAt), iso(releasedAt));
            const consulted = chance(0.85);
            if (consulted) insertConsultation.run(learnerId, f.id, 'career', date(cohortStart - between(7, 70) * DAY), chance(0.3) ? 'online' : 'in_person', at);
            if (chance(0.6)) insertConsultation.run(learnerId, f.id, 'pre_release', date(releasedAt - between(5, 40) * DAY), 'in_person', at);
            const waited = chance(0.35);
            const enrolledAt = cohortStart + between(0, 3) * DAY;
            const waitlistedAt = waited ? cohortStart - between(10, 60) * DAY : null;
            const roll = random();
            let status: string;
            let statusAt: number;
            if (releasedAt < ends) [status, statusAt] = ['released_before_completion', releasedAt];
            else if (roll < 0.1) [status, statusAt] = ['withdrawn', enrolledAt + between(7, rule.weeks * 5) * DAY];
            else if (roll < 0.16) [status, statusAt] = ['failed', ends];
            else if (roll < 0.2) [status, statusAt] = ['transferred', enrolledAt + between(7, rule.weeks * 5) * DAY];
            else [status, statusAt] = ['completed', ends];
            insertPlacement.run(learnerId, programmeId, status, consulted ? 1 : 0, waitlistedAt ? iso(waitlistedAt) : null, iso(enrolledAt), iso(statusAt), iso(waitlistedAt ?? enrolledAt));
            // Two to four sessions a week of 30–90 active minutes until the place ended.
            for (let d = enrolledAt; d < statusAt; d += between(1, 4) * DAY) addLearningDay(db, learnerId, rule.id, date(d), between(30, 90) * 60);
            if (status === 'completed') documents.push({ learnerId, name: `${given} ${surname}`, rule, programmeId, on: statusAt + between(1, 10) * DAY, statement: false });
            else if (status !== 'withdrawn' && status !== 'failed' && chance(0.6)) documents.push({ learnerId, name: `${given} ${surname}`, rule, programmeId, on: statusAt + between(1, 10) * DAY, statement: true });
          }
        }
      });
    }
    // Sex as the register would state it, for the demo learners already there (women are at Iļģuciems).
    stmt(db, `UPDATE learner SET sex = CASE (SELECT f.code FROM user u JOIN facility f ON f.id = u.facility_id WHERE u.id = learner.user_id) WHEN 'ILG' THEN 'F' ELSE 'M' END WHERE sex IS NULL`).run();
  }).immediate();

  // Documents through the certificate module (signed like any other); a date in the future is not issued yet.
  let issued = 0;
  for (const d of documents) {
    if (d.on >= today) continue;
    const course = getCourse(db, d.rule.id)!;
    const result = issueCertificate(
      db,
      SYSTEM_ACTOR,
      {
        learnerId: d.learnerId,
        kind: d.statement ? 'statement' : d.rule.kind,
        holderName: d.name,
        title: course.title,
        hours: course.hours,
        level: d.statement ? null : d.rule.level,
        providerId,
        completedOn: date(Math.min(d.on - DAY, today - DAY)),
        courseId: d.rule.id,
        programmeId: d.programmeId,
      },
      new Date(d.on),
    );
    if (result.ok) issued += 1;
  }
  return { learners: number, documents: issued };
}
