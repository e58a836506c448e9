import type { Question, Quiz } from '../courses/package-schema.ts';

/**
 * Grading of native quizzes. Pure functions: the server grades what the
 * learner submitted against the stored quiz version; the browser is never
 * trusted with the answers. Essay answers are never graded here: they wait
 * for a teacher (see essays.ts), whose points `applyReview` adds later.
 */

/** What a learner answered to one question, as read from the form. */
export type Answer =
  | { type: 'single'; option: number | null }
  | { type: 'multiple'; options: number[] }
  | { type: 'truefalse'; value: boolean | null }
  | { type: 'short'; text: string }
  /** Position (1-based) the learner gave each item, indexed by the item's place in the correct order. */
  | { type: 'order'; positions: Array<number | null> }
  /** A long written answer, graded by a teacher. */
  | { type: 'essay'; text: string };

export interface QuestionResult {
  correct: boolean;
  points: number;
  maxPoints: number;
  answered: boolean;
  /** An essay answer waiting for the teacher: 0 points until graded. */
  pending?: true;
}

export interface QuizResult {
  /** Points so far: while `pending`, only the automatically graded part. */
  score: number;
  maxScore: number;
  /** 0–100, rounded to one decimal. */
  percent: number;
  /** Never true while `pending`. */
  passed: boolean;
  /** Some essay answer still waits for the teacher (absent in results stored before essays existed). */
  pending?: boolean;
  questions: QuestionResult[];
}

/** The teacher's grade of one essay answer, as stored in quiz_attempt.review_json. */
export interface EssayReview {
  points: number;
  /** May be empty. */
  comment: string;
  /** User id of the teacher. */
  gradedBy: number;
  gradedAt: string;
}

/** The teacher's grades of an attempt, by question index ("0", "1", …). */
export type AttemptReview = Record<string, EssayReview>;

/** Lowercase, no diacritics (ā → a, š → s), single spaces, no surrounding punctuation. */
export function looseText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('lv')
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/^[\s.,!?;:"'«»„“”()-]+|[\s.,!?;:"'«»„“”()-]+$/g, '')
    .trim();
}

/** Exact comparison still forgives surrounding spaces and Unicode composition. */
function exactText(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}

export function gradeQuestion(question: Question, answer: Answer | undefined): QuestionResult {
  const maxPoints = question.points;
  const result = (correct: boolean, answered: boolean): QuestionResult => ({ correct, points: correct ? maxPoints : 0, maxPoints, answered });
  if (!answer || answer.type !== question.type) return result(false, false);
  switch (question.type) {
    case 'single': {
      const a = answer as Extract<Answer, { type: 'single' }>;
      if (a.option === null) return result(false, false);
      return result(question.options[a.option] === question.answer, true);
    }
    case 'multiple': {
      const a = answer as Extract<Answer, { type: 'multiple' }>;
      if (a.options.length === 0) return result(false, false);
      const chosen = new Set(a.options.map((i) => question.options[i]));
      const wanted = new Set(question.answers);
      return result(chosen.size === wanted.size && [...wanted].every((w) => chosen.has(w)), true);
    }
    case 'truefalse': {
      const a = answer as Extract<Answer, { type: 'truefalse' }>;
      if (a.value === null) return result(false, false);
      return result(a.value === question.answer, true);
    }
    case 'short': {
      const a = answer as Extract<Answer, { type: 'short' }>;
      if (!a.text.trim()) return result(false, false);
      const norm = question.loose ? looseText : exactText;
      return result(question.accept.some((variant) => norm(variant) === norm(a.text)), true);
    }
    case 'order': {
      const a = answer as Extract<Answer, { type: 'order' }>;
      if (a.positions.every((p) => p === null)) return result(false, false);
      return result(question.items.every((_, i) => a.positions[i] === i + 1), true);
    }
    case 'essay': {
      const a = answer as Extract<Answer, { type: 'essay' }>;
      // Nothing written: nothing for a teacher to read, so it is simply unanswered.
      if (countWords(a.text) === 0) return result(false, false);
      return { correct: false, points: 0, maxPoints, answered: true, pending: true };
    }
  }
}

function summarize(passPercent: number, questions: QuestionResult[]): QuizResult {
  const score = questions.reduce((s, q) => s + q.points, 0);
  const maxScore = questions.reduce((s, q) => s + q.maxPoints, 0);
  const percent = maxScore === 0 ? 0 : Math.round((score / maxScore) * 1000) / 10;
  const pending = questions.some((q) => q.pending);
  // Passing is judged on the exact score, not the rounded percent: 142 of 203
  // points (69.95 %, shown as 70) is below a 70 % pass mark. An attempt that
  // waits for the teacher has not passed (yet).
  const passed = !pending && maxScore > 0 && score * 100 >= passPercent * maxScore;
  return { score, maxScore, percent, passed, pending, questions };
}

export function gradeQuiz(quiz: Quiz, answers: ReadonlyArray<Answer | undefined>): QuizResult {
  return summarize(quiz.passPercent, quiz.questions.map((q, i) => gradeQuestion(q, answers[i])));
}

/**
 * The result once the teacher's grades are in: each reviewed essay gets the
 * teacher's points (full points count as correct), and score, percent,
 * passed and pending are recomputed. Unreviewed essays stay pending.
 */
export function applyReview(quiz: Pick<Quiz, 'passPercent'>, result: QuizResult, review: AttemptReview): QuizResult {
  const questions = result.questions.map((q, i): QuestionResult => {
    const grade = review[String(i)];
    if (!q.pending || !grade) return q;
    return { correct: grade.points === q.maxPoints, points: grade.points, maxPoints: q.maxPoints, answered: true };
  });
  return summarize(quiz.passPercent, questions);
}

/** Words in a text: runs of non-space characters that hold a letter or a digit ("–" alone is no word). */
export function countWords(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** An essay answer outside the question's word limits, for the message next to that question. */
export interface EssayLengthProblem {
  /** Question index. */
  question: number;
  code: 'essay.tooShort' | 'essay.tooLong';
  /** The limit broken (minWords or maxWords). */
  limit: number;
  /** Words the answer has. */
  words: number;
}

/**
 * Word limits of the essay answers, checked before an attempt is stored. An
 * empty answer breaks only a minimum: without one, an essay may be skipped.
 */
export function checkEssayLengths(quiz: Quiz, answers: ReadonlyArray<Answer | undefined>): EssayLengthProblem[] {
  return quiz.questions.flatMap((q, i): EssayLengthProblem[] => {
    if (q.type !== 'essay') return [];
    const a = answers[i];
    const words = a?.type === 'essay' ? countWords(a.text) : 0;
    if (q.minWords !== undefined && words < q.minWords) return [{ question: i, code: 'essay.tooShort', limit: q.minWords, words }];
    if (words > q.maxWords) return [{ question: i, code: 'essay.tooLong', limit: q.maxWords, words }];
    return [];
  });
}

/**
 * The order in which an ordering question shows its items: a shuffle that
 * is stable for one learner, question and attempt (so a reload shows the
 * same order) and never the correct order when it can be avoided.
 */
export function displayOrder(count: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  if (count > 1 && order.every((v, i) => v === i)) order.push(order.shift()!);
  return order;
}

/** Longest essay text kept (characters): far above any word limit, so the limit check still sees a text that is too long. */
export const ESSAY_MAX_CHARS = 40_000;

/**
 * Reads the quiz form. Field names: `q<N>` for single (option index),
 * multiple (several option indexes), true/false ('true' | 'false'), short
 * and essay answers (text); `q<N>_<item>` with a position for each item of
 * an ordering question. Anything malformed counts as unanswered.
 */
export function readAnswers(quiz: Quiz, form: FormData): Answer[] {
  const int = (v: FormDataEntryValue | null, max: number): number | null => {
    if (typeof v !== 'string' || !/^\d{1,3}$/.test(v)) return null;
    const n = Number(v);
    return n < max ? n : null;
  };
  return quiz.questions.map((q, i): Answer => {
    const name = `q${i}`;
    switch (q.type) {
      case 'single':
        return { type: 'single', option: int(form.get(name), q.options.length) };
      case 'multiple':
        return {
          type: 'multiple',
          options: [...new Set(form.getAll(name).map((v) => int(v, q.options.length)).filter((n): n is number => n !== null))],
        };
      case 'truefalse': {
        const v = form.get(name);
        return { type: 'truefalse', value: v === 'true' ? true : v === 'false' ? false : null };
      }
      case 'short': {
        const v = form.get(name);
        return { type: 'short', text: typeof v === 'string' ? v.slice(0, 500) : '' };
      }
      case 'order':
        return {
          type: 'order',
          positions: q.items.map((_, item) => {
            const p = int(form.get(`${name}_${item}`), q.items.length + 1);
            return p === null || p < 1 ? null : p;
          }),
        };
      case 'essay': {
        const v = form.get(name);
        // Line breaks as the learner typed them, in one form (browsers send CRLF).
        return { type: 'essay', text: typeof v === 'string' ? v.slice(0, ESSAY_MAX_CHARS).replace(/\r\n?/g, '\n').trim() : '' };
      }
    }
  });
}
