import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { createCourse, lessonSource, type NewCourse } from '../../../src/lib/server/authoring/courses.ts';
import { getDraft, type DraftFile, type DraftFiles } from '../../../src/lib/server/authoring/draft.ts';
import { addItem, readQuiz, saveLesson, saveQuiz } from '../../../src/lib/server/authoring/edit.ts';
import { publishDraft } from '../../../src/lib/server/authoring/publish.ts';
import { courseChanges, publicationHistory, publishPreview, summarize, type DescribeActivity } from '../../../src/lib/server/authoring/changes.ts';
import { counted, describeActivity, describeChange, describeSummary, summarySentence } from '../../../src/lib/server/authoring/change-words.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';

/**
 * The publish summary and the history in plain words: what a teacher reads
 * instead of file names and YAML diffs.
 */

const HASH = (c: string) => c.repeat(64);
/** Two H5P packages the teacher knows by title and kind. */
const describe5p: DescribeActivity = (hash) =>
  hash === HASH('a') ? { title: 'Kas ir budžets?', library: 'H5P.MultiChoice' } : hash === HASH('b') ? { title: 'Ienākumi un izdevumi', library: 'H5P.DragText' } : null;

const manifest = (items: string[], extra: Record<string, unknown> = {}) => ({
  text: stringify({
    id: 'nauda',
    title: { lv: 'Nauda', en: 'Money', ru: 'Деньги' },
    summary: { lv: 'x', en: 'x', ru: 'x' },
    track: 'life-skills',
    level: 'general',
    hours: 8,
    language: 'lv',
    modules: [{ id: 'm1', title: 'Pamati', items }],
    ...extra,
  }),
});
const lesson = (title: string, body: string, activity?: string) => ({
  text: lessonSource({ title, minutes: 20, required: true, ...(activity ? { activity: { file: activity, passPercent: 70 } } : {}) }, body),
});
const question = (prompt: string) => ({ type: 'truefalse', prompt, answer: true, points: 1 });
const quiz = (title: string, prompts: string[]) => ({ text: stringify({ title, passPercent: 70, attempts: 3, keep: 'best', questions: prompts.map(question) }) });

function before(): DraftFiles {
  return new Map<string, DraftFile>([
    ['course.yaml', manifest(['01-budzets.md', '02-ienakumi.md', '03-izdevumi.md', '04-nauda.quiz.yaml'])],
    ['m1/01-budzets.md', lesson('Budžets', 'Budžets ir plāns.\n', 'activities/budzets.h5p')],
    ['m1/02-ienakumi.md', lesson('Ienākumi', 'Alga.\n')],
    ['m1/03-izdevumi.md', lesson('Izdevumi', 'Īre.\n')],
    ['m1/04-nauda.quiz.yaml', quiz('Nauda', ['Vai budžets ir plāns?'])],
    ['activities/budzets.h5p', { h5p: HASH('a') }],
  ]);
}

describe('the publish summary: the draft against the last publication', () => {
  test('"3 lessons changed, 1 test added, 1 H5P activity replaced", and each change in words', () => {
    const after = before();
    after.set('course.yaml', manifest(['01-budzets.md', '02-ienakumi.md', '03-izdevumi.md', '04-nauda.quiz.yaml', '05-parbaude.quiz.yaml']));
    after.set('m1/01-budzets.md', lesson('Budžets', 'Budžets ir naudas plāns mēnesim.\n', 'activities/budzets.h5p'));
    after.set('activities/budzets.h5p', { h5p: HASH('b') });
    after.set('m1/02-ienakumi.md', lesson('Mani ienākumi', 'Alga.\n'));
    after.set('m1/03-izdevumi.md', lesson('Izdevumi', 'Īre un ēdiens.\n'));
    after.set('m1/04-nauda.quiz.yaml', quiz('Nauda', ['Vai budžets ir plāns?', 'Vai alga ir ienākums?', 'Vai īre ir izdevums?']));
    after.set('m1/05-parbaude.quiz.yaml', quiz('Pārbaude', ['Vai?']));

    const changes = courseChanges(before(), after, describe5p);
    const summary = summarize(changes);
    expect(summary.lessons).toEqual({ added: 0, changed: 3, removed: 0 });
    expect(summary.quizzes).toEqual({ added: 1, changed: 1, removed: 0 });
    expect(summary.activities).toEqual({ added: 0, replaced: 1, removed: 0 });
    expect(summary.settings).toBe(false);
    expect(summary.structure).toBe(false);
    expect(describeSummary('en', summary)).toEqual(['3 lessons changed', '1 test added', '1 test changed', '1 H5P activity replaced']);
    expect(describeSummary('lv', summary)).toEqual(['3 nodarbības mainītas', '1 tests pievienots', '1 tests mainīts', '1 H5P uzdevums aizstāts']);
    expect(describeSummary('ru', summary)).toEqual(['изменено 3 урока', 'добавлен 1 тест', 'изменён 1 тест', 'заменено 1 задание H5P']);
    expect(summarySentence('ru', summary)).toBe('Изменено 3 урока, добавлен 1 тест, изменён 1 тест, заменено 1 задание H5P');
    expect(summarySentence('en', summary)).toBe('3 lessons changed, 1 test added, 1 test changed, 1 H5P activity replaced');

    expect(changes.map((c) => describeChange('en', c))).toEqual([
      "Lesson 'Budžets' text changed",
      "Lesson 'Budžets': the H5P activity replaced with H5P activity: Drag the words — 'Ienākumi un izdevumi'",
      "Lesson 'Ienākumi' renamed to 'Mani ienākumi'",
      "Lesson 'Izdevumi' text changed",
      "Test 'Nauda': 2 questions added",
      "Test 'Pārbaude' added",
    ]);
  });

  test('nothing changed: nothing to say; removing, reordering and settings are named', () => {
    expect(courseChanges(before(), before(), describe5p)).toEqual([]);
    expect(describeSummary('lv', summarize([]))).toEqual([]);

    const after = before();
    after.set('course.yaml', manifest(['04-nauda.quiz.yaml', '01-budzets.md', '02-ienakumi.md'], { level: 'general', hours: 12 }));
    after.delete('m1/03-izdevumi.md');
    const changes = courseChanges(before(), after, describe5p);
    expect(changes.map((c) => describeChange('lv', c))).toEqual([
      'Mainīti kursa iestatījumi (nosaukums, apraksts, līmenis, stundas vai pabeigšanas noteikumi)',
      'Mainīta nodarbību un testu secība',
      'Izņemta nodarbība „Izdevumi”',
    ]);
    expect(describeSummary('en', summarize(changes))).toEqual(['1 lesson removed', expect.stringMatching(/^Course settings changed/), 'Modules or the order of lessons changed']);
  });

  test('an H5P activity is named by its kind and title, never "[picture]"; an unknown package is still "H5P activity"', () => {
    const after = before();
    after.set('m1/02-ienakumi.md', lesson('Ienākumi', 'Alga.\n', 'activities/ienakumi.h5p'));
    after.set('activities/ienakumi.h5p', { h5p: HASH('c') });
    after.set('m1/01-budzets.md', lesson('Budžets', 'Budžets ir plāns.\n'));
    const words = courseChanges(before(), after, describe5p).map((c) => describeChange('lv', c));
    expect(words).toEqual(['No nodarbības „Budžets” izņemts H5P uzdevums: Atbilžu izvēle — „Kas ir budžets?”', 'Nodarbībai „Ienākumi” pievienots H5P uzdevums']);
    expect(describeActivity('en', { title: 'Kas ir budžets?', library: 'H5P.MultiChoice' })).toBe("H5P activity: Multiple choice — 'Kas ir budžets?'");
    expect(describeActivity('ru', { title: 'Kas ir budžets?', library: 'H5P.Crossword' })).toBe('Задание H5P: Crossword — «Kas ir budžets?»');
    expect(words.join(' ')).not.toContain('[picture]');
  });

  test('numbers agree with their nouns in Latvian and Russian', () => {
    const forms = (locale: 'lv' | 'ru' | 'en', n: number) => counted(locale, 'authoring.sum.lessonsChanged', { count: n });
    expect([1, 2, 5, 11, 21].map((n) => forms('lv', n))).toEqual(['1 nodarbība mainīta', '2 nodarbības mainītas', '5 nodarbības mainītas', '11 nodarbības mainītas', '21 nodarbība mainīta']);
    expect([1, 2, 5, 11, 21].map((n) => forms('ru', n))).toEqual(['изменён 1 урок', 'изменено 2 урока', 'изменено 5 уроков', 'изменено 11 уроков', 'изменён 21 урок']);
    expect([1, 2].map((n) => forms('en', n))).toEqual(['1 lesson changed', '2 lessons changed']);
  });
});

describe('a course in the database: the confirm step and the history', () => {
  let p: Prison & { cleanup: () => void; file: string };
  beforeEach(async () => {
    p = await createPrison();
  });
  afterEach(() => p.cleanup());

  const NEW: NewCourse = {
    id: 'budzets',
    title: { lv: 'Budžets', en: 'Budget', ru: 'Бюджет' },
    summary: { lv: 'x', en: 'x', ru: 'x' },
    track: 'life-skills',
    level: 'general',
    hours: 8,
    language: 'lv',
  };

  test('before the first publication everything is new; after it, only what the teacher changed; the history tells each publication in words', () => {
    const teacher = p.teacher.user;
    expect(createCourse(p.db, teacher, NEW).ok).toBe(true);
    const first = publishPreview(p.db, teacher, 'budzets')!;
    expect(first.last).toBeNull();
    expect(describeSummary('en', first.summary)).toEqual(['1 lesson added']);
    expect(publishDraft(p.db, teacher, 'budzets', new Date('2026-12-01T10:00:00Z')).ok).toBe(true);
    expect(publishPreview(p.db, teacher, 'budzets')!.changes).toEqual([]);

    expect(saveLesson(p.db, teacher, 'budzets', 'modulis-1/01-ievads.md', { title: 'Ievads', minutes: 20, required: true, body: 'Jauns teksts.\n' }).ok).toBe(true);
    expect(addItem(p.db, teacher, 'budzets', 'modulis-1', 'quiz', 'Nauda').ok).toBe(true);
    const path = 'modulis-1/02-nauda.quiz.yaml';
    const starter = readQuiz(getDraft(p.db, 'budzets')!.files, path)!;
    expect(saveQuiz(p.db, teacher, 'budzets', path, { ...starter, questions: [...starter.questions, { type: 'truefalse', prompt: 'Vai?', answer: false, points: 1 }] } as typeof starter).ok).toBe(true);
    const pending = publishPreview(p.db, teacher, 'budzets')!;
    expect(describeSummary('en', pending.summary)).toEqual(['1 lesson changed', '1 test added']);
    expect(publishDraft(p.db, teacher, 'budzets', new Date('2026-12-02T10:00:00Z')).ok).toBe(true);

    const history = publicationHistory(p.db, teacher, 'budzets')!;
    expect(history).toHaveLength(2);
    expect(history[0]!.publication.publishedByName).toBe(teacher.displayName);
    expect(history[0]!.changes.map((c) => describeChange('en', c))).toEqual(["Lesson 'Ievads' text changed", "Test 'Nauda' added"]);
    expect(history[1]!.changes.map((c) => describeChange('en', c))).toEqual(["Lesson 'Ievads' added"]);
  });

  test('another teacher sees neither the summary nor the history of a course that is not theirs', () => {
    expect(createCourse(p.db, p.teacher.user, NEW).ok).toBe(true);
    const other = { ...p.teacher.user, id: p.educationStaff.user.id, role: 'teacher' as const };
    expect(publishPreview(p.db, other, 'budzets')).toBeNull();
    expect(publicationHistory(p.db, other, 'budzets')).toBeNull();
  });
});
