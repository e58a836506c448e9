import { describe, expect, test } from 'vitest';
import { quizSchema, type Question, type Quiz } from '../../../src/lib/server/courses/package-schema.ts';
import { displayOrder, gradeQuestion, gradeQuiz, looseText, readAnswers, type Answer } from '../../../src/lib/server/learning/grading.ts';
import { sampleQuiz } from '../../helpers/course-package.ts';

/** Quizzes as the loader hands them over: validated, defaults filled in. */
const quiz = (doc: object): Quiz => quizSchema.parse(doc);
const question = (doc: object): Question => quiz({ title: 'T', questions: [doc] }).questions[0]!;

const single = question({ type: 'single', prompt: 'Cik ir puse no 10?', options: ['2', '5', '20'], answer: '5', points: 3 });
const multiple = question({ type: 'multiple', prompt: 'Puse?', options: ['1/2', '2/4', '1/3', '3/6'], answers: ['1/2', '2/4', '3/6'] });
const isFalse = question({ type: 'truefalse', prompt: '1/4 > 1/2', answer: false });
const isTrue = question({ type: 'truefalse', prompt: '1/2 = 2/4', answer: true });
const loose = question({ type: 'short', prompt: 'Kā sauc 1/4?', accept: ['ceturtdaļa', 'viena ceturtdaļa'] });
const exact = question({ type: 'short', prompt: 'Formula?', accept: ['ceturtdaļa'], loose: false });
const order = question({ type: 'order', prompt: 'No mazākās', items: ['1/8', '1/4', '1/2'], points: 2 });

const verdict = (q: Question, a: Answer | undefined) => {
  const r = gradeQuestion(q, a);
  return r.answered ? (r.correct ? 'right' : 'wrong') : 'unanswered';
};

describe('every question type is graded right, wrong or unanswered', () => {
  test('single choice', () => {
    expect(gradeQuestion(single, { type: 'single', option: 1 })).toEqual({ correct: true, points: 3, maxPoints: 3, answered: true });
    expect(gradeQuestion(single, { type: 'single', option: 0 })).toEqual({ correct: false, points: 0, maxPoints: 3, answered: true });
    expect(verdict(single, { type: 'single', option: 99 })).toBe('wrong');
    expect(verdict(single, { type: 'single', option: null })).toBe('unanswered');
    expect(verdict(single, undefined)).toBe('unanswered');
    // An answer of another type (a forged form) is not an answer to this question.
    expect(verdict(single, { type: 'truefalse', value: true })).toBe('unanswered');
  });

  test('multiple choice needs all and only the right options', () => {
    expect(verdict(multiple, { type: 'multiple', options: [0, 1, 3] })).toBe('right');
    expect(verdict(multiple, { type: 'multiple', options: [3, 0, 1] })).toBe('right');
    expect(verdict(multiple, { type: 'multiple', options: [0, 1] })).toBe('wrong');
    expect(verdict(multiple, { type: 'multiple', options: [0, 1, 2, 3] })).toBe('wrong');
    expect(verdict(multiple, { type: 'multiple', options: [2] })).toBe('wrong');
    expect(verdict(multiple, { type: 'multiple', options: [] })).toBe('unanswered');
  });

  test('true / false', () => {
    expect(verdict(isFalse, { type: 'truefalse', value: false })).toBe('right');
    expect(verdict(isFalse, { type: 'truefalse', value: true })).toBe('wrong');
    expect(verdict(isTrue, { type: 'truefalse', value: true })).toBe('right');
    expect(verdict(isTrue, { type: 'truefalse', value: false })).toBe('wrong');
    expect(verdict(isTrue, { type: 'truefalse', value: null })).toBe('unanswered');
  });

  test('ordering needs every item in its place', () => {
    expect(gradeQuestion(order, { type: 'order', positions: [1, 2, 3] })).toEqual({ correct: true, points: 2, maxPoints: 2, answered: true });
    expect(verdict(order, { type: 'order', positions: [2, 1, 3] })).toBe('wrong');
    expect(verdict(order, { type: 'order', positions: [1, 2, null] })).toBe('wrong');
    expect(verdict(order, { type: 'order', positions: [1, 1, 1] })).toBe('wrong');
    expect(verdict(order, { type: 'order', positions: [null, null, null] })).toBe('unanswered');
    expect(verdict(order, { type: 'order', positions: [] })).toBe('unanswered');
  });
});

describe('short answers', () => {
  test.each(['ceturtdaļa', 'Ceturtdaļa', 'CETURTDAĻA', 'ceturtdala', '  viena   ceturtdaļa ', 'ceturtdaļa.', '"Ceturtdaļa!"', 'viena\u00a0ceturtdaļa'])(
    'a loose question accepts %j',
    (text) => expect(verdict(loose, { type: 'short', text })).toBe('right'),
  );

  test.each(['trešdaļa', 'ceturtdaļas', 'ceturt daļa', 'viena'])('a loose question still refuses %j', (text) =>
    expect(verdict(loose, { type: 'short', text })).toBe('wrong'),
  );

  test('an exact question forgives only surrounding spaces and Unicode composition', () => {
    expect(verdict(exact, { type: 'short', text: 'ceturtdaļa' })).toBe('right');
    expect(verdict(exact, { type: 'short', text: '  ceturtdaļa ' })).toBe('right');
    expect(verdict(exact, { type: 'short', text: 'ceturtdal\u0327a' })).toBe('right'); // ļ typed as l + combining cedilla
    expect(verdict(exact, { type: 'short', text: 'Ceturtdaļa' })).toBe('wrong');
    expect(verdict(exact, { type: 'short', text: 'ceturtdala' })).toBe('wrong');
    expect(verdict(exact, { type: 'short', text: 'ceturtdaļa.' })).toBe('wrong');
  });

  test('an empty or blank answer is unanswered', () => {
    expect(verdict(loose, { type: 'short', text: '' })).toBe('unanswered');
    expect(verdict(loose, { type: 'short', text: '   ' })).toBe('unanswered');
  });

  test('looseText drops capitals, diacritics, extra spaces and surrounding punctuation', () => {
    expect(looseText('  Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž  ')).toBe('a c e g i k l n s u z');
    expect(looseText('«Labdien!»')).toBe('labdien');
    expect(looseText('„Rīga”,')).toBe('riga');
    expect(looseText('Привет, мир!')).toBe('привет, мир');
  });
});

describe('a quiz score', () => {
  // Sample quiz: single, multiple, truefalse, short (1 point each), order (2 points); pass mark 60 %.
  const sample = quiz(sampleQuiz());
  const right: Answer[] = [
    { type: 'single', option: 1 },
    { type: 'multiple', options: [0, 1, 3] },
    { type: 'truefalse', value: false },
    { type: 'short', text: 'Ceturtdala' },
    { type: 'order', positions: [1, 2, 3] },
  ];

  test('adds the points of the right answers and gives the percent to one decimal', () => {
    expect(gradeQuiz(sample, right)).toMatchObject({ score: 6, maxScore: 6, percent: 100, passed: true });
    const wrongOrder = right.with(4, { type: 'order', positions: [3, 2, 1] });
    expect(gradeQuiz(sample, wrongOrder)).toMatchObject({ score: 4, maxScore: 6, percent: 66.7, passed: true });
    expect(gradeQuiz(sample, [])).toMatchObject({ score: 0, maxScore: 6, percent: 0, passed: false });
    expect(gradeQuiz(sample, []).questions.every((q) => !q.answered)).toBe(true);
  });

  test('exactly the pass mark passes; one point less fails', () => {
    const fiveQuestions = quiz({
      title: 'T',
      passPercent: 60,
      questions: Array.from({ length: 5 }, (_, i) => ({ type: 'truefalse', prompt: `Q${i}`, answer: true })),
    });
    const answers = (rightCount: number): Answer[] => Array.from({ length: 5 }, (_, i) => ({ type: 'truefalse', value: i < rightCount }));
    expect(gradeQuiz(fiveQuestions, answers(3))).toMatchObject({ percent: 60, passed: true });
    expect(gradeQuiz(fiveQuestions, answers(2))).toMatchObject({ percent: 40, passed: false });
  });

  test('a score just under the pass mark fails even when its percent rounds up to it', () => {
    // 100 + 42 + 58 + 3 = 203 points; the first two right = 142 points = 69.95 %, shown as 70.
    const q = quiz({
      title: 'T',
      passPercent: 70,
      questions: [100, 42, 58, 3].map((points, i) => ({ type: 'truefalse', prompt: `Q${i}`, answer: true, points })),
    });
    const result = gradeQuiz(q, [true, true, false, false].map((value): Answer => ({ type: 'truefalse', value })));
    expect(result).toMatchObject({ score: 142, maxScore: 203, percent: 70, passed: false });
  });
});

describe('the shown order of an ordering question', () => {
  test('is stable for one seed, a permutation, and never the correct order when there is more than one item', () => {
    for (let count = 0; count <= 8; count++) {
      for (let seed = 0; seed < 300; seed++) {
        const shown = displayOrder(count, seed);
        expect(displayOrder(count, seed)).toEqual(shown);
        expect([...shown].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
        if (count > 1) expect(shown).not.toEqual(Array.from({ length: count }, (_, i) => i));
      }
    }
  });

  test('differs between seeds (learners and attempts do not all see the same shuffle)', () => {
    const orders = new Set(Array.from({ length: 50 }, (_, seed) => displayOrder(5, seed).join(',')));
    expect(orders.size).toBeGreaterThan(10);
  });
});

describe('reading the quiz form', () => {
  const sample = quiz(sampleQuiz());
  const form = (entries: Array<[string, string]>) => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  };

  test('reads every question type from its fields', () => {
    const answers = readAnswers(
      sample,
      form([
        ['q0', '1'],
        ['q1', '0'],
        ['q1', '3'],
        ['q2', 'false'],
        ['q3', ' ceturtdaļa '],
        ['q4_0', '1'],
        ['q4_1', '3'],
        ['q4_2', '2'],
      ]),
    );
    expect(answers).toEqual([
      { type: 'single', option: 1 },
      { type: 'multiple', options: [0, 3] },
      { type: 'truefalse', value: false },
      { type: 'short', text: ' ceturtdaļa ' },
      { type: 'order', positions: [1, 3, 2] },
    ]);
  });

  test('a full right form scores full marks', () => {
    const answers = readAnswers(
      sample,
      form([
        ['q0', '1'],
        ['q1', '0'],
        ['q1', '1'],
        ['q1', '3'],
        ['q2', 'false'],
        ['q3', 'ceturtdaļa'],
        ['q4_0', '1'],
        ['q4_1', '2'],
        ['q4_2', '3'],
      ]),
    );
    expect(gradeQuiz(sample, answers)).toMatchObject({ score: 6, passed: true });
  });

  test.each([['3'], ['-1'], ['1.0'], [' 1'], ['1e0'], ['abc'], ['0x1'], ['']])('an out-of-range or malformed option %j counts as unanswered', (v) => {
    expect(readAnswers(sample, form([['q0', v]]))[0]).toEqual({ type: 'single', option: null });
  });

  test('malformed values are ignored in every type, and duplicates count once', () => {
    const answers = readAnswers(
      sample,
      form([
        ['q1', '3'],
        ['q1', '3'],
        ['q1', '9'],
        ['q1', 'x'],
        ['q2', 'yes'],
        ['q4_0', '0'],
        ['q4_1', '4'],
        ['q4_2', '2'],
        ['q9', '1'],
      ]),
    );
    expect(answers).toEqual([
      { type: 'single', option: null },
      { type: 'multiple', options: [3] },
      { type: 'truefalse', value: null },
      { type: 'short', text: '' },
      { type: 'order', positions: [null, null, 2] },
    ]);
  });

  test('a very long typed answer is cut to 500 characters; a file upload is no answer', () => {
    const f = form([['q3', 'a'.repeat(5000)]]);
    expect((readAnswers(sample, f)[3] as { text: string }).text).toHaveLength(500);
    const withFile = new FormData();
    withFile.append('q3', new Blob(['ceturtdaļa']), 'answer.txt');
    expect(readAnswers(sample, withFile)[3]).toEqual({ type: 'short', text: '' });
  });
});
