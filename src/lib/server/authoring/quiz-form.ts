import { quizSchema, type Question, type QuestionType, type Quiz } from '../courses/package-schema.ts';
import type { MessageKey } from '../../i18n/index.ts';

/**
 * The quiz builder's form ↔ a quiz. Field names: `title`, `intro`,
 * `passPercent`, `attempts`, `keep`, and per question i: `q<i>_type`,
 * `q<i>_prompt`, `q<i>_options` / `q<i>_answers` / `q<i>_accept` /
 * `q<i>_items` (one per line), `q<i>_truth`, `q<i>_loose`, `q<i>_explanation`,
 * `q<i>_guidance`, `q<i>_minWords`, `q<i>_maxWords` (essays), `q<i>_points`,
 * `q<i>_remove`; the pressed button is `intent` (save | add, with
 * `newType`). Validation is the package's own quizSchema,
 * so the builder cannot save what a package file could not hold.
 */

export const QUESTION_TYPES: QuestionType[] = ['single', 'multiple', 'truefalse', 'short', 'order', 'essay'];

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** What the form says, before validation (unknown fields are dropped). */
export function quizFromForm(form: FormData): unknown {
  const str = (name: string) => String(form.get(name) ?? '').trim();
  const questions: unknown[] = [];
  for (let i = 0; form.has(`q${i}_type`); i++) {
    if (form.get(`q${i}_remove`) === '1') continue;
    const type = str(`q${i}_type`);
    const base = {
      type,
      prompt: str(`q${i}_prompt`),
      ...(str(`q${i}_explanation`) ? { explanation: str(`q${i}_explanation`) } : {}),
      points: Number(str(`q${i}_points`) || 1),
    };
    if (type === 'single') questions.push({ ...base, options: lines(form.get(`q${i}_options`)), answer: lines(form.get(`q${i}_answers`))[0] ?? '' });
    else if (type === 'multiple') questions.push({ ...base, options: lines(form.get(`q${i}_options`)), answers: lines(form.get(`q${i}_answers`)) });
    else if (type === 'truefalse') questions.push({ ...base, answer: str(`q${i}_truth`) !== 'false' });
    else if (type === 'short') questions.push({ ...base, accept: lines(form.get(`q${i}_accept`)), loose: form.get(`q${i}_loose`) === '1' });
    else if (type === 'order') questions.push({ ...base, items: lines(form.get(`q${i}_items`)) });
    else if (type === 'essay') {
      // An empty word field means "no minimum" / "the default maximum".
      const words = (name: string) => (str(`q${i}_${name}`) ? { [name]: Number(str(`q${i}_${name}`)) } : {});
      questions.push({
        type,
        prompt: base.prompt,
        ...(str(`q${i}_guidance`) ? { guidance: str(`q${i}_guidance`) } : {}),
        ...words('minWords'),
        ...words('maxWords'),
        points: base.points,
      });
    }
    else questions.push(base);
  }
  const added = form.get('intent') === 'add' ? str('newType') : '';
  if (QUESTION_TYPES.includes(added as QuestionType)) questions.push(starterQuestion(added as QuestionType));
  return {
    title: str('title'),
    ...(str('intro') ? { intro: str('intro') } : {}),
    passPercent: Number(str('passPercent')),
    attempts: Number(str('attempts')),
    keep: str('keep'),
    questions,
  };
}

/** A new question of a type, to be filled in (not valid until it is). */
export function starterQuestion(type: QuestionType): unknown {
  const prompt = '';
  switch (type) {
    case 'single':
      return { type, prompt, options: [], answer: '', points: 1 };
    case 'multiple':
      return { type, prompt, options: [], answers: [], points: 1 };
    case 'truefalse':
      return { type, prompt, answer: true, points: 1 };
    case 'short':
      return { type, prompt, accept: [], loose: true, points: 1 };
    case 'order':
      return { type, prompt, items: [], points: 1 };
    case 'essay':
      return { type, prompt, maxWords: 400, points: 1 };
  }
}

/** Builder field name and message for each problem, in the teacher's words. */
export type QuizFieldErrors = Record<string, MessageKey>;

function fieldFor(path: readonly PropertyKey[]): string {
  if (path[0] !== 'questions' || typeof path[1] !== 'number') return String(path[0] ?? '_form');
  const i = path[1];
  const key = String(path[2] ?? 'prompt');
  const field = key === 'answer' ? 'answers' : key;
  return `q${i}_${field}`;
}

function messageFor(path: readonly PropertyKey[], message: string): MessageKey {
  const key = String(path.at(-1) ?? path[2] ?? '');
  if (/must be one of the options/.test(message)) return 'authoring.q.answerNotOption';
  if (key === 'options') return 'authoring.q.options';
  if (key === 'answers' || key === 'answer') return 'authoring.q.answers';
  if (key === 'accept') return 'authoring.q.accept';
  if (key === 'items') return 'authoring.q.items';
  if (key === 'minWords' && /more than maxWords/.test(message)) return 'essay.minOverMax';
  if (key === 'minWords' || key === 'maxWords') return 'essay.wordsRange';
  if (key === 'points') return 'authoring.q.points';
  if (key === 'passPercent') return 'authoring.q.passPercent';
  if (key === 'attempts') return 'authoring.q.attempts';
  if (key === 'questions') return 'authoring.q.none';
  if (/must not be empty|too small/i.test(message)) return 'validation.required';
  return 'validation.invalid';
}

export type QuizFormResult = { ok: true; quiz: Quiz } | { ok: false; errors: QuizFieldErrors; draft: unknown };

export function parseQuizForm(form: FormData): QuizFormResult {
  const draft = quizFromForm(form);
  // "Add a question" only shows the new empty question; nothing is checked or saved yet.
  if (form.get('intent') === 'add') return { ok: false, errors: {}, draft };
  const parsed = quizSchema.safeParse(draft);
  if (parsed.success) return { ok: true, quiz: parsed.data };
  const errors: QuizFieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = fieldFor(issue.path);
    errors[field] ??= messageFor(issue.path, issue.message);
  }
  return { ok: false, errors, draft };
}

/** A question as the form shows it (lines joined for textareas). */
export function questionFields(q: { type: string }): Record<string, string> {
  const join = (v: unknown) => (Array.isArray(v) ? v.join('\n') : '');
  const any = q as Record<string, unknown> & Partial<Question>;
  return {
    type: q.type,
    prompt: String(any.prompt ?? ''),
    options: join(any.options),
    answers: q.type === 'single' ? String(any.answer ?? '') : join(any.answers),
    truth: any.answer === false ? 'false' : 'true',
    accept: join(any.accept),
    loose: any.loose === false ? '' : '1',
    items: join(any.items),
    explanation: String(any.explanation ?? ''),
    guidance: String(any.guidance ?? ''),
    minWords: any.minWords === undefined ? '' : String(any.minWords),
    maxWords: any.maxWords === undefined ? '' : String(any.maxWords),
    points: String(any.points ?? 1),
  };
}
