import { describe, expect, test } from 'vitest';
import { parseQuizForm, questionFields } from '../../../src/lib/server/authoring/quiz-form.ts';

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

const QUIZ = { title: 'Pārbaude', passPercent: '70', attempts: '3', keep: 'best', q0_type: 'truefalse', q0_prompt: 'Cimdi aizsargā rokas.', q0_truth: 'true', q0_points: '1' };

describe('the quiz builder form', () => {
  test('Save stores the quiz even when a type is chosen for a new question', () => {
    const result = parseQuizForm(form({ ...QUIZ, newType: 'single', intent: 'save' }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.quiz.questions).toHaveLength(1);
  });

  test('Add a question shows a new empty question of that type and saves nothing', () => {
    const result = parseQuizForm(form({ ...QUIZ, newType: 'order', intent: 'add' }));
    expect(result).toMatchObject({ ok: false, errors: {} });
    if (!result.ok) expect((result.draft as { questions: Array<{ type: string }> }).questions.map((q) => q.type)).toEqual(['truefalse', 'order']);
  });

  test('a single-choice answer that is not an option is reported on that question’s answer field', () => {
    const result = parseQuizForm(
      form({ ...QUIZ, q1_type: 'single', q1_prompt: 'Ko valkā?', q1_options: 'Cimdus\nNeko', q1_answers: 'Zābakus', q1_points: '1', intent: 'save' }),
    );
    expect(result).toMatchObject({ ok: false, errors: { q1_answers: 'authoring.q.answerNotOption' } });
  });

  test('a removed question is left out, and a quiz without questions is refused', () => {
    const result = parseQuizForm(form({ ...QUIZ, q0_remove: '1', intent: 'save' }));
    expect(result).toMatchObject({ ok: false, errors: { questions: 'authoring.q.none' } });
  });
});

describe('an essay question in the quiz builder', () => {
  const ESSAY = { ...QUIZ, q1_type: 'essay', q1_prompt: 'Uzrakstiet par sevi.', q1_guidance: 'Vārds, prasmes, mērķis.', q1_minWords: '20', q1_maxWords: '150', q1_points: '3', intent: 'save' };

  test('is offered as a type and added empty with the default word limit', () => {
    const result = parseQuizForm(form({ ...QUIZ, newType: 'essay', intent: 'add' }));
    expect(result).toMatchObject({ ok: false, errors: {} });
    if (!result.ok) expect((result.draft as { questions: unknown[] }).questions[1]).toEqual({ type: 'essay', prompt: '', maxWords: 400, points: 1 });
  });

  test('saves prompt, guidance, word limits and points', () => {
    const result = parseQuizForm(form(ESSAY));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.quiz.questions[1]).toEqual({ type: 'essay', prompt: 'Uzrakstiet par sevi.', guidance: 'Vārds, prasmes, mērķis.', minWords: 20, maxWords: 150, points: 3 });
  });

  test('empty word fields mean no minimum and the default maximum', () => {
    const result = parseQuizForm(form({ ...ESSAY, q1_minWords: '', q1_maxWords: '', q1_guidance: '' }));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.quiz.questions[1]).toEqual({ type: 'essay', prompt: 'Uzrakstiet par sevi.', maxWords: 400, points: 3 });
  });

  test('wrong word limits are reported on their own fields', () => {
    expect(parseQuizForm(form({ ...ESSAY, q1_minWords: '200' }))).toMatchObject({ ok: false, errors: { q1_minWords: 'essay.minOverMax' } });
    expect(parseQuizForm(form({ ...ESSAY, q1_maxWords: 'daudz' }))).toMatchObject({ ok: false, errors: { q1_maxWords: 'essay.wordsRange' } });
    expect(parseQuizForm(form({ ...ESSAY, q1_maxWords: '5000' }))).toMatchObject({ ok: false, errors: { q1_maxWords: 'essay.wordsRange' } });
    expect(parseQuizForm(form({ ...ESSAY, q1_points: '0' }))).toMatchObject({ ok: false, errors: { q1_points: 'authoring.q.points' } });
    expect(parseQuizForm(form({ ...ESSAY, q1_prompt: '' }))).toMatchObject({ ok: false, errors: { q1_prompt: 'validation.required' } });
  });

  test('an essay shows its fields again in the builder', () => {
    expect(questionFields({ type: 'essay', prompt: 'P', guidance: 'G', minWords: 5, maxWords: 50, points: 2 } as { type: string })).toMatchObject({
      guidance: 'G',
      minWords: '5',
      maxWords: '50',
      points: '2',
    });
  });
});
