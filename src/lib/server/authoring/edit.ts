import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify } from 'yaml';
import { stmt, type Db } from '../db.ts';
import type { SessionUser } from '../session.ts';
import { MAX_IMAGE_BYTES, sniffImage, splitFrontMatter } from '../courses/load.ts';
import { lessonFrontMatterSchema, quizSchema, type Quiz } from '../courses/package-schema.ts';
import { canAuthor, draftText, getDraft, writeDraft, type DraftFiles } from './draft.ts';
import { importH5pPackage } from '../h5p/store.ts';
import type { H5pRefusal } from '../h5p/refusal.ts';
import { lessonSource } from './courses.ts';

/**
 * Edits of a draft, each one read–change–write in a transaction. The files
 * stay in the package format; validation of the whole package happens at
 * publishing, with the same loader as for packages on disk.
 */

export type EditError = 'auth.forbidden' | 'authoring.noDraft' | 'authoring.notFound' | 'authoring.idTaken' | 'authoring.imageType' | 'authoring.imageSize';
export type EditResult<T = void> = { ok: true; value: T } | { ok: false; code: EditError };

/** The parts of course.yaml the editor works on (anything else is kept as it is). */
export interface ManifestDoc {
  id: string;
  title: Record<string, string>;
  summary: Record<string, string>;
  track: string;
  level: string;
  hours: number;
  language: string;
  passRules?: { lessons?: string; quizzes?: boolean; minHours?: number };
  modules: Array<{ id: string; title: string; items: string[] }>;
  [key: string]: unknown;
}

export function readManifest(files: DraftFiles): ManifestDoc {
  const doc = parseYaml(draftText(files, 'course.yaml') ?? '') as ManifestDoc | null;
  return { ...(doc ?? ({} as ManifestDoc)), modules: Array.isArray(doc?.modules) ? doc.modules : [] };
}

function writeManifest(files: DraftFiles, doc: ManifestDoc): void {
  files.set('course.yaml', { text: stringify(doc) });
}

function edit<T>(db: Db, actor: SessionUser, courseId: string, change: (files: DraftFiles) => EditResult<T>): EditResult<T> {
  if (!canAuthor(db, actor, courseId)) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): EditResult<T> => {
      const draft = getDraft(db, courseId);
      if (!draft) return { ok: false, code: 'authoring.noDraft' };
      const result = change(draft.files);
      if (result.ok) writeDraft(db, actor, courseId, draft.files);
      return result;
    })
    .immediate();
}

/** Title, summary (lv/en/ru), track, level, hours, language and pass rules. */
export function updateSettings(db: Db, actor: SessionUser, courseId: string, settings: Omit<ManifestDoc, 'id' | 'modules'>): EditResult {
  return edit(db, actor, courseId, (files) => {
    writeManifest(files, { ...readManifest(files), ...settings, id: courseId });
    return { ok: true, value: undefined };
  });
}

const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'x';

export function addModule(db: Db, actor: SessionUser, courseId: string, title: string): EditResult<string> {
  return edit(db, actor, courseId, (files) => {
    const doc = readManifest(files);
    let id = slugify(title);
    for (let n = 2; doc.modules.some((m) => m.id === id); n++) id = `${slugify(title)}-${n}`;
    doc.modules.push({ id, title, items: [] });
    writeManifest(files, doc);
    return { ok: true, value: id };
  });
}

export function renameModule(db: Db, actor: SessionUser, courseId: string, moduleId: string, title: string): EditResult {
  return edit(db, actor, courseId, (files) => {
    const doc = readManifest(files);
    const mod = doc.modules.find((m) => m.id === moduleId);
    if (!mod) return { ok: false, code: 'authoring.notFound' };
    mod.title = title;
    writeManifest(files, doc);
    return { ok: true, value: undefined };
  });
}

/** Adds a lesson or a quiz at the end of a module; returns its path. */
export function addItem(db: Db, actor: SessionUser, courseId: string, moduleId: string, kind: 'lesson' | 'quiz', title: string): EditResult<string> {
  return edit(db, actor, courseId, (files) => {
    const doc = readManifest(files);
    const mod = doc.modules.find((m) => m.id === moduleId);
    if (!mod) return { ok: false, code: 'authoring.notFound' };
    const number = String(mod.items.length + 1).padStart(2, '0');
    let name = `${number}-${slugify(title)}${kind === 'quiz' ? '.quiz.yaml' : '.md'}`;
    for (let n = 2; files.has(`${moduleId}/${name}`); n++) name = `${number}-${slugify(title)}-${n}${kind === 'quiz' ? '.quiz.yaml' : '.md'}`;
    mod.items.push(name);
    writeManifest(files, doc);
    const starter: Quiz = {
      title,
      passPercent: 70,
      attempts: 3,
      keep: 'best',
      questions: [{ type: 'truefalse', prompt: '…', answer: true, points: 1 }],
    };
    files.set(`${moduleId}/${name}`, { text: kind === 'quiz' ? stringify(starter) : lessonSource({ title, minutes: 20, required: true }, '\n') });
    return { ok: true, value: `${moduleId}/${name}` };
  });
}

/** Moves an item one place up or down within its module, or removes it. */
export function changeItem(db: Db, actor: SessionUser, courseId: string, path: string, action: 'up' | 'down' | 'remove'): EditResult {
  return edit(db, actor, courseId, (files) => {
    const doc = readManifest(files);
    const [moduleId, name] = path.split('/') as [string, string | undefined];
    const mod = doc.modules.find((m) => m.id === moduleId);
    const index = mod && name ? mod.items.indexOf(name) : -1;
    if (!mod || index < 0) return { ok: false, code: 'authoring.notFound' };
    if (action === 'remove') {
      const activity = path.endsWith('.md') ? readLesson(files, path)?.activity?.file : undefined;
      mod.items.splice(index, 1);
      files.delete(path);
      if (activity) dropUnusedActivity(files, activity);
    } else {
      const to = action === 'up' ? index - 1 : index + 1;
      if (to >= 0 && to < mod.items.length) [mod.items[index], mod.items[to]] = [mod.items[to]!, mod.items[index]!];
    }
    writeManifest(files, doc);
    return { ok: true, value: undefined };
  });
}

export interface LessonDoc {
  title: string;
  minutes: number;
  required: boolean;
  body: string;
  /** The lesson's H5P activity (a .h5p file of the course) and its pass threshold. */
  activity?: { file: string; passPercent: number } | undefined;
}

export function readLesson(files: DraftFiles, path: string): LessonDoc | null {
  const text = draftText(files, path);
  const split = text === null ? null : splitFrontMatter(text);
  if (!split) return text === null ? null : { title: '', minutes: 20, required: true, body: text };
  const front = lessonFrontMatterSchema.safeParse(parseYaml(split.yaml));
  return front.success ? { ...front.data, body: split.body } : { title: '', minutes: 20, required: true, body: split.body };
}

function writeLesson(files: DraftFiles, path: string, lesson: LessonDoc): void {
  const front = { title: lesson.title, minutes: lesson.minutes, required: lesson.required, ...(lesson.activity ? { activity: lesson.activity } : {}) };
  files.set(path, { text: lessonSource(front, lesson.body.replace(/\r\n/g, '\n')) });
}

/** Saves the lesson's text and settings; its activity stays as it is, only its pass threshold may change. */
export function saveLesson(db: Db, actor: SessionUser, courseId: string, path: string, lesson: Omit<LessonDoc, 'activity'> & { passPercent?: number }): EditResult {
  return edit(db, actor, courseId, (files) => {
    const stored = readLesson(files, path);
    if (!stored || !path.endsWith('.md')) return { ok: false, code: 'authoring.notFound' };
    const activity = stored.activity && { file: stored.activity.file, passPercent: lesson.passPercent ?? stored.activity.passPercent };
    writeLesson(files, path, { title: lesson.title, minutes: lesson.minutes, required: lesson.required, body: lesson.body, activity });
    return { ok: true, value: undefined };
  });
}

export type AttachResult = EditResult<{ file: string; mainLibrary: string }> | H5pRefusal;

/**
 * Uploads an H5P package as the lesson's activity: validated and stored (once
 * by its hash) before the draft changes; the .h5p file joins the course under
 * activities/. A refused package changes nothing and says why.
 */
export async function attachActivity(
  db: Db,
  dataDir: string,
  actor: SessionUser,
  courseId: string,
  path: string,
  upload: { name: string; bytes: Buffer },
  passPercent: number,
): Promise<AttachResult> {
  if (!canAuthor(db, actor, courseId)) return { ok: false, code: 'auth.forbidden' };
  const draft = getDraft(db, courseId);
  if (!draft) return { ok: false, code: 'authoring.noDraft' };
  if (!readLesson(draft.files, path) || !path.endsWith('.md')) return { ok: false, code: 'authoring.notFound' };
  const stored = await importH5pPackage(db, dataDir, actor, upload.bytes);
  if (!stored.ok) return stored.code === 'auth.forbidden' ? { ok: false, code: 'auth.forbidden' } : stored;
  return edit(db, actor, courseId, (files) => {
    const lesson = readLesson(files, path);
    if (!lesson) return { ok: false, code: 'authoring.notFound' };
    const base = slugify(upload.name.replace(/\.h5p$/i, ''));
    let file = `activities/${base}.h5p`;
    for (let n = 2; files.has(file) && JSON.stringify(files.get(file)) !== JSON.stringify({ h5p: stored.packageHash }); n++) file = `activities/${base}-${n}.h5p`;
    files.set(file, { h5p: stored.packageHash });
    const previous = lesson.activity?.file;
    writeLesson(files, path, { ...lesson, activity: { file, passPercent } });
    if (previous && previous !== file) dropUnusedActivity(files, previous);
    return { ok: true, value: { file, mainLibrary: stored.mainLibrary } };
  });
}

/** Takes the activity off the lesson (the stored H5P content stays for history and other courses). */
export function detachActivity(db: Db, actor: SessionUser, courseId: string, path: string): EditResult {
  return edit(db, actor, courseId, (files) => {
    const lesson = readLesson(files, path);
    if (!lesson || !path.endsWith('.md')) return { ok: false, code: 'authoring.notFound' };
    if (!lesson.activity) return { ok: true, value: undefined };
    const file = lesson.activity.file;
    writeLesson(files, path, { ...lesson, activity: undefined });
    dropUnusedActivity(files, file);
    return { ok: true, value: undefined };
  });
}

/** Removes an activity file no lesson of the draft names any more. */
function dropUnusedActivity(files: DraftFiles, file: string): void {
  for (const [rel] of files) {
    if (rel.endsWith('.md') && readLesson(files, rel)?.activity?.file === file) return;
  }
  files.delete(file);
}

export function readQuiz(files: DraftFiles, path: string): Quiz | null {
  const text = draftText(files, path);
  const parsed = text === null ? null : quizSchema.safeParse(parseYaml(text));
  return parsed?.success ? parsed.data : null;
}

/** Stores a quiz already validated with quizSchema (the builder's form is parsed at the edge). */
export function saveQuiz(db: Db, actor: SessionUser, courseId: string, path: string, quiz: Quiz): EditResult {
  return edit(db, actor, courseId, (files) => {
    if (!files.has(path) || !path.endsWith('.quiz.yaml')) return { ok: false, code: 'authoring.notFound' };
    files.set(path, { text: stringify(quiz) });
    return { ok: true, value: undefined };
  });
}

/**
 * Adds a picture to the course (type checked from its content, size limited,
 * stored once by hash); returns its path for the lesson's Markdown.
 */
export function addImage(db: Db, actor: SessionUser, courseId: string, name: string, bytes: Buffer, now = new Date()): EditResult<string> {
  const type = sniffImage(bytes);
  if (!type) return { ok: false, code: 'authoring.imageType' };
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, code: 'authoring.imageSize' };
  const hash = createHash('sha256').update(bytes).digest('hex');
  const ext = type === 'image/png' ? 'png' : type === 'image/jpeg' ? 'jpg' : 'webp';
  return edit(db, actor, courseId, (files) => {
    stmt(db, 'INSERT OR IGNORE INTO media (hash, content_type, bytes, created_at) VALUES (?, ?, ?, ?)').run(hash, type, bytes, now.toISOString());
    const base = slugify(name.replace(/\.[^.]*$/, ''));
    let path = `images/${base}.${ext}`;
    for (let n = 2; files.has(path) && JSON.stringify(files.get(path)) !== JSON.stringify({ media: hash }); n++) path = `images/${base}-${n}.${ext}`;
    files.set(path, { media: hash });
    return { ok: true, value: path };
  });
}

/** The course's title in the reader's language (Latvian, then its id, when missing): what breadcrumbs and headings show. */
export function draftCourseTitle(files: DraftFiles, locale: string, courseId: string): string {
  const title = readManifest(files).title;
  return (title && typeof title === 'object' ? (title[locale] ?? title.lv) : null) || courseId;
}
