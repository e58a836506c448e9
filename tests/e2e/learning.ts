import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, type Locator, type Page } from '@playwright/test';
import { t } from '../../src/lib/i18n/index.ts';
import { ROOT } from '../helpers/server.ts';

/**
 * What the learning stories need besides the pages: the quizzes as the
 * teacher wrote them (courses/<id>/<module>/<file>.quiz.yaml, the answer key),
 * a way to answer one through the real form, right or wrong, and the checks
 * every learner page must pass (no way out to the internet, pictures shown).
 */

const lv = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('lv', key, params);

/** A question of a quiz file, as far as answering it needs. */
export type QuizQuestion =
  | { type: 'single'; prompt: string; options: string[]; answer: string; explanation?: string }
  | { type: 'multiple'; prompt: string; options: string[]; answers: string[]; explanation?: string }
  | { type: 'truefalse'; prompt: string; answer: boolean; explanation?: string }
  | { type: 'short'; prompt: string; accept: string[]; explanation?: string }
  | { type: 'order'; prompt: string; items: string[]; explanation?: string }
  | { type: 'essay'; prompt: string; guidance?: string; minWords?: number; maxWords?: number; points?: number };

export interface QuizFile {
  title: string;
  passPercent: number;
  attempts: number;
  questions: QuizQuestion[];
}

/** The quiz file of a course package in courses/ (or another courses folder), parsed. */
export function readQuiz(courseId: string, file: string, coursesDir = path.join(ROOT, 'courses')): QuizFile {
  return parse(fs.readFileSync(path.join(coursesDir, courseId, file), 'utf8')) as QuizFile;
}

/** The course's title in Latvian, from its course.yaml. */
export function courseTitleLv(courseId: string): string {
  const manifest = parse(fs.readFileSync(path.join(ROOT, 'courses', courseId, 'course.yaml'), 'utf8')) as { title: { lv: string } };
  return manifest.title.lv;
}

/**
 * The id of a course item (e.g. 'darbs/01-cv.md'), read from the shared test
 * server's database: a learner who is not enrolled has no page that shows it.
 */
export function itemIdOf(courseId: string, itemKey: string): number {
  const dataDir = process.env.TILTS_E2E_DATA_DIR;
  if (!dataDir) throw new Error('TILTS_E2E_DATA_DIR is not set: run the browser tests through playwright.config.ts (global setup).');
  const db = new Database(path.join(dataDir, 'tilts.db'), { readonly: true, fileMustExist: true });
  try {
    const id = db.prepare('SELECT id FROM course_item WHERE course_id = ? AND item_key = ?').pluck().get(courseId, itemKey) as number | undefined;
    if (!id) throw new Error(`no item ${itemKey} in ${courseId}`);
    return id;
  } finally {
    db.close();
  }
}

/** Answers the quiz form on the page: every question right, or every question wrong. */
export async function answerQuiz(page: Page, quiz: QuizFile, how: 'right' | 'wrong'): Promise<void> {
  const questions = page.locator('form fieldset.question');
  await expect(questions).toHaveCount(quiz.questions.length);
  for (const [i, q] of quiz.questions.entries()) {
    const fieldset = questions.nth(i);
    await expect(fieldset).toContainText(q.prompt);
    await answerQuestion(fieldset, q, how);
  }
}

const choice = (fieldset: Locator, role: 'radio' | 'checkbox', name: string) => fieldset.getByRole(role, { name, exact: true });

async function answerQuestion(fieldset: Locator, q: QuizQuestion, how: 'right' | 'wrong'): Promise<void> {
  const right = how === 'right';
  switch (q.type) {
    case 'single': {
      const option = right ? q.answer : q.options.find((o) => o !== q.answer)!;
      await choice(fieldset, 'radio', option).check();
      return;
    }
    case 'multiple': {
      // Wrong: exactly the options that are not right.
      for (const option of q.options) {
        if (q.answers.includes(option) === right) await choice(fieldset, 'checkbox', option).check();
      }
      return;
    }
    case 'truefalse':
      await choice(fieldset, 'radio', lv(q.answer === right ? 'quiz.true' : 'quiz.false')).check();
      return;
    case 'short':
      await fieldset.getByRole('textbox', { name: lv('quiz.yourAnswer') }).fill(right ? q.accept[0]! : 'nezinu');
      return;
    case 'order': {
      // The items are shown shuffled, each with a <select> of positions 1..n labelled by the item's text.
      const rows = fieldset.locator('.order-row');
      await expect(rows).toHaveCount(q.items.length);
      for (let r = 0; r < q.items.length; r++) {
        const row = rows.nth(r);
        const label = (await row.locator('label').innerText()).trim();
        const index = q.items.indexOf(label);
        expect(index, `the ordering item "${label}" is one of the quiz file's items`).toBeGreaterThanOrEqual(0);
        // Wrong: the reverse order (no item in its place when n is even; the middle one stays when n is odd).
        const position = right ? index + 1 : q.items.length - index;
        await row.getByRole('combobox').selectOption(String(position));
      }
      return;
    }
    case 'essay': {
      // No right or wrong here (the teacher grades it): enough words to be accepted.
      const words = Math.max(q.minWords ?? 0, 5);
      await fieldset.getByRole('textbox', { name: lv('quiz.yourAnswer') }).fill(`Mans atbildes teksts: ${'vārds '.repeat(words)}`.trim());
      return;
    }
  }
}

/** The attempts left that the quiz page states ("Atlikušie mēģinājumi: L no T"). */
export async function attemptsLeft(page: Page, total: number): Promise<number> {
  const pattern = new RegExp(escapeRegExp(lv('quiz.attemptsLeft', { left: '§', total })).replace('§', '(\\d+)'));
  const text = await page.getByText(pattern).innerText();
  return Number(pattern.exec(text)![1]);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A percent shown as "N%" in `locator`'s text (the first one). */
export async function percentIn(locator: Locator): Promise<number> {
  const text = await locator.innerText();
  const match = /(\d+)\s*%/.exec(text);
  expect(match, `a percent in "${text}"`).not.toBeNull();
  return Number(match![1]);
}

/**
 * A learner page offers no way out to the internet: no link (nor form, nor
 * frame) to an address outside Tilts.
 */
export async function expectNoOutsideLinks(page: Page): Promise<void> {
  const outside = await page.evaluate(() => {
    const own = location.origin;
    const targets = [
      ...[...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      ...[...document.querySelectorAll('form[action]')].map((f) => (f as HTMLFormElement).action),
      ...[...document.querySelectorAll('iframe[src]')].map((f) => (f as HTMLIFrameElement).src),
    ];
    return targets.filter((url) => /^https?:/i.test(url) && new URL(url).origin !== own);
  });
  expect(outside, `links out of Tilts on ${page.url()}`).toEqual([]);
  // And in the page's source as written: no <a href="http…"> at all.
  expect(await page.locator('a[href^="http" i], a[href^="//"]').count(), `<a href="http…"> on ${page.url()}`).toBe(0);
}

/** Every picture of the lesson is shown (loaded with a size) and comes from /media/<hash>. */
export async function expectLessonPicturesShown(page: Page, atLeast = 1): Promise<void> {
  const pictures = page.locator('article.lesson img');
  const count = await pictures.count();
  expect(count, 'pictures in the lesson').toBeGreaterThanOrEqual(atLeast);
  for (let i = 0; i < count; i++) {
    const picture = pictures.nth(i);
    await expect(picture).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/);
    await expect(picture).toHaveAttribute('alt', /\S/);
    // Pictures load lazily: bring each into view, then wait for it.
    await picture.scrollIntoViewIfNeeded();
    await expect
      .poll(() => picture.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth), {
        message: `picture ${i + 1} loaded`,
      })
      .toBeGreaterThan(0);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}
