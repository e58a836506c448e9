import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listPackageFolders, loadCoursePackage, type LoadedCourse } from '../../../src/lib/server/courses/load.ts';
import { TRACKS } from '../../../src/lib/server/courses/package-schema.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { getCourseItems, getLessonHtml, listCourses } from '../../../src/lib/server/courses/catalog.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

/**
 * Guards the real curriculum in courses/: every package a teacher commits
 * must load, and the demo needs a course on every track.
 */

const COURSES_DIR = path.resolve(import.meta.dirname, '../../../courses');
const folders = listPackageFolders(COURSES_DIR);

const loaded = new Map<string, LoadedCourse>();
function load(folder: string): LoadedCourse {
  const cached = loaded.get(folder);
  if (cached) return cached;
  const result = loadCoursePackage(COURSES_DIR, folder);
  // The errors in the failure message are what the teacher has to fix.
  if (!result.ok) throw new Error(`courses/${folder} is refused:\n${result.errors.map((e) => `  ${e.file} → ${e.field}: ${e.reason}`).join('\n')}`);
  loaded.set(folder, result.course);
  return result.course;
}

test('the demo curriculum has at least four courses, one on every track', () => {
  expect(folders.length).toBeGreaterThanOrEqual(4);
  const tracks = new Set(folders.map((f) => load(f).manifest.track));
  expect([...tracks].sort()).toEqual([...TRACKS].sort());
});

describe.each(folders)('courses/%s', (folder) => {
  test('validates: manifest, every lesson, every quiz and every picture', () => {
    expect(load(folder).manifest.id).toBe(folder);
  });

  test('has at least three lessons and a quiz', () => {
    const items = load(folder).items;
    expect(items.filter((i) => i.kind === 'lesson').length).toBeGreaterThanOrEqual(3);
    expect(items.filter((i) => i.kind === 'quiz').length).toBeGreaterThanOrEqual(1);
  });
});

describe('the real curriculum in the database', () => {
  let t: TestDb;
  beforeAll(() => {
    t = createTestDb();
  });
  afterAll(() => t.cleanup());

  test('syncs without refusals, and no rendered lesson links outside or misses a picture', async () => {
    const report = await syncCourses(t.db, COURSES_DIR, null);
    expect(report.refused).toEqual([]);
    expect(listCourses(t.db).map((c) => c.id)).toEqual(expect.arrayContaining(folders));
    for (const folder of folders) {
      for (const item of getCourseItems(t.db, folder).filter((i) => i.kind === 'lesson')) {
        const html = getLessonHtml(t.db, item.versionId) ?? '';
        expect(html, item.key).not.toBe('');
        expect(html, item.key).not.toMatch(/<a\s[^>]*href="(?!#)/);
        expect(html, item.key).not.toContain('missing-image');
      }
    }
    // A second start changes nothing.
    expect((await syncCourses(t.db, COURSES_DIR, null)).synced.every((s) => s.status === 'unchanged')).toBe(true);
  });
});
