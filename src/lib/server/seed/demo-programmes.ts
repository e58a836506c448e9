import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { getCourse } from '../courses/catalog.ts';
import type { Interest } from '../placement/interests.ts';
import type { Slot } from '../placement/programmes.ts';
import { seedDemoProviders } from './demo-providers.ts';

/**
 * Demo programmes over the demo courses, at Olaine and Iļģuciems, starting
 * around `today`, so staff can place learners right away. Deterministic.
 */
interface DemoProgramme {
  facility: string;
  title: string;
  courses: string[];
  weeks: number;
  startInDays: number;
  seats: number;
  interests: Interest[];
  timetable: Slot[];
  minLatvian?: string;
  continuesAfterRelease?: boolean;
  teacher: string;
  /** The school that issues the documents (a cooperation agreement; never the prison): its Latvian name in the demo register. */
  provider: string;
  award?: 'module' | 'professional_development';
  awardLevel?: string;
  approval?: boolean;
}

const PROGRAMMES: DemoProgramme[] = [
  {
    facility: 'OLA',
    title: 'Pavāra palīgs (profesionālā pilnveide)',
    courses: ['pavara-palidzes-pamati'],
    weeks: 16,
    startInDays: 14,
    seats: 10,
    interests: ['cooking', 'bakery'],
    timetable: [
      { day: 1, from: '09:00', to: '12:00' },
      { day: 3, from: '09:00', to: '12:00' },
    ],
    minLatvian: 'A2',
    continuesAfterRelease: true,
    teacher: 'janis.liepa',
    provider: 'Profesionālās izglītības centrs “Amatu skola”',
    award: 'professional_development',
    // Its certificates wait for the education staff's approval (the demo of that step).
    approval: true,
  },
  {
    facility: 'OLA',
    title: 'Latviešu valoda darbam (A2)',
    courses: ['latviesu-a2-darbs'],
    weeks: 12,
    startInDays: 7,
    seats: 12,
    interests: ['state_language'],
    timetable: [
      { day: 2, from: '10:00', to: '11:30' },
      { day: 4, from: '10:00', to: '11:30' },
    ],
    teacher: 'janis.liepa',
    provider: 'Pieaugušo izglītības centrs “Valoda”',
    awardLevel: 'A2',
  },
  {
    facility: 'OLA',
    title: 'Dzīves skola pirms atbrīvošanas',
    courses: ['dzives-skola'],
    weeks: 8,
    startInDays: 0,
    seats: 2,
    interests: ['office', 'general_education'],
    timetable: [{ day: 5, from: '13:00', to: '15:00' }],
    teacher: 'janis.liepa',
    provider: 'Pieaugušo izglītības centrs “Valoda”',
  },
  {
    facility: 'ILG',
    title: 'Matemātikas pamati un dzīves prasmes',
    courses: ['matematika-pamati', 'dzives-skola'],
    weeks: 20,
    startInDays: 21,
    seats: 8,
    interests: ['general_education'],
    timetable: [{ day: 2, from: '09:00', to: '11:00' }],
    teacher: 'daiga.berzina',
    provider: 'Rīgas pieaugušo izglītības vidusskola',
  },
];

const day = (today: Date, offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

export function seedDemoProgrammes(db: Db, today = new Date()): number {
  let created = 0;
  const providers = seedDemoProviders(db, today);
  db.transaction(() => {
    for (const p of PROGRAMMES) {
      const facilityId = stmt(db, 'SELECT id FROM facility WHERE code = ?').pluck().get(p.facility) as number | undefined;
      const teacherId = stmt(db, 'SELECT id FROM user WHERE username = ?').pluck().get(p.teacher) as number | undefined;
      if (facilityId === undefined || !p.courses.every((c) => getCourse(db, c))) continue;
      const at = today.toISOString();
      const id = Number(
        stmt(
          db,
          `INSERT INTO programme (facility_id, title, description, starts_on, ends_on, seats, language, min_education, min_latvian,
             prerequisite_course_id, continues_after_release, interests_json, timetable_json, status, provider_id, award, award_level,
             certificate_approval, created_by, created_at, updated_at)
           VALUES (?, ?, '', ?, ?, ?, 'lv', NULL, ?, NULL, ?, ?, ?, 'open', ?, ?, ?, ?, NULL, ?, ?)`,
        ).run(
          facilityId,
          p.title,
          day(today, p.startInDays),
          day(today, p.startInDays + p.weeks * 7),
          p.seats,
          p.minLatvian ?? null,
          p.continuesAfterRelease ? 1 : 0,
          JSON.stringify(p.interests),
          JSON.stringify(p.timetable),
          providers.get(p.provider) ?? null,
          p.award ?? 'module',
          p.awardLevel ?? null,
          p.approval ? 1 : 0,
          at,
          at,
        ).lastInsertRowid,
      );
      p.courses.forEach((c, i) => stmt(db, 'INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, ?, ?)').run(id, i, c));
      if (teacherId !== undefined) stmt(db, 'INSERT INTO programme_teacher (programme_id, user_id) VALUES (?, ?)').run(id, teacherId);
      appendAudit(db, { actor: SYSTEM_ACTOR, action: 'programme.create', targetType: 'programme', targetId: id, facilityId, details: { title: p.title, demo: true } }, today);
      created++;
    }
  }).immediate();
  return created;
}
