import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  courseManifestSchema,
  lessonFrontMatterSchema,
  quizSchema,
  type CourseManifest,
  type Quiz,
} from './package-schema.ts';
import { imageSources } from './render.ts';

/**
 * Reads one course package folder and validates every file. A broken package
 * is refused with the file, the field and the reason of each problem; nothing
 * of it is used.
 */

export interface PackageError {
  /** Path relative to the courses folder, e.g. `dzives-skola/course.yaml`. */
  file: string;
  /** The field inside the file, e.g. `modules[0].items[2]`, or '' for the whole file. */
  field: string;
  reason: string;
}

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface PackageImage {
  hash: string;
  contentType: ImageType;
  bytes: Buffer;
}

export interface LoadedItem {
  /** `<module-id>/<file name>`: the item's stable identity. */
  key: string;
  moduleId: string;
  moduleTitle: string;
  modulePosition: number;
  position: number;
  kind: 'lesson' | 'quiz';
  title: string;
  required: boolean;
  minutes: number;
  /** Lesson: Markdown body. Quiz: the validated quiz. */
  lesson: { markdown: string } | null;
  /** The lesson's H5P activity: its file, the SHA-256 of the file, and the pass threshold. */
  activity: ItemActivity | null;
  quiz: Quiz | null;
  /** Hash of what the learner sees (text and pictures): a new hash is a new version. */
  contentHash: string;
}

export interface ItemActivity {
  file: string;
  packageHash: string;
  passPercent: number;
}

export interface LoadedCourse {
  manifest: CourseManifest;
  items: LoadedItem[];
  /** Pictures by their path relative to the course folder. */
  images: Map<string, PackageImage>;
  /** H5P files by their path relative to the course folder (validated when stored, see courses/activities.ts). */
  activities: Map<string, { hash: string; bytes: Buffer }>;
  contentHash: string;
}

export type LoadResult = { ok: true; course: LoadedCourse } | { ok: false; id: string; errors: PackageError[] };

/**
 * Where a package's files come from: a folder on disk (courses/) or the
 * files of a course authored in the browser. Both are validated by the same
 * code, so the two ways of authoring cannot drift apart.
 */
export interface PackageFiles {
  /** The file at `rel` (a relative path with / separators), or a reason it cannot be used. */
  read(rel: string): Buffer | { missing: string };
}

/** A package folder on disk; paths and symbolic links may not lead out of it. */
export function diskPackage(dir: string): PackageFiles {
  return {
    read(rel) {
      const full = path.resolve(dir, rel);
      if (!full.startsWith(path.resolve(dir) + path.sep)) return { missing: 'the path leaves the course folder' };
      if (!fs.existsSync(full) || !fs.statSync(full).isFile()) return { missing: 'file not found' };
      if (!fs.realpathSync(full).startsWith(fs.realpathSync(dir) + path.sep)) return { missing: 'the path leaves the course folder' };
      return fs.readFileSync(full);
    },
  };
}

/** The files of a package held in memory (browser authoring, an imported .zip). */
export function memoryPackage(files: ReadonlyMap<string, Buffer>): PackageFiles {
  return {
    read(rel) {
      const normalized = path.posix.normalize(rel);
      if (normalized.startsWith('../') || normalized === '..' || path.posix.isAbsolute(normalized)) return { missing: 'the path leaves the course folder' };
      return files.get(normalized) ?? { missing: 'file not found' };
    },
  };
}

const isMissing = (v: Buffer | { missing: string }): v is { missing: string } => !Buffer.isBuffer(v);

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Largest .h5p file a course may carry (the unpacked size is limited again when it is validated). */
export const MAX_ACTIVITY_BYTES = 50 * 1024 * 1024;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** `modules[0].items[2]` from a zod issue path. */
function fieldOf(issuePath: readonly PropertyKey[]): string {
  return issuePath.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

function zodErrors(file: string, error: z.ZodError): PackageError[] {
  return error.issues.map((i) => ({ file, field: fieldOf(i.path), reason: i.message }));
}

/** The type of a picture from its first bytes (never from its name). */
export function sniffImage(bytes: Buffer): ImageType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Splits `---\nYAML\n---\nbody` into its parts; null when there is no front matter. */
export function splitFrontMatter(text: string): { yaml: string; body: string } | null {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (!normalized.startsWith('---\n')) return null;
  const end = normalized.indexOf('\n---', 4);
  if (end < 0) return null;
  const after = normalized.indexOf('\n', end + 4);
  return { yaml: normalized.slice(4, end), body: after < 0 ? '' : normalized.slice(after + 1) };
}

function parseYamlFile(file: string, text: string, errors: PackageError[]): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    errors.push({ file, field: '', reason: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

/** Loads the package in `coursesDir/<folder>` (disk). */
export function loadCoursePackage(coursesDir: string, folder: string): LoadResult {
  return loadPackage(folder, diskPackage(path.join(coursesDir, folder)));
}

/** Validates a package from any source; `folder` names it in error messages and must equal its id. */
export function loadPackage(folder: string, files: PackageFiles): LoadResult {
  const errors: PackageError[] = [];
  const manifestFile = `${folder}/course.yaml`;
  const manifestBytes = files.read('course.yaml');
  if (isMissing(manifestBytes)) {
    return { ok: false, id: folder, errors: [{ file: manifestFile, field: '', reason: 'missing: every course folder needs a course.yaml' }] };
  }
  const raw = parseYamlFile(manifestFile, manifestBytes.toString('utf8'), errors);
  if (errors.length) return { ok: false, id: folder, errors };
  const parsed = courseManifestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, id: folder, errors: zodErrors(manifestFile, parsed.error) };
  const manifest = parsed.data;
  if (manifest.id !== folder) errors.push({ file: manifestFile, field: 'id', reason: `must equal the folder name "${folder}"` });

  const images = new Map<string, PackageImage>();
  const activities = new Map<string, { hash: string; bytes: Buffer }>();
  const items: LoadedItem[] = [];
  manifest.modules.forEach((mod, m) => {
    mod.items.forEach((name, p) => {
      const rel = `${folder}/${mod.id}/${name}`;
      const bytes = files.read(`${mod.id}/${name}`);
      if (isMissing(bytes)) {
        errors.push({ file: manifestFile, field: `modules[${m}].items[${p}]`, reason: `file ${mod.id}/${name} not found` });
        return;
      }
      const base = { key: `${mod.id}/${name}`, moduleId: mod.id, moduleTitle: mod.title, modulePosition: m, position: p };
      if (name.endsWith('.quiz.yaml')) {
        const data = parseYamlFile(rel, bytes.toString('utf8'), errors);
        if (data === undefined) return;
        const quiz = quizSchema.safeParse(data);
        if (!quiz.success) return void errors.push(...zodErrors(rel, quiz.error));
        const minutes = Math.max(5, quiz.data.questions.length * 2);
        items.push({
          ...base,
          kind: 'quiz',
          title: quiz.data.title,
          required: true,
          minutes,
          lesson: null,
          activity: null,
          quiz: quiz.data,
          contentHash: sha256(JSON.stringify(quiz.data)),
        });
        return;
      }
      const text = bytes.toString('utf8');
      const split = splitFrontMatter(text);
      if (!split) return void errors.push({ file: rel, field: '', reason: 'a lesson starts with front matter between two --- lines (title, minutes, required)' });
      let front: unknown;
      try {
        front = parseYaml(split.yaml);
      } catch (e) {
        return void errors.push({ file: rel, field: 'front matter', reason: `not valid YAML: ${(e as Error).message.split('\n')[0]}` });
      }
      const meta = lessonFrontMatterSchema.safeParse(front);
      if (!meta.success) return void errors.push(...zodErrors(rel, meta.error));
      // The page shows the title as its heading; a first "# Title" line would repeat it.
      const body = split.body.replace(/^\s*#\s+(.+)\n/, (line, heading: string) =>
        heading.trim().toLocaleLowerCase() === meta.data.title.toLocaleLowerCase() ? '' : line,
      );
      const imageHashes: string[] = [];
      for (const src of imageSources(body)) {
        const image = loadImage(files, src);
        if ('reason' in image) errors.push({ file: rel, field: `image ${src}`, reason: image.reason });
        else {
          images.set(src, image);
          imageHashes.push(`${src}=${image.hash}`);
        }
      }
      let activity: ItemActivity | null = null;
      if (meta.data.activity) {
        const { file, passPercent } = meta.data.activity;
        const h5p = files.read(file);
        if (isMissing(h5p)) errors.push({ file: rel, field: 'activity.file', reason: `${file}: ${h5p.missing}` });
        else if (h5p.length > MAX_ACTIVITY_BYTES) errors.push({ file: rel, field: 'activity.file', reason: `${file}: larger than ${MAX_ACTIVITY_BYTES / 1024 / 1024} MB` });
        else {
          activity = { file, packageHash: sha256(h5p), passPercent };
          activities.set(file, { hash: activity.packageHash, bytes: h5p });
        }
      }
      items.push({
        ...base,
        kind: 'lesson',
        title: meta.data.title,
        required: meta.data.required,
        minutes: meta.data.minutes,
        lesson: { markdown: body },
        activity,
        quiz: null,
        contentHash: sha256(
          [meta.data.title, body, ...imageHashes, ...(activity ? [`activity=${activity.packageHash}:${activity.passPercent}`] : [])].join('\n\0'),
        ),
      });
    });
  });
  const counted = items.filter((i) => (i.kind === 'quiz' ? manifest.passRules.quizzes : manifest.passRules.lessons === 'all' || i.required));
  if (items.length > 0 && counted.length === 0 && manifest.passRules.minHours === 0) {
    errors.push({ file: manifestFile, field: 'passRules', reason: 'nothing would be needed to complete this course: require a lesson, a quiz or some hours' });
  }
  if (errors.length) return { ok: false, id: folder, errors };
  const contentHash = sha256(JSON.stringify(manifest) + items.map((i) => `${i.key}:${i.contentHash}:${i.required}:${i.minutes}`).join('|'));
  return { ok: true, course: { manifest, items, images, activities, contentHash } };
}

/** Reads a picture the lesson refers to: inside the package, a real PNG/JPEG/WebP, not too big. */
function loadImage(files: PackageFiles, src: string): PackageImage | { reason: string } {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) {
    return { reason: 'pictures must be files of the course package (a relative path such as images/name.png)' };
  }
  const bytes = files.read(src);
  if (isMissing(bytes)) return { reason: bytes.missing };
  if (bytes.length > MAX_IMAGE_BYTES) return { reason: `larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB` };
  const contentType = sniffImage(bytes);
  if (!contentType) return { reason: 'not a PNG, JPEG or WebP picture (checked from its content)' };
  return { hash: sha256(bytes), contentType, bytes };
}

/** Every package folder in the courses directory (folders starting with . or _ are skipped). */
export function listPackageFolders(coursesDir: string): string[] {
  if (!fs.existsSync(coursesDir)) return [];
  return fs
    .readdirSync(coursesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
}
