import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadCoursePackage, sniffImage, splitFrontMatter, type PackageError } from '../../../src/lib/server/courses/load.ts';
import { formatSyncReport, syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { getCourse, getCourseItems } from '../../../src/lib/server/courses/catalog.ts';
import {
  createCoursesDir,
  lessonFile,
  manifestOf,
  PNG_BYTES,
  quizOf,
  SAMPLE,
  samplePackage,
  writePackage,
  type CoursePackage,
  type CoursesDir,
} from '../../helpers/course-package.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

let courses: CoursesDir;
beforeEach(() => {
  courses = createCoursesDir();
});
afterEach(() => courses.cleanup());

/** Writes and loads the package; returns its errors (fails the test if it was accepted). */
function refusal(pkg: CoursePackage, folder?: string): PackageError[] {
  const name = writePackage(courses.dir, pkg, folder);
  const result = loadCoursePackage(courses.dir, name);
  if (result.ok) throw new Error('the broken package was accepted');
  expect(result.id).toBe(name);
  return result.errors;
}

const LESSON1 = `test-course/${SAMPLE.lesson1}`;
const QUIZ = `test-course/${SAMPLE.quiz}`;
const MANIFEST = 'test-course/course.yaml';

describe('a teacher publishes a good package', () => {
  test('the sample package loads with its modules, items in order, quiz and picture', () => {
    const name = writePackage(courses.dir, samplePackage());
    const result = loadCoursePackage(courses.dir, name);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { course } = result;
    expect(course.manifest).toMatchObject({ id: 'test-course', track: 'general-education', level: 'basic-7', title: { ru: 'Дроби' } });
    expect(course.items.map((i) => [i.key, i.kind, i.required, i.modulePosition, i.position])).toEqual([
      [SAMPLE.lesson1, 'lesson', true, 0, 0],
      [SAMPLE.lesson2, 'lesson', true, 0, 1],
      [SAMPLE.quiz, 'quiz', true, 0, 2],
      [SAMPLE.optionalLesson, 'lesson', false, 1, 0],
    ]);
    expect(course.items[0]!.minutes).toBe(15);
    expect(course.items[1]!.minutes).toBe(20); // the default
    expect(course.items[2]!.quiz?.questions.map((q) => q.type)).toEqual(['single', 'multiple', 'truefalse', 'short', 'order']);
    expect(course.images.get('images/puse.png')).toMatchObject({ contentType: 'image/png', bytes: PNG_BYTES });
    expect(course.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('defaults fill what the manifest leaves out: pass rules, prerequisites, quiz limits', () => {
    const pkg = samplePackage();
    delete manifestOf(pkg).passRules;
    const quiz = quizOf(pkg);
    delete quiz.passPercent, delete quiz.attempts, delete quiz.keep;
    const result = loadCoursePackage(courses.dir, writePackage(courses.dir, pkg));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.course.manifest.passRules).toEqual({ lessons: 'required', quizzes: true, minHours: 0 });
    expect(result.course.manifest.prerequisites).toEqual({ courses: [] });
    expect(result.course.items[2]!.quiz).toMatchObject({ passPercent: 70, attempts: 3, keep: 'best' });
  });

  test('loading the same files twice gives the same content hash; an edit changes it', () => {
    const pkg = samplePackage();
    const load = () => {
      const r = loadCoursePackage(courses.dir, writePackage(courses.dir, pkg));
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.course;
    };
    const first = load();
    expect(load().contentHash).toBe(first.contentHash);
    pkg.files[SAMPLE.lesson2] = lessonFile({ title: 'Daļa no skaitļa' }, 'Lai atrastu trešdaļu no 9, dala 9 ar 3.\n');
    const edited = load();
    expect(edited.contentHash).not.toBe(first.contentHash);
    expect(edited.items[1]!.contentHash).not.toBe(first.items[1]!.contentHash);
    expect(edited.items[0]!.contentHash).toBe(first.items[0]!.contentHash);
  });
});

describe('a broken manifest is refused with the file, the field and the reason', () => {
  test('a folder without course.yaml', () => {
    const pkg = samplePackage();
    pkg.manifest = null;
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: '', reason: expect.stringMatching(/missing/) }]);
  });

  test('a YAML syntax error', () => {
    const pkg = samplePackage();
    pkg.manifest = 'id: test-course\ntitle: [lv: "Daļskaitļi"\n  en: oops\n';
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: '', reason: expect.stringMatching(/^not valid YAML/) }]);
  });

  test('a level that does not belong to the track (state-language with basic-7)', () => {
    const pkg = samplePackage();
    manifestOf(pkg).track = 'state-language';
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: 'level', reason: 'for track state-language use one of: A1, A2, B1, B2, C1' }]);
  });

  test('a missing Russian title', () => {
    const pkg = samplePackage();
    delete manifestOf(pkg).title.ru;
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: 'title.ru', reason: expect.any(String) }]);
  });

  test('an empty English summary', () => {
    const pkg = samplePackage();
    manifestOf(pkg).summary.en = '   ';
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: 'summary.en', reason: 'must not be empty' }]);
  });

  test('an item that is listed but whose file is missing', () => {
    const pkg = samplePackage();
    delete pkg.files[SAMPLE.lesson2];
    expect(refusal(pkg)).toEqual([{ file: MANIFEST, field: 'modules[0].items[1]', reason: 'file dalas/02-dala-no-skaitla.md not found' }]);
  });

  test('an item that is neither a .md lesson nor a .quiz.yaml quiz', () => {
    const pkg = samplePackage();
    manifestOf(pkg).modules[1].items = ['01-cenas.txt'];
    expect(refusal(pkg)).toEqual([
      { file: MANIFEST, field: 'modules[1].items[0]', reason: 'an item is a .md lesson or a .quiz.yaml quiz file name' },
    ]);
  });

  test('a module id used twice', () => {
    const pkg = samplePackage();
    manifestOf(pkg).modules[1].id = 'dalas';
    expect(refusal(pkg)).toContainEqual({ file: MANIFEST, field: 'modules[1].id', reason: 'module id "dalas" is used twice' });
  });

  test('a folder whose name is not the course id', () => {
    const errors = refusal(samplePackage(), 'dalskaitli');
    expect(errors).toEqual([{ file: 'dalskaitli/course.yaml', field: 'id', reason: 'must equal the folder name "dalskaitli"' }]);
  });
});

describe('a broken lesson is refused', () => {
  test('a lesson without front matter', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = '# Daļa no skaitļa\n\nTeksts bez priekšvārda.\n';
    expect(refusal(pkg)).toEqual([{ file: `test-course/${SAMPLE.lesson2}`, field: '', reason: expect.stringMatching(/front matter/) }]);
  });

  test('front matter without a title', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = lessonFile({ minutes: 10 }, 'Teksts.\n');
    expect(refusal(pkg)).toEqual([{ file: `test-course/${SAMPLE.lesson2}`, field: 'title', reason: expect.any(String) }]);
  });

  test('front matter that is not valid YAML', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = '---\ntitle: [Daļa\n---\nTeksts.\n';
    expect(refusal(pkg)).toEqual([{ file: `test-course/${SAMPLE.lesson2}`, field: 'front matter', reason: expect.stringMatching(/^not valid YAML/) }]);
  });
});

describe('a broken quiz is refused', () => {
  test('a single-choice answer that is not among the options', () => {
    const pkg = samplePackage();
    quizOf(pkg).questions[0].answer = '7';
    expect(refusal(pkg)).toEqual([{ file: QUIZ, field: 'questions[0].answer', reason: 'the answer must be one of the options' }]);
  });

  test('a multiple-choice answer that is not among the options', () => {
    const pkg = samplePackage();
    quizOf(pkg).questions[1].answers = ['1/2', '4/8'];
    expect(refusal(pkg)).toEqual([{ file: QUIZ, field: 'questions[1].answers', reason: 'every answer must be one of the options' }]);
  });

  test('a quiz with no questions', () => {
    const pkg = samplePackage();
    quizOf(pkg).questions = [];
    expect(refusal(pkg)).toEqual([{ file: QUIZ, field: 'questions', reason: 'a quiz needs at least one question' }]);
  });

  test('a question of an unknown type', () => {
    const pkg = samplePackage();
    quizOf(pkg).questions[2].type = 'drawing';
    expect(refusal(pkg)).toEqual([{ file: QUIZ, field: 'questions[2].type', reason: expect.any(String) }]);
  });

  test('a quiz file that is not valid YAML', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.quiz] = 'title: Pārbaude\nquestions:\n  - type: single\n   prompt: [\n';
    expect(refusal(pkg)).toEqual([{ file: QUIZ, field: '', reason: expect.stringMatching(/^not valid YAML/) }]);
  });
});

describe('pictures are checked by their content and must stay inside the package', () => {
  const withImage = (src: string) => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson1] = lessonFile({ title: 'Kas ir daļa' }, `Skatiet attēlu.\n\n![Aplis](${src})\n`);
    return pkg;
  };

  test('a picture that is missing', () => {
    const pkg = samplePackage();
    delete pkg.files[SAMPLE.image];
    expect(refusal(pkg)).toEqual([{ file: LESSON1, field: 'image images/puse.png', reason: 'file not found' }]);
  });

  test('a text file renamed .png is not a picture', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.image] = 'this is not a picture\n';
    expect(refusal(pkg)).toEqual([{ file: LESSON1, field: 'image images/puse.png', reason: expect.stringMatching(/not a PNG, JPEG or WebP/) }]);
  });

  test('an SVG is refused even when named .png (it could carry script)', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.image] = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(refusal(pkg)).toEqual([{ file: LESSON1, field: 'image images/puse.png', reason: expect.stringMatching(/not a PNG/) }]);
  });

  test('a path that climbs out of the course folder (../x.png) is refused although the file exists', () => {
    fs.writeFileSync(path.join(courses.dir, 'x.png'), PNG_BYTES);
    expect(refusal(withImage('../x.png'))).toEqual([{ file: LESSON1, field: 'image ../x.png', reason: 'the path leaves the course folder' }]);
    expect(refusal(withImage('images/../../x.png'))).toEqual([
      { file: LESSON1, field: 'image images/../../x.png', reason: 'the path leaves the course folder' },
    ]);
  });

  test.each(['/etc/x.png', 'https://example.com/x.png', 'data:image/png;base64,iVBORw0KGgo='])('an absolute or outside picture %s is refused', (src) => {
    expect(refusal(withImage(src))).toEqual([{ file: LESSON1, field: `image ${src}`, reason: expect.stringMatching(/files of the course package/) }]);
  });

  test('a picture whose name has Latvian letters is found', () => {
    const pkg = withImage('images/ceturtdaļa.png');
    pkg.files['images/ceturtdaļa.png'] = PNG_BYTES;
    const result = loadCoursePackage(courses.dir, writePackage(courses.dir, pkg));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect([...result.course.images.values()].map((i) => i.contentType)).toEqual(['image/png']);
  });

  test('sniffImage tells PNG, JPEG and WebP from their first bytes, and nothing else', () => {
    expect(sniffImage(PNG_BYTES)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffImage(Buffer.from('<svg/>'))).toBeNull();
    expect(sniffImage(PNG_BYTES.subarray(0, 7))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});

describe('front matter', () => {
  test('is split from the body, also with a byte-order mark and Windows line ends', () => {
    expect(splitFrontMatter('---\ntitle: A\n---\nBody\n')).toEqual({ yaml: 'title: A', body: 'Body\n' });
    expect(splitFrontMatter('\uFEFF---\r\ntitle: A\r\n---\r\nBody\r\n')).toEqual({ yaml: 'title: A', body: 'Body\n' });
    expect(splitFrontMatter('---\ntitle: A\n---')).toEqual({ yaml: 'title: A', body: '' });
  });

  test('is absent when the file does not start with --- or never closes it', () => {
    expect(splitFrontMatter('title: A\n---\nBody')).toBeNull();
    expect(splitFrontMatter('---\ntitle: A\nBody')).toBeNull();
  });
});

test('every problem of a package is reported at once, across its files', () => {
  const pkg = samplePackage();
  delete pkg.files[SAMPLE.image];
  quizOf(pkg).questions[0].answer = '7';
  pkg.files[SAMPLE.optionalLesson] = 'no front matter';
  expect(refusal(pkg).map((e) => e.file)).toEqual([LESSON1, QUIZ, `test-course/${SAMPLE.optionalLesson}`]);
});

describe('syncing a courses folder with one broken package', () => {
  let t: TestDb;
  beforeEach(() => {
    t = createTestDb();
  });
  afterEach(() => t.cleanup());

  test('the good packages are still loaded and the refused one is reported with file, field and reason', async () => {
    writePackage(courses.dir, samplePackage('test-course'));
    writePackage(courses.dir, samplePackage('second-course'));
    const broken = samplePackage('broken-course');
    delete manifestOf(broken).title.ru;
    writePackage(courses.dir, broken);

    const report = await syncCourses(t.db, courses.dir, null);

    expect(report.synced.map((s) => [s.courseId, s.status])).toEqual([
      ['second-course', 'created'],
      ['test-course', 'created'],
    ]);
    expect(report.refused).toEqual([{ folder: 'broken-course', errors: [{ file: 'broken-course/course.yaml', field: 'title.ru', reason: expect.any(String) }] }]);
    expect(getCourse(t.db, 'broken-course')).toBeNull();
    expect(getCourseItems(t.db, 'test-course')).toHaveLength(4);
    const printed = formatSyncReport(report);
    expect(printed).toMatch(/REFUSED\s+broken-course:/);
    expect(printed).toContain('broken-course/course.yaml → title.ru:');
  });

  test('folders starting with . or _ are not packages', async () => {
    writePackage(courses.dir, samplePackage('test-course'));
    fs.mkdirSync(path.join(courses.dir, '_drafts'));
    fs.mkdirSync(path.join(courses.dir, '.git'));
    const report = await syncCourses(t.db, courses.dir, null);
    expect(report.refused).toEqual([]);
    expect(report.synced.map((s) => s.courseId)).toEqual(['test-course']);
  });
});

describe('a package that could never be completed, or reaches outside itself, is refused', () => {
  test('a course where nothing is required (optional lessons, practice quizzes, no hours)', () => {
    const pkg = samplePackage();
    manifestOf(pkg).passRules = { lessons: 'required', quizzes: false, minHours: 0 };
    for (const file of [SAMPLE.lesson1, SAMPLE.lesson2]) {
      pkg.files[file] = lessonFile({ title: 'Izvēles nodarbība', required: false }, 'Teksts.\n');
    }
    expect(refusal(pkg)).toContainEqual({ file: MANIFEST, field: 'passRules', reason: expect.stringContaining('nothing would be needed') });
  });

  test('a picture that is a symbolic link to a file outside the package', () => {
    const outside = path.join(courses.dir, 'secret.png');
    fs.writeFileSync(outside, PNG_BYTES);
    const pkg = samplePackage();
    delete pkg.files[SAMPLE.image];
    const root = writePackage(courses.dir, pkg);
    fs.mkdirSync(path.join(courses.dir, root, 'images'), { recursive: true });
    fs.symlinkSync(outside, path.join(courses.dir, root, SAMPLE.image));
    const result = loadCoursePackage(courses.dir, root);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ file: LESSON1, field: expect.stringContaining('image'), reason: 'the path leaves the course folder' });
  });
});
