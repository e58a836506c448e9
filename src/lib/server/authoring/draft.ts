import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { memoryPackage, type PackageFiles } from '../courses/load.ts';
import { getPackageBytes } from '../h5p/store.ts';

/**
 * A course's working copy in the browser editor: the files of a package in
 * exactly the courses/ format. Text files are kept as text; pictures as a
 * reference to the content-addressed media table.
 */

const draftFileSchema = z.union([
  /** A text file: course.yaml, a lesson (.md) or a quiz (.quiz.yaml). */
  z.object({ text: z.string() }),
  /** A picture, by the SHA-256 of its bytes in the media table. */
  z.object({ media: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** An H5P activity (.h5p), by the SHA-256 of the file in the h5p_package table (validated and stored when it came in). */
  z.object({ h5p: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
export type DraftFile = z.infer<typeof draftFileSchema>;
const filesSchema = z.record(z.string(), draftFileSchema);

/** Relative path → file, in a stable order. */
export type DraftFiles = Map<string, DraftFile>;

export function parseFiles(json: string): DraftFiles {
  return new Map(Object.entries(filesSchema.parse(JSON.parse(json))).sort(([a], [b]) => a.localeCompare(b)));
}

export function serializeFiles(files: DraftFiles): string {
  return JSON.stringify(Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b))));
}

export interface Draft {
  courseId: string;
  files: DraftFiles;
  updatedAt: string;
  updatedBy: number | null;
}

export function getDraft(db: Db, courseId: string): Draft | null {
  const row = stmt(db, 'SELECT course_id, files_json, updated_at, updated_by FROM course_draft WHERE course_id = ?').get(courseId) as
    | { course_id: string; files_json: string; updated_at: string; updated_by: number | null }
    | undefined;
  return row ? { courseId: row.course_id, files: parseFiles(row.files_json), updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
}

/** Replaces the draft's files (creating the draft when needed). Call inside a transaction. */
export function writeDraft(db: Db, actor: SessionUser, courseId: string, files: DraftFiles, now = new Date()): void {
  stmt(
    db,
    `INSERT INTO course_draft (course_id, files_json, created_by, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (course_id) DO UPDATE SET files_json = excluded.files_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(courseId, serializeFiles(files), actor.id, actor.id, now.toISOString());
}

/** May the actor edit this course? Teachers edit the courses they teach, and the drafts they started. */
export function canAuthor(db: Db, actor: SessionUser, courseId: string): boolean {
  if (!can(actor, 'courses:author')) return false;
  return (
    stmt(
      db,
      `SELECT 1 FROM course_teacher WHERE course_id = @course AND user_id = @user
       UNION ALL SELECT 1 FROM course_draft_author WHERE course_id = @course AND user_id = @user LIMIT 1`,
    ).get({ course: courseId, user: actor.id }) !== undefined
  );
}

/** The bytes of one draft file (pictures from media, activities from h5p_package); null when the stored bytes are gone. */
export function draftFileBytes(db: Db, file: DraftFile): Buffer | null {
  if ('text' in file) return Buffer.from(file.text, 'utf8');
  if ('media' in file) return (stmt(db, 'SELECT bytes FROM media WHERE hash = ?').pluck().get(file.media) as Buffer | undefined) ?? null;
  return getPackageBytes(db, file.h5p);
}

/** The draft's files as a package the course loader can validate. */
export function draftPackage(db: Db, files: DraftFiles): PackageFiles {
  const bytes = new Map<string, Buffer>();
  for (const [rel, file] of files) {
    const content = draftFileBytes(db, file);
    if (content) bytes.set(rel, content);
  }
  return memoryPackage(bytes);
}

/** The text of a draft file, or null when it is missing or a picture. */
export function draftText(files: DraftFiles, rel: string): string | null {
  const file = files.get(rel);
  return file && 'text' in file ? file.text : null;
}

export interface AuthorCourse {
  id: string;
  /** Title in the reader's language from the draft, or the published course. */
  title: string;
  hasDraft: boolean;
  published: boolean;
  source: 'package' | 'authored' | null;
}

/** The courses a teacher may edit: those they teach and the drafts they started. */
export function listAuthorCourses(db: Db, actor: SessionUser, locale: string): AuthorCourse[] {
  if (!can(actor, 'courses:author')) return [];
  const rows = stmt(
    db,
    `SELECT ids.id, c.title_json, c.source, d.files_json
     FROM (SELECT course_id AS id FROM course_teacher WHERE user_id = @user
           UNION SELECT course_id FROM course_draft_author WHERE user_id = @user) ids
     LEFT JOIN course c ON c.id = ids.id
     LEFT JOIN course_draft d ON d.course_id = ids.id
     ORDER BY ids.id`,
  ).all({ user: actor.id }) as Array<{ id: string; title_json: string | null; source: 'package' | 'authored' | null; files_json: string | null }>;
  return rows.map((r) => {
    // The draft's title first (what the teacher is working on), else the published one.
    const draftTitles = r.files_json ? titlesOfManifest(draftText(parseFiles(r.files_json), 'course.yaml')) : null;
    const titles = draftTitles ?? (r.title_json ? (JSON.parse(r.title_json) as Record<string, string>) : null);
    return { id: r.id, title: titles?.[locale] ?? titles?.lv ?? r.id, hasDraft: r.files_json !== null, published: r.title_json !== null, source: r.source };
  });
}

function titlesOfManifest(yamlText: string | null): Record<string, string> | null {
  try {
    const doc = yamlText ? (parseYaml(yamlText) as { title?: Record<string, string> } | null) : null;
    return doc?.title && typeof doc.title === 'object' ? doc.title : null;
  } catch {
    return null;
  }
}
