import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { z } from 'zod';
import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { storeCourseActivities } from '../courses/activities.ts';
import { storeH5pPackage } from '../h5p/store.ts';
import { describeRefusal } from '../h5p/refusal.ts';
import { diskPackage, loadPackage, memoryPackage, sniffImage, type PackageError } from '../courses/load.ts';
import { localizedSchema, TRACKS, TRACK_LEVELS } from '../courses/package-schema.ts';
import { LOCALES } from '../../shared/domain.ts';
import { canAuthor, getDraft, writeDraft, draftPackage, type DraftFiles } from './draft.ts';
import { readPackageZip, writePackageZip } from './package-zip.ts';

/** Creating a course in the browser, and moving packages in and out as .zip. */

export const newCourseSchema = z
  .object({
    /** The course id (also its folder name in an exported package). */
    id: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, { error: 'authoring.idFormat' }),
    title: localizedSchema,
    summary: localizedSchema,
    track: z.enum(TRACKS, { error: 'validation.choose' }),
    level: z.string().trim().min(1, { error: 'validation.required' }),
    hours: z.coerce.number({ error: 'authoring.hours' }).int({ error: 'authoring.hours' }).min(1, { error: 'authoring.hours' }).max(2000, { error: 'authoring.hours' }),
    language: z.enum(LOCALES, { error: 'validation.choose' }),
  })
  .refine((c) => TRACK_LEVELS[c.track].includes(c.level), { path: ['level'], error: 'authoring.levelForTrack' });
export type NewCourse = z.output<typeof newCourseSchema>;

const FIRST_MODULE: Record<string, { module: string; lesson: string; body: string }> = {
  lv: { module: 'Pirmais modulis', lesson: 'Ievads', body: 'Šeit rakstiet nodarbības tekstu.\n' },
  en: { module: 'First module', lesson: 'Introduction', body: 'Write the lesson here.\n' },
  ru: { module: 'Первый модуль', lesson: 'Введение', body: 'Напишите здесь текст урока.\n' },
};

export function lessonSource(front: { title: string; minutes?: number; required?: boolean }, body: string): string {
  return `---\n${stringify(front).trimEnd()}\n---\n${body}`;
}

export type CreateResult = { ok: true; courseId: string } | { ok: false; code: 'auth.forbidden' | 'authoring.idTaken' };

/** A new course: a draft with a first module and lesson; its author may edit it. */
export function createCourse(db: Db, actor: SessionUser, input: NewCourse, now = new Date()): CreateResult {
  if (!can(actor, 'courses:author')) return { ok: false, code: 'auth.forbidden' };
  const first = FIRST_MODULE[input.language]!;
  const manifest = {
    ...input,
    passRules: { lessons: 'required', quizzes: true, minHours: 0 },
    modules: [{ id: 'modulis-1', title: first.module, items: ['01-ievads.md'] }],
  };
  const files: DraftFiles = new Map([
    ['course.yaml', { text: stringify(manifest) }],
    ['modulis-1/01-ievads.md', { text: lessonSource({ title: first.lesson, minutes: 20, required: true }, first.body) }],
  ]);
  return db
    .transaction((): CreateResult => {
      const taken = stmt(db, 'SELECT 1 FROM course WHERE id = @id UNION ALL SELECT 1 FROM course_draft WHERE course_id = @id LIMIT 1').get({ id: input.id });
      if (taken) return { ok: false, code: 'authoring.idTaken' };
      writeDraft(db, actor, input.id, files, now);
      stmt(db, 'INSERT INTO course_draft_author (course_id, user_id) VALUES (?, ?)').run(input.id, actor.id);
      appendAudit(db, { actor: auditActor(actor), action: 'course.draftCreate', targetType: 'course', targetId: input.id, facilityId: actor.facilityId }, now);
      return { ok: true, courseId: input.id };
    })
    .immediate();
}

/** The draft (or, for a course from courses/ not yet edited, its published files) as package bytes. */
export function packageBytes(db: Db, files: DraftFiles): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const pkg = draftPackage(db, files);
  for (const rel of files.keys()) {
    const bytes = pkg.read(rel);
    if (Buffer.isBuffer(bytes)) out.set(rel, bytes);
  }
  return out;
}

export async function exportDraftZip(db: Db, actor: SessionUser, courseId: string): Promise<Buffer | null> {
  if (!canAuthor(db, actor, courseId)) return null;
  const draft = getDraft(db, courseId);
  if (!draft) return null;
  appendAudit(db, { actor: auditActor(actor), action: 'course.export', targetType: 'course', targetId: courseId, facilityId: actor.facilityId });
  return writePackageZip(courseId, packageBytes(db, draft.files));
}

export type ImportResult =
  | { ok: true; courseId: string }
  | { ok: false; code: 'auth.forbidden' | 'authoring.courseTaken' | 'authoring.zipInvalid'; detail?: string }
  | { ok: false; code: 'authoring.invalid'; errors: PackageError[] };

/**
 * Imports a package .zip into the browser editor as the course's draft. A new
 * id becomes a new course of this teacher; an existing id must be one the
 * teacher may edit. Nothing is published until the teacher publishes.
 */
export async function importPackageZip(db: Db, dataDir: string, actor: SessionUser, bytes: Buffer, now = new Date()): Promise<ImportResult> {
  if (!can(actor, 'courses:author')) return { ok: false, code: 'auth.forbidden' };
  const read = await readPackageZip(bytes);
  if (!read.ok) return { ok: false, code: read.code, detail: read.detail };
  const manifestText = read.files.get('course.yaml')?.toString('utf8') ?? '';
  const id = /^id:\s*([a-z0-9][a-z0-9-]{1,60})\s*$/m.exec(manifestText)?.[1];
  if (!id) return { ok: false, code: 'authoring.invalid', errors: [{ file: 'course.yaml', field: 'id', reason: 'missing or not a valid course id' }] };
  const loaded = loadPackage(id, memoryPackage(read.files));
  if (!loaded.ok) return { ok: false, code: 'authoring.invalid', errors: loaded.errors };
  const taken = () =>
    stmt(db, 'SELECT 1 FROM course WHERE id = @id UNION ALL SELECT 1 FROM course_draft WHERE course_id = @id LIMIT 1').get({ id }) !== undefined &&
    !canAuthor(db, actor, id);
  // Checked before anything is stored (and again in the transaction below).
  if (taken()) return { ok: false, code: 'authoring.courseTaken' };
  // Every .h5p file of the zip (also one no lesson names yet) is validated and stored first, once by hash;
  // a refused one refuses the import. Binary files never become text.
  const who = { userId: actor.id, audit: auditActor(actor) };
  const refused = await storeCourseActivities(db, dataDir, loaded.course, who);
  const activityFiles = new Map([...loaded.course.activities].map(([rel, a]) => [rel, a.hash]));
  for (const [rel, content] of read.files) {
    if (!/\.h5p$/i.test(rel) || activityFiles.has(rel) || refused.length) continue;
    const stored = await storeH5pPackage(db, dataDir, who, content);
    if (stored.ok) activityFiles.set(rel, stored.packageHash);
    else refused.push({ file: `${id}/${rel}`, field: '', reason: `H5P package refused: ${describeRefusal('en', stored)}` });
  }
  if (refused.length) return { ok: false, code: 'authoring.invalid', errors: refused };
  return db
    .transaction((): ImportResult => {
      const exists = stmt(db, 'SELECT 1 FROM course WHERE id = @id UNION ALL SELECT 1 FROM course_draft WHERE course_id = @id LIMIT 1').get({ id });
      if (taken()) return { ok: false, code: 'authoring.courseTaken' };
      const files: DraftFiles = new Map();
      const insertMedia = stmt(db, 'INSERT OR IGNORE INTO media (hash, content_type, bytes, created_at) VALUES (?, ?, ?, ?)');
      for (const [rel, content] of read.files) {
        const h5p = activityFiles.get(rel);
        if (h5p) {
          files.set(rel, { h5p });
          continue;
        }
        const type = /\.(ya?ml|md)$/i.test(rel) ? null : sniffImage(content);
        if (!type) files.set(rel, { text: content.toString('utf8') });
        else {
          const hash = createHash('sha256').update(content).digest('hex');
          insertMedia.run(hash, type, content, now.toISOString());
          files.set(rel, { media: hash });
        }
      }
      writeDraft(db, actor, id, files, now);
      if (!exists) stmt(db, 'INSERT INTO course_draft_author (course_id, user_id) VALUES (?, ?)').run(id, actor.id);
      appendAudit(db, { actor: auditActor(actor), action: 'course.import', targetType: 'course', targetId: id, facilityId: actor.facilityId, details: { files: files.size } }, now);
      return { ok: true, courseId: id };
    })
    .immediate();
}

/**
 * Starts editing, in the browser, a course that came from a courses/ folder:
 * its files become the draft. (Once published from the browser, the start-up
 * sync leaves the course alone; export it to update the folder.)
 */
export function startEditingPackage(db: Db, actor: SessionUser, courseId: string, folder: string, now = new Date()): { ok: true } | { ok: false; code: 'auth.forbidden' | 'authoring.invalid' } {
  if (!canAuthor(db, actor, courseId)) return { ok: false, code: 'auth.forbidden' };
  if (getDraft(db, courseId)) return { ok: true };
  const disk = diskPackage(folder);
  const loaded = loadPackage(courseId, disk);
  if (!loaded.ok) return { ok: false, code: 'authoring.invalid' };
  const files: DraftFiles = new Map();
  const add = (rel: string) => {
    const bytes = disk.read(rel);
    if (Buffer.isBuffer(bytes)) files.set(rel, { text: bytes.toString('utf8') });
  };
  add('course.yaml');
  for (const item of loaded.course.items) add(item.key);
  db.transaction(() => {
    const insertMedia = stmt(db, 'INSERT OR IGNORE INTO media (hash, content_type, bytes, created_at) VALUES (?, ?, ?, ?)');
    for (const [rel, image] of loaded.course.images) {
      insertMedia.run(image.hash, image.contentType, image.bytes, now.toISOString());
      files.set(rel, { media: image.hash });
    }
    // The activities were stored when the folder was synced.
    for (const [rel, activity] of loaded.course.activities) files.set(rel, { h5p: activity.hash });
    writeDraft(db, actor, courseId, files, now);
    appendAudit(db, { actor: auditActor(actor), action: 'course.draftCreate', targetType: 'course', targetId: courseId, facilityId: actor.facilityId, details: { from: 'package' } }, now);
  }).immediate();
  return { ok: true };
}
