import { stmt, type Db } from '../db.ts';
import type { Quiz, Track } from './package-schema.ts';
import type { EducationLevel, LatvianLevel, Locale } from '../../shared/domain.ts';

/** Courses and their items as stored by the sync (read side). */

export type Localized = Record<Locale, string>;

export interface PassRules {
  lessons: 'all' | 'required';
  quizzes: boolean;
  minHours: number;
}

export interface Course {
  id: string;
  track: Track;
  level: string;
  qualificationLevel: number | null;
  hours: number;
  language: Locale;
  title: Localized;
  summary: Localized;
  prerequisites: { educationLevel?: EducationLevel; latvianLevel?: LatvianLevel; courses: string[] };
  passRules: PassRules;
  archived: boolean;
}

interface CourseRow {
  id: string;
  track: Track;
  level: string;
  qualification_level: number | null;
  hours: number;
  language: Locale;
  title_json: string;
  summary_json: string;
  prerequisites_json: string;
  pass_rules_json: string;
  archived_at: string | null;
}

const COURSE_COLUMNS = `id, track, level, qualification_level, hours, language, title_json, summary_json,
  prerequisites_json, pass_rules_json, archived_at`;

function toCourse(r: CourseRow): Course {
  return {
    id: r.id,
    track: r.track,
    level: r.level,
    qualificationLevel: r.qualification_level,
    hours: r.hours,
    language: r.language,
    title: JSON.parse(r.title_json) as Localized,
    summary: JSON.parse(r.summary_json) as Localized,
    prerequisites: JSON.parse(r.prerequisites_json) as Course['prerequisites'],
    passRules: JSON.parse(r.pass_rules_json) as PassRules,
    archived: r.archived_at !== null,
  };
}

/*
 * Course and item reads sit on every learner page. A course changes only when
 * a sync stores a new package (new content hash) or archives it, so parsed
 * courses and their item lists are cached per database and checked against
 * that stamp with one primary-key lookup. Versions never change once stored,
 * so quizzes and lesson HTML are cached by version id.
 */
interface CachedCourse {
  stamp: string;
  course: Course;
  items: CourseItem[] | null;
}
const courseCache = new WeakMap<Db, Map<string, CachedCourse>>();
const versionCache = new WeakMap<Db, Map<string, Quiz | Activity | string | null>>();
const VERSION_CACHE_LIMIT = 5_000;

function cachedCourse(db: Db, id: string): CachedCourse | null {
  const stamp = stmt(db, "SELECT content_hash || ':' || coalesce(archived_at, '') FROM course WHERE id = ?").pluck().get(id) as string | undefined;
  let cache = courseCache.get(db);
  if (!cache) courseCache.set(db, (cache = new Map()));
  if (stamp === undefined) {
    cache.delete(id);
    return null;
  }
  const hit = cache.get(id);
  if (hit && hit.stamp === stamp) return hit;
  const row = stmt(db, `SELECT ${COURSE_COLUMNS} FROM course WHERE id = ?`).get(id) as CourseRow;
  const entry: CachedCourse = { stamp, course: toCourse(row), items: null };
  cache.set(id, entry);
  return entry;
}

function cachedVersion<T extends Quiz | Activity | string | null>(db: Db, key: string, load: () => T): T {
  let cache = versionCache.get(db);
  if (!cache) versionCache.set(db, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = load();
  if (cache.size >= VERSION_CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

export function getCourse(db: Db, id: string): Course | null {
  return cachedCourse(db, id)?.course ?? null;
}

export function listCourses(db: Db, { includeArchived = false } = {}): Course[] {
  const rows = stmt(db, `SELECT ${COURSE_COLUMNS} FROM course ${includeArchived ? '' : 'WHERE archived_at IS NULL'} ORDER BY track, id`).all() as CourseRow[];
  return rows.map(toCourse);
}

export interface CourseItem {
  id: number;
  courseId: string;
  key: string;
  moduleId: string;
  moduleTitle: string;
  kind: 'lesson' | 'quiz';
  title: string;
  required: boolean;
  minutes: number;
  versionId: number;
}

interface ItemRow {
  id: number;
  course_id: string;
  item_key: string;
  module_id: string;
  module_title: string;
  kind: 'lesson' | 'quiz';
  title: string;
  required: number;
  minutes: number;
  current_version_id: number;
}

const ITEM_COLUMNS = 'id, course_id, item_key, module_id, module_title, kind, title, required, minutes, current_version_id';

function toItem(r: ItemRow): CourseItem {
  return {
    id: r.id,
    courseId: r.course_id,
    key: r.item_key,
    moduleId: r.module_id,
    moduleTitle: r.module_title,
    kind: r.kind,
    title: r.title,
    required: r.required === 1,
    minutes: r.minutes,
    versionId: r.current_version_id,
  };
}

/** The course's current (not archived) items in order. */
export function getCourseItems(db: Db, courseId: string): CourseItem[] {
  const load = () =>
    (
      stmt(db, `SELECT ${ITEM_COLUMNS} FROM course_item WHERE course_id = ? AND archived_at IS NULL ORDER BY module_position, position`).all(
        courseId,
      ) as ItemRow[]
    ).map(toItem);
  const entry = cachedCourse(db, courseId);
  if (!entry) return load();
  entry.items ??= load();
  return entry.items;
}

/** One current item of a course (null when unknown, archived or of another course). */
export function getCourseItem(db: Db, courseId: string, itemId: number): CourseItem | null {
  const row = stmt(db, `SELECT ${ITEM_COLUMNS} FROM course_item WHERE id = ? AND course_id = ? AND archived_at IS NULL`).get(itemId, courseId) as
    | ItemRow
    | undefined;
  return row ? toItem(row) : null;
}

/** The rendered lesson of the item's current version (HTML cached at sync time). */
export function getLessonHtml(db: Db, versionId: number): string | null {
  return cachedVersion(db, `html:${versionId}`, () => (stmt(db, 'SELECT html FROM course_item_version WHERE id = ?').pluck().get(versionId) as string | null | undefined) ?? null);
}

/** The H5P activity of a lesson version. */
export interface Activity {
  /** The stored H5P content it plays. */
  contentId: number;
  /** The .h5p file in the course package. */
  file: string;
  /** Percent of the points needed; 0: done once finished. */
  passPercent: number;
  /** The content's title from its h5p.json. */
  title: string;
  /** 'H5P.MultiChoice'. */
  mainLibrary: string;
}

/** The activity of a lesson version, or null when the lesson has none. */
export function getActivity(db: Db, versionId: number): Activity | null {
  const value = cachedVersion<Activity | string | null>(db, `activity:${versionId}`, () => {
    const row = stmt(
      db,
      `SELECT v.h5p_content_id, v.activity_json, c.title, l.machine_name FROM course_item_version v
       JOIN h5p_content c ON c.id = v.h5p_content_id JOIN h5p_library l ON l.id = c.main_library_id WHERE v.id = ?`,
    ).get(versionId) as { h5p_content_id: number; activity_json: string; title: string; machine_name: string } | undefined;
    if (!row) return null;
    const meta = JSON.parse(row.activity_json) as { file: string; passPercent: number };
    return { contentId: row.h5p_content_id, file: meta.file, passPercent: meta.passPercent, title: row.title, mainLibrary: row.machine_name };
  });
  return value !== null && typeof value === 'object' && 'contentId' in value ? value : null;
}

/** The quiz of a version (the one the learner sees now, or the one an attempt was graded against). */
export function getQuizVersion(db: Db, versionId: number): Quiz | null {
  const value = cachedVersion<Quiz | string | null>(db, `quiz:${versionId}`, () => {
    const source = stmt(db, "SELECT v.source FROM course_item_version v JOIN course_item i ON i.id = v.item_id WHERE v.id = ? AND i.kind = 'quiz'")
      .pluck()
      .get(versionId) as string | undefined;
    return source ? (JSON.parse(source) as Quiz) : null;
  });
  return value !== null && typeof value === 'object' && 'questions' in value ? value : null;
}

export interface Media {
  contentType: string;
  bytes: Buffer;
}

export function getMedia(db: Db, hash: string): Media | null {
  const row = stmt(db, 'SELECT content_type, bytes FROM media WHERE hash = ?').get(hash) as { content_type: string; bytes: Buffer } | undefined;
  return row ? { contentType: row.content_type, bytes: row.bytes } : null;
}

/** A course's title in the reader's language. */
export function courseTitle(course: Pick<Course, 'title'>, locale: Locale): string {
  return course.title[locale] ?? course.title.lv;
}
