import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { translator } from '../../../src/lib/i18n/index.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { indicatorReport } from '../../../src/lib/server/indicators/report.ts';
import { seedDemo } from '../../../src/lib/server/seed/demo.ts';
import { seedDemoHistory } from '../../../src/lib/server/seed/demo-history.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

// The demo's two years of past cohorts, for the indicators. One database for the file (seeding hashes secrets).
const NOW = new Date('2026-06-15T08:00:00.000Z');
const COURSES = path.resolve(import.meta.dirname, '../../../courses');
let t: TestDb;
let made: { learners: number; documents: number };
beforeAll(async () => {
  t = createTestDb();
  await seedDemo(t.db, NOW);
  await syncCourses(t.db, COURSES, t.dir);
  made = seedDemoHistory(t.db, NOW);
}, 120_000);
afterAll(() => t?.cleanup());
const count = (sql: string) => t.db.prepare(sql).pluck().get() as number;

describe('the demo history', () => {
  test('former learners only: all released, none without a release date, no PIN, none among those in custody', () => {
    expect(made.learners).toBeGreaterThan(200);
    expect(count("SELECT count(*) FROM learner WHERE inmate_number GLOB '3*' AND (status <> 'released' OR released_on IS NULL)")).toBe(0);
    expect(count("SELECT count(*) FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number GLOB '3*' AND (u.secret_hash IS NOT NULL OR u.active = 1)")).toBe(0);
    expect(count("SELECT count(*) FROM learner WHERE status = 'in_custody'")).toBe(40);
    expect(count('SELECT count(*) FROM learner WHERE sex IS NULL')).toBe(0);
  });

  test('every prison has months of figures with documents, qualifications and Latvian levels, and nothing is dated after today', () => {
    expect(made.documents).toBeGreaterThan(100);
    expect(count("SELECT count(*) FROM certificate WHERE issued_on > '2026-06-15'")).toBe(0);
    expect(count("SELECT count(*) FROM placement WHERE status_at > '2026-06-15T08:00:00.000Z'")).toBe(0);
    const r = indicatorReport(t.db, { id: 1, role: 'admin', facilityIds: [] }, new URLSearchParams({ period: 'year', year: '2025' }), translator('lv'), 'lv', '2026-06-15');
    if (!r.ok) throw new Error('refused');
    expect(r.indicators.breakdowns.prison.length).toBeGreaterThanOrEqual(4);
    expect(r.indicators.series.participants.filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);
    expect(r.indicators.hours).toBeGreaterThan(100);
    expect(r.indicators.qualifications.length).toBeGreaterThan(0);
    expect(r.indicators.latvianLevels.length).toBeGreaterThan(0);
  });

  test('the same day gives the same history', async () => {
    const again = createTestDb();
    try {
      await seedDemo(again.db, NOW);
      await syncCourses(again.db, COURSES, again.dir);
      expect(seedDemoHistory(again.db, NOW)).toEqual(made);
      const sig = (db: TestDb['db']) => db.prepare("SELECT group_concat(status || status_at, ',') FROM (SELECT status, status_at FROM placement ORDER BY id)").pluck().get();
      expect(sig(again.db)).toBe(sig(t.db));
    } finally {
      again.cleanup();
    }
  }, 120_000);
});
