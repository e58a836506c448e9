import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * A small, valid course package written to a temporary courses folder, for
 * the loader, sync and learning tests. Build one with `samplePackage()`,
 * break or edit it (it is plain data), then `writePackage()` it.
 *
 *   test-course/
 *     course.yaml
 *     dalas/01-kas-ir-dala.md         lesson, required, shows images/puse.png
 *     dalas/02-dala-no-skaitla.md     lesson, required
 *     dalas/03-parbaude.quiz.yaml     quiz: one question of each of the 5 types
 *     nauda/01-cenas.md               lesson, optional (required: false)
 *     images/puse.png
 */

/** A real 1×1 PNG. */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Paths of the sample package's files. */
export const SAMPLE = {
  lesson1: 'dalas/01-kas-ir-dala.md',
  lesson2: 'dalas/02-dala-no-skaitla.md',
  quiz: 'dalas/03-parbaude.quiz.yaml',
  optionalLesson: 'nauda/01-cenas.md',
  image: 'images/puse.png',
} as const;

/** Loosely typed on purpose: tests break these documents in every way. */
export type Doc = Record<string, any>;

export interface CoursePackage {
  /** course.yaml: an object (written as YAML), raw text (e.g. broken YAML), or null for no file. */
  manifest: Doc | string | null;
  /** Every other file by its path in the folder: text, bytes, or an object written as YAML (quizzes). */
  files: Record<string, string | Buffer | Doc>;
}

/** A lesson file: front matter, then the Markdown body. */
export function lessonFile(front: Doc, body: string): string {
  return `---\n${stringify(front)}---\n${body}`;
}

/** The sample quiz: 6 points, passPercent 60, 2 attempts, keep best. */
export function sampleQuiz(): Doc {
  return {
    title: 'Pārbaude: daļas',
    intro: 'Atbildiet uz jautājumiem.',
    passPercent: 60,
    attempts: 2,
    keep: 'best',
    questions: [
      { type: 'single', prompt: 'Cik ir puse no 10?', options: ['2', '5', '20'], answer: '5', explanation: '10 : 2 = 5' },
      { type: 'multiple', prompt: 'Kuras daļas ir vienādas ar pusi?', options: ['1/2', '2/4', '1/3', '3/6'], answers: ['1/2', '2/4', '3/6'] },
      { type: 'truefalse', prompt: '1/4 ir vairāk nekā 1/2.', answer: false },
      { type: 'short', prompt: 'Kā sauc 1/4?', accept: ['ceturtdaļa', 'viena ceturtdaļa'] },
      { type: 'order', prompt: 'Sakārtojiet no mazākās līdz lielākajai.', items: ['1/8', '1/4', '1/2'], points: 2 },
    ],
  };
}

export function samplePackage(id = 'test-course'): CoursePackage {
  return {
    manifest: {
      id,
      title: { lv: 'Daļskaitļi', en: 'Fractions', ru: 'Дроби' },
      summary: { lv: 'Daļas ikdienā.', en: 'Fractions in everyday life.', ru: 'Дроби в повседневной жизни.' },
      track: 'general-education',
      level: 'basic-7',
      hours: 40,
      language: 'lv',
      passRules: { lessons: 'required', quizzes: true, minHours: 0 },
      modules: [
        { id: 'dalas', title: 'Daļas', items: ['01-kas-ir-dala.md', '02-dala-no-skaitla.md', '03-parbaude.quiz.yaml'] },
        { id: 'nauda', title: 'Nauda', items: ['01-cenas.md'] },
      ],
    },
    files: {
      [SAMPLE.lesson1]: lessonFile(
        { title: 'Kas ir daļa', minutes: 15 },
        '# Kas ir daļa\n\nDaļa ir vesela lieta, sadalīta vienādās daļās.\n\n![Aplis, puse iekrāsota](images/puse.png)\n',
      ),
      [SAMPLE.lesson2]: lessonFile({ title: 'Daļa no skaitļa' }, 'Lai atrastu pusi no 10, dala 10 ar 2.\n'),
      [SAMPLE.quiz]: sampleQuiz(),
      [SAMPLE.optionalLesson]: lessonFile({ title: 'Cenas veikalā', required: false }, 'Atlaide 50 % ir puse no cenas.\n'),
      [SAMPLE.image]: PNG_BYTES,
    },
  };
}

/** The sample's quiz document, to edit in place. */
export function quizOf(pkg: CoursePackage, file: string = SAMPLE.quiz): Doc {
  return pkg.files[file] as Doc;
}

/** The manifest object, to edit in place. */
export function manifestOf(pkg: CoursePackage): Doc {
  if (!pkg.manifest || typeof pkg.manifest === 'string') throw new Error('this package has no manifest object');
  return pkg.manifest;
}

export interface CoursesDir {
  /** The temporary courses folder (what TILTS_COURSES_DIR points at). */
  dir: string;
  cleanup: () => void;
}

export function createCoursesDir(): CoursesDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-courses-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `pkg` into `coursesDir/<folder>` (default: the manifest id), replacing what was there. */
export function writePackage(coursesDir: string, pkg: CoursePackage, folder?: string): string {
  const name = folder ?? (typeof pkg.manifest === 'object' && pkg.manifest ? String(pkg.manifest.id) : 'test-course');
  const root = path.join(coursesDir, name);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const write = (rel: string, content: string | Buffer | Doc) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : stringify(content));
  };
  if (pkg.manifest !== null) write('course.yaml', pkg.manifest);
  for (const [rel, content] of Object.entries(pkg.files)) write(rel, content);
  return name;
}
