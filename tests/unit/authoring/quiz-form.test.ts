import { describe, expect, test } from 'vitest';
import { parseQuizForm } from '../../../src/lib/server/authoring/quiz-form.ts';

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
