import type { Db } from '../../../src/lib/server/db.ts';
import type { Prison } from '../../helpers/fixture.ts';
import { addConsult, addCourseRow, addDocument, addLearningTime, addPerson, addPlace, addProgrammeRow, releasePerson } from '../../helpers/indicators.ts';

/**
 * A first quarter of 2026 small enough to count by hand (the expected
 * figures are written next to each row in the tests). Olaine (A) runs a
 * welding programme and a Latvian A2 course; Iļģuciems (B) a welding one.
 */
export function buildQuarter(p: Prison) {
  const db: Db = p.db;
  const A = p.facilityA.id;
  const B = p.facilityB.id;
  addCourseRow(db, 'weld', 'vocational', { level: 'professional-development' });
  addCourseRow(db, 'lv-a2', 'state-language', { level: 'A2', language: 'lv' });
  const progA = addProgrammeRow(db, A, 'weld', { title: 'Metināšana' });
  const progL = addProgrammeRow(db, A, 'lv-a2', { title: 'Latviešu A2', language: 'ru' });
  const progB = addProgrammeRow(db, B, 'weld', { title: 'Metināšana B' });

  const a = Array.from({ length: 10 }, (_, i) =>
    addPerson(db, A, { birthYear: i < 4 ? 2002 : 1980, education: i < 5 ? 'basic' : 'secondary', locale: i < 7 ? 'lv' : 'ru', sex: i < 8 ? 'M' : 'F' }),
  );
  const [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] = a as [number, number, number, number, number, number, number, number, number, number];
  const b1 = addPerson(db, B, { birthYear: null, sex: 'F' });

  for (const x of [a1, a2, a3, a4, a5, a6]) addConsult(db, x, A, '2026-01-05');
  for (const x of [a1, a2, a3]) addPlace(db, x, progA, { status: 'completed', enrolledAt: '2026-01-10', statusAt: '2026-03-05' });
  addPlace(db, a4, progA, { status: 'withdrawn', enrolledAt: '2026-01-10', statusAt: '2026-02-10' });
  addPlace(db, a5, progA, { status: 'failed', enrolledAt: '2026-01-10', statusAt: '2026-03-20' });
  addPlace(db, a6, progA, { status: 'enrolled', enrolledAt: '2026-01-10' });
  addPlace(db, a7, progA, { status: 'completed', enrolledAt: '2025-11-01', statusAt: '2026-01-20' });
  addPlace(db, a8, progA, { status: 'completed', enrolledAt: '2025-06-01', statusAt: '2025-12-15' });
  addPlace(db, a9, progA, { status: 'waitlisted', waitlistedAt: '2026-02-01' });
  addConsult(db, a10, A, '2026-01-02');
  addPlace(db, a10, progL, { status: 'enrolled', waitlistedAt: '2026-01-05', enrolledAt: '2026-02-15' });
  addPlace(db, a1, progL, { status: 'enrolled', enrolledAt: '2026-02-01' });
  addPlace(db, b1, progB, { status: 'completed', enrolledAt: '2026-01-15', statusAt: '2026-02-28' });
  addConsult(db, a7, A, '2026-03-01', 'pre_release');
  addConsult(db, a8, A, '2025-12-01');

  addDocument(db, a1, { kind: 'module', issuedOn: '2026-03-06', programmeId: progA, courseId: 'weld' });
  addDocument(db, a2, { kind: 'professional_development', level: 'LKI 2', issuedOn: '2026-03-06', programmeId: progA, courseId: 'weld' });
  addDocument(db, a3, { kind: 'professional_development', level: 'LKI 2', issuedOn: '2026-03-07', programmeId: progA, courseId: 'weld' });
  addDocument(db, a4, { kind: 'statement', issuedOn: '2026-02-11', programmeId: progA, courseId: 'weld' });
  addDocument(db, a1, { kind: 'module', level: 'A2', issuedOn: '2026-03-25', programmeId: progL, courseId: 'lv-a2' });
  addDocument(db, a5, { kind: 'module', issuedOn: '2026-03-21', programmeId: progA, courseId: 'weld', revoked: true });
  const original = addDocument(db, a7, { kind: 'module', issuedOn: '2026-01-21', programmeId: progA, courseId: 'weld', revoked: true });
  addDocument(db, a7, { kind: 'module', issuedOn: '2026-02-02', programmeId: progA, courseId: 'weld', replacesId: original });

  addLearningTime(db, a1, 'weld', '2026-01-12', 3600);
  addLearningTime(db, a2, 'weld', '2026-02-12', 7200);
  addLearningTime(db, b1, 'weld', '2026-01-20', 1800);
  addLearningTime(db, a1, 'lv-a2', '2026-02-02', 1800);
  addLearningTime(db, a1, 'weld', '2025-12-31', 3600);

  releasePerson(db, a7, '2026-03-10');
  releasePerson(db, a8, '2026-01-31');
  return { A, B, progA, progL, progB, a, b1 };
}

export const Q1 = new URLSearchParams({ period: 'quarter', year: '2026', quarter: '1' });
