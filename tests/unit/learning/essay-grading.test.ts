import { describe, expect, test } from 'vitest';
import { quizSchema, type Quiz } from '../../../src/lib/server/courses/package-schema.ts';
import {
  applyReview,
  checkEssayLengths,
  countWords,
  ESSAY_MAX_CHARS,
  gradeQuestion,
  gradeQuiz,
  readAnswers,
  type Answer,
} from '../../../src/lib/server/learning/grading.ts';

/** Essay questions in the pure grading: never graded automatically, word limits, the teacher's points added later. */

const quiz = (questions: object[], passPercent = 60): Quiz => quizSchema.parse({ title: 'T', passPercent, questions });
const essayQuiz = quiz([
  { type: 'truefalse', prompt: '1/2 = 2/4', answer: true, points: 2 },
  { type: 'essay', prompt: 'Aprakstiet savu darba dienu.', guidance: 'Rīts, darbs, vakars.', minWords: 3, maxWords: 10, points: 8 },
]);
const TRUE: Answer = { type: 'truefalse', value: true };
const essay = (text: string): Answer => ({ type: 'essay', text });
const review = (points: number) => ({ '1': { points, comment: 'Labi', gradedBy: 1, gradedAt: '2026-02-01T10:00:00.000Z' } });

describe('the essay question in a quiz file', () => {
  test('defaults: at most 400 words, no minimum, 1 point, no guidance', () => {
    expect(quiz([{ type: 'essay', prompt: 'Kāpēc?' }]).questions[0]).toEqual({ type: 'essay', prompt: 'Kāpēc?', maxWords: 400, points: 1 });
  });

  test('refuses a minimum above the maximum, limits over 2000 words and more than 100 points', () => {
    const issues = (q: object) => quizSchema.safeParse({ title: 'T', questions: [q] }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ type: 'essay', prompt: 'P', minWords: 50, maxWords: 20 })).toEqual(['questions.0.minWords']);
    expect(issues({ type: 'essay', prompt: 'P', maxWords: 2001 })).toEqual(['questions.0.maxWords']);
    expect(issues({ type: 'essay', prompt: 'P', minWords: 0 })).toEqual(['questions.0.minWords']);
    expect(issues({ type: 'essay', prompt: 'P', points: 101 })).toEqual(['questions.0.points']);
    expect(issues({ type: 'essay', prompt: '' })).toEqual(['questions.0.prompt']);
  });
});

describe('an essay answer is never graded automatically', () => {
  test('a written answer waits for the teacher with 0 points; an empty one is simply unanswered', () => {
    const q = essayQuiz.questions[1]!;
    expect(gradeQuestion(q, essay('Es strādāju virtuvē.'))).toEqual({ correct: false, points: 0, maxPoints: 8, answered: true, pending: true });
    expect(gradeQuestion(q, essay(' – \n '))).toEqual({ correct: false, points: 0, maxPoints: 8, answered: false });
    expect(gradeQuestion(q, undefined)).toEqual({ correct: false, points: 0, maxPoints: 8, answered: false });
    // A forged answer of another type is no answer to an essay.
    expect(gradeQuestion(q, { type: 'short', text: 'Es strādāju' })).toMatchObject({ answered: false, points: 0 });
  });

  test('a quiz with a waiting essay has the automatic points only and has not passed, whatever they are', () => {
    const result = gradeQuiz(quiz([{ type: 'truefalse', prompt: 'P', answer: true, points: 9 }, { type: 'essay', prompt: 'E', points: 1 }], 50), [TRUE, essay('Mans teksts.')]);
    expect(result).toMatchObject({ score: 9, maxScore: 10, percent: 90, passed: false, pending: true });
  });

  test("the teacher's points complete the score, and passing is judged on the whole", () => {
    const waiting = gradeQuiz(essayQuiz, [TRUE, essay('Rīts, darbs, vakars.')]);
    expect(applyReview(essayQuiz, waiting, review(4))).toMatchObject({ score: 6, maxScore: 10, percent: 60, passed: true, pending: false });
    expect(applyReview(essayQuiz, waiting, review(3))).toMatchObject({ score: 5, percent: 50, passed: false, pending: false });
    const full = applyReview(essayQuiz, waiting, review(8));
    expect(full.questions[1]).toEqual({ correct: true, points: 8, maxPoints: 8, answered: true });
    // Without a grade for it, the essay still waits.
    expect(applyReview(essayQuiz, waiting, {})).toMatchObject({ score: 2, passed: false, pending: true });
  });

  test('a grade cannot change an automatically graded question', () => {
    const graded = gradeQuiz(essayQuiz, [TRUE, essay('x y z')]);
    const forged = { '0': { points: 0, comment: '', gradedBy: 1, gradedAt: '2026-02-01T10:00:00.000Z' } };
    expect(applyReview(essayQuiz, graded, forged).questions[0]).toEqual({ correct: true, points: 2, maxPoints: 2, answered: true });
  });
});

describe('word limits', () => {
  test('words are runs of text with a letter or digit, across lines and punctuation', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  Labdien,   darba devēj!\nEs esmu Jānis — pavāra palīgs. 2026 ')).toBe(9);
    expect(countWords('Привет, мир')).toBe(2);
    expect(countWords('- – ... !!')).toBe(0);
  });

  test('an answer under the minimum or over the maximum is reported for its question, with the limit and the count', () => {
    expect(checkEssayLengths(essayQuiz, [TRUE, essay('Divi vārdi')])).toEqual([{ question: 1, code: 'essay.tooShort', limit: 3, words: 2 }]);
    expect(checkEssayLengths(essayQuiz, [TRUE, essay('a b c d e f g h i j k')])).toEqual([{ question: 1, code: 'essay.tooLong', limit: 10, words: 11 }]);
    expect(checkEssayLengths(essayQuiz, [TRUE, essay('a b c')])).toEqual([]);
    expect(checkEssayLengths(essayQuiz, [TRUE, essay('a b c d e f g h i j')])).toEqual([]);
    // No answer at all breaks a minimum too.
    expect(checkEssayLengths(essayQuiz, [TRUE])).toEqual([{ question: 1, code: 'essay.tooShort', limit: 3, words: 0 }]);
    // Without a minimum, an essay may be left empty.
    expect(checkEssayLengths(quiz([{ type: 'essay', prompt: 'P' }]), [essay('')])).toEqual([]);
  });
});

describe('reading an essay from the quiz form', () => {
  const form = (v: string) => {
    const f = new FormData();
    f.append('q1', v);
    return f;
  };

  test('keeps the learner’s line breaks (as \\n) and trims the ends', () => {
    expect(readAnswers(essayQuiz, form('  Rīts.\r\nDarbs.\r\n\r\nVakars.  '))[1]).toEqual({ type: 'essay', text: 'Rīts.\nDarbs.\n\nVakars.' });
    expect(readAnswers(essayQuiz, new FormData())[1]).toEqual({ type: 'essay', text: '' });
  });

  test('cuts a huge text, which still breaks the maximum', () => {
    const text = readAnswers(essayQuiz, form('vārds '.repeat(20_000)))[1] as { text: string };
    expect(text.text.length).toBeLessThanOrEqual(ESSAY_MAX_CHARS);
    expect(checkEssayLengths(essayQuiz, [TRUE, { type: 'essay', text: text.text }])[0]).toMatchObject({ code: 'essay.tooLong' });
  });
});
