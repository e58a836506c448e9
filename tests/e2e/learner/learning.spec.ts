import fs from 'node:fs';
import path from 'node:path';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text, SCREENSHOTS, type CheckOptions } from '../fixtures.ts';
import { DEMO_PIN, demoInmateNumber, type Credentials } from '../../helpers/accounts.ts';
import { ROOT, startServer, tempDir, type TestServer } from '../../helpers/server.ts';
import {
  answerQuiz,
  attemptsLeft,
  courseTitleLv,
  expectLessonPicturesShown,
  expectNoOutsideLinks,
  itemIdOf,
  percentIn,
  readQuiz,
} from '../learning.ts';
import type { Locator, Page } from '@playwright/test';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * The learner's main flow on the shared server. The learner is demo learner 19
 * (Reinis Zvaigzne, 204767, Olaine), enrolled in "Matemātika" and "Pavāra
 * palīga pamati" only, and used by no other browser test: what he finishes
 * here is seen by nobody else. Every expectation is computed from what the
 * pages show before acting, so the stories hold in any order.
 */
const REINIS: Credentials = { kind: 'learner', inmateNumber: demoInmateNumber(19), pin: DEMO_PIN };
const MATH = 'matematika-pamati';
const MATH_TITLE = courseTitleLv(MATH);
/** A course Reinis is not enrolled in. */
const LATVIAN = 'latviesu-a2-darbs';

/** Checks the page (axe, optional screenshot) and that it offers no link out of Tilts. */
async function checkLearnerPage(page: Page, options: CheckOptions = {}): Promise<void> {
  await checkPage(page, options);
  await expectNoOutsideLinks(page);
}

/** The progress a course card or course page shows: percent (text and bar) and steps done of all. */
async function progressShown(scope: Locator, title: string): Promise<{ percent: number; done: number; total: number }> {
  const bar = scope.getByRole('progressbar', { name: lv('learn.progressOf', { title }) });
  await expect(bar).toBeVisible();
  const percent = await percentIn(scope.locator('.progress-line > span'));
  await expect(bar).toHaveAttribute('value', String(percent));
  const steps = scope.getByText(new RegExp(lv('learn.stepsDone', { done: '(\\d+)', total: '(\\d+)' })));
  const [, done, total] = new RegExp(lv('learn.stepsDone', { done: '(\\d+)', total: '(\\d+)' })).exec(await steps.innerText())!;
  return { percent, done: Number(done), total: Number(total) };
}

/** The course outline as the course page lists it: link, kind, title and state of every item. */
async function outline(page: Page): Promise<Array<{ href: string; kind: string; title: string; state: string }>> {
  return page.locator('ol.outline a').evaluateAll((links) =>
    links.map((a) => {
      const [kind, title, state] = [...a.querySelectorAll('span')].map((s) => s.textContent?.trim() ?? '');
      return { href: new URL((a as HTMLAnchorElement).href).pathname, kind: kind!, title: title!, state: state! };
    }),
  );
}

const finished = (state: string) => state === lv('learn.stateDone') || state.startsWith(lv('learn.statePassed'));

function myCourseCard(page: Page, title: string): Locator {
  return page.locator('li.course-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

test('a learner continues a course: Continue opens the next unfinished lesson, "Mark as done" moves on, and My learning shows the progress grow', async ({ page }) => {
  await signIn(page, REINIS);
  await expect(page).toHaveURL(/\/learn$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('learn.hello', { name: 'Reinis' }));
  await expect(page.getByRole('heading', { level: 2, name: lv('learn.myCourses') })).toBeVisible();
  await checkLearnerPage(page);
  const card = myCourseCard(page, MATH_TITLE);
  const before = await progressShown(card, MATH_TITLE);

  // Where "Continue" should lead: the first unfinished item of the course outline.
  await card.getByRole('link', { name: MATH_TITLE }).click();
  await expect(page).toHaveURL(new RegExp(`/learn/courses/${MATH}$`));
  await checkLearnerPage(page);
  const items = await outline(page);
  const next = items.findIndex((i) => !finished(i.state));
  expect(next, 'an unfinished item is left in the course').toBeGreaterThanOrEqual(0);
  expect(items[next]!.kind, 'the next unfinished item is a lesson').toBe(lv('learn.kindLesson'));
  const following = items[next + 1]!;

  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: lv('learn.title') }).click();
  await expect(page).toHaveURL(/\/learn$/);
  await checkLearnerPage(page);
  // A big button: "Start" before the first step, "Continue" after it.
  const go = card.getByRole('link', { name: lv(before.done > 0 ? 'learn.continue' : 'learn.start'), exact: true });
  await expect(go).toHaveClass(/\bbig\b/);
  await expect(go).toHaveAttribute('href', items[next]!.href);
  await go.click();

  await expect(page).toHaveURL(new RegExp(`${items[next]!.href}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(items[next]!.title);
  await expect(page.locator('article.lesson')).toBeVisible();
  await expectLessonPicturesShown(page, 0);
  await checkLearnerPage(page, { screenshot: 'learner-lesson', zoom: true });

  await page.getByRole('button', { name: lv('learn.markDone') }).click();
  // On to the next item of the course.
  await expect(page).toHaveURL(new RegExp(`${following.href}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(following.title);
  await checkLearnerPage(page);

  // Back on My learning: one more step done, and the percent says so.
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: lv('learn.title') }).click();
  await expect(page).toHaveURL(/\/learn$/);
  await checkLearnerPage(page, { screenshot: 'learner-home-progress' });
  const after = await progressShown(card, MATH_TITLE);
  expect(after.total).toBe(before.total);
  expect(after.done).toBe(before.done + 1);
  expect(after.percent).toBe(Math.floor(((before.done + 1) / before.total) * 100));
  expect(after.percent).toBeGreaterThan(before.percent);

  // "Continue" now, and it opens the next unfinished item.
  const nextAfter = items.find((i, n) => n !== next && !finished(i.state))!;
  const resume = card.getByRole('link', { name: lv('learn.continue'), exact: true });
  await expect(resume).toHaveAttribute('href', nextAfter.href);
  await resume.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(nextAfter.title);
  await checkLearnerPage(page);
});

test('a learner fails a quiz, reads why, tries again and passes; the course page shows it passed with its percent', async ({ page }) => {
  const quiz = readQuiz(MATH, 'procenti/03-parbaude.quiz.yaml');
  // The quiz has every kind of question a learner can meet.
  expect(new Set(quiz.questions.map((q) => q.type))).toEqual(new Set(['single', 'multiple', 'truefalse', 'short', 'order']));

  await signIn(page, REINIS);
  await checkLearnerPage(page);
  await myCourseCard(page, MATH_TITLE).getByRole('link', { name: MATH_TITLE }).click();
  await checkLearnerPage(page);
  await page.locator('ol.outline a').filter({ hasText: quiz.title }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(quiz.title);
  await checkLearnerPage(page);
  const quizUrl = page.url();
  const leftBefore = await attemptsLeft(page, quiz.attempts);
  expect(leftBefore, 'attempts left for a failure and a pass').toBeGreaterThanOrEqual(2);

  // Every answer wrong: not passed, each question explained, one try fewer.
  await answerQuiz(page, quiz, 'wrong');
  await page.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(page).toHaveURL(/\?attempt=\d+$/);
  const result = page.getByRole('region', { name: lv('quiz.resultTitle') });
  const verdict = result.getByRole('status');
  await expect(verdict).toContainText(lv('quiz.notPassed', { pass: `${quiz.passPercent}\u00a0%` }));
  expect(await percentIn(verdict.locator('.score'))).toBeLessThan(quiz.passPercent);
  const feedback = result.locator('.question');
  await expect(feedback).toHaveCount(quiz.questions.length);
  for (const [i, q] of quiz.questions.entries()) {
    await expect(feedback.nth(i)).toContainText(q.prompt);
    await expect(feedback.nth(i).locator('.verdict')).toHaveText(lv('quiz.wrong'));
    if ('explanation' in q && q.explanation) await expect(feedback.nth(i)).toContainText(q.explanation);
  }
  // While tries are left, the right answers stay hidden.
  // Every wrong answer shows the right one beside it (issue 19).
  await expect(result.getByText(`${lv('quiz.rightAnswer')}:`)).toHaveCount(quiz.questions.length);
  expect(await attemptsLeft(page, quiz.attempts)).toBe(leftBefore - 1);
  await checkLearnerPage(page, { screenshot: 'learner-quiz-failed', zoom: true });

  // Try again, every answer right: passed with 100 %.
  await page.getByRole('link', { name: lv('quiz.tryAgain') }).click();
  await expect(page).toHaveURL(/\?retry=1$/);
  await checkLearnerPage(page);
  await answerQuiz(page, quiz, 'right');
  await page.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(page).toHaveURL(/\?attempt=\d+$/);
  await expect(verdict).toContainText(lv('quiz.passed', { pass: `${quiz.passPercent}\u00a0%` }));
  await expect(verdict.locator('.score')).toHaveText('100\u00a0%');
  for (let i = 0; i < quiz.questions.length; i++) await expect(feedback.nth(i).locator('.verdict')).toHaveText(lv('quiz.correct'));
  expect(await attemptsLeft(page, quiz.attempts)).toBe(leftBefore - 2);
  await checkLearnerPage(page, { screenshot: 'learner-quiz-passed' });

  // The quiz page itself now says so, without a form.
  await page.goto(quizUrl);
  await expect(page.getByRole('status')).toHaveText(lv('quiz.alreadyPassed', { percent: '100\u00a0%' }));
  await expect(page.getByRole('button', { name: lv('quiz.submit') })).toHaveCount(0);
  await checkLearnerPage(page);

  // The course page: the quiz passed, with its percent.
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: MATH_TITLE }).click();
  await expect(page).toHaveURL(new RegExp(`/learn/courses/${MATH}$`));
  const entry = (await outline(page)).find((i) => i.title === quiz.title)!;
  expect(entry.kind).toBe(lv('learn.kindQuiz'));
  expect(entry.state).toBe(`${lv('learn.statePassed')} · 100\u00a0%`);
  await expect(page.locator('ol.outline a').filter({ hasText: quiz.title }).locator('.state')).toHaveClass(/\bpassed\b/);
  await checkLearnerPage(page, { screenshot: 'learner-course-progress' });
});

test('a learner cannot open a course they are not enrolled in, nor any item of it', async ({ page }) => {
  const otherTitle = courseTitleLv(LATVIAN);
  await signIn(page, REINIS);
  await checkLearnerPage(page);
  // My learning does not list it …
  await expect(page.locator('li.course-card')).not.toHaveCount(0);
  await expect(page.getByRole('main')).not.toContainText(otherTitle);
  // … and typing its addresses answers the 403 page, which tells nothing about the course.
  const lesson = itemIdOf(LATVIAN, 'sazina-darba/01-sveicinasanas-un-uzruna.md');
  const quiz = itemIdOf(LATVIAN, 'sazina-darba/03-parbaude.quiz.yaml');
  for (const url of [
    `/learn/courses/${LATVIAN}`,
    `/learn/courses/${LATVIAN}/${lesson}`,
    `/learn/courses/${LATVIAN}/${quiz}?retry=1`,
    // An item of that course under the address of his own course.
    `/learn/courses/${MATH}/${lesson}`,
    // A course that does not exist looks the same.
    '/learn/courses/nav-tada-kursa',
  ]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('error.forbiddenTitle'));
    await expect(page.getByRole('main')).toContainText(lv('error.forbiddenBody'));
    await expect(page.getByRole('main')).not.toContainText(otherTitle);
    await checkLearnerPage(page, url === `/learn/courses/${LATVIAN}` ? { screenshot: 'learner-course-forbidden' } : {});
  }
  // The way back leads to his own courses.
  await page.getByRole('link', { name: lv('error.backHome') }).click();
  await expect(page).toHaveURL(/\/learn$/);
  await checkLearnerPage(page);
});

test.describe('a lesson whose Markdown links to the internet', () => {
  // A server of its own, on a copy of the course packages where the first
  // lesson of "Matemātika" (the one with pictures) links outside in every way
  // Markdown allows: these links must reach the learner as plain text.
  let server: TestServer;
  let courses: string;
  const LESSON = path.join(MATH, 'dalas', '01-kas-ir-dala.md');
  const OUTSIDE = [
    '',
    '## Kur uzzināt vairāk',
    '',
    'Vakances: [NVA mājaslapa](https://www.nva.gov.lv/lv/vakances), arī <https://cv.lv> un https://www.prakse.lv bez iekavām.',
    '',
    'Atsauce: [sludinājumi][sl] un <a href="https://example.com/raw">poga</a>.',
    '',
    '[sl]: http://www.ss.lv',
    '',
  ].join('\n');

  test.beforeAll(async () => {
    courses = tempDir('tilts-e2e-courses-');
    fs.cpSync(path.join(ROOT, 'courses'), courses, { recursive: true });
    fs.appendFileSync(path.join(courses, LESSON), OUTSIDE);
    server = await startServer({ env: { TILTS_COURSES_DIR: courses } });
  });
  test.afterAll(async () => {
    await server?.stop();
    if (courses) fs.rmSync(courses, { recursive: true, force: true });
  });

  test('the lesson shows its pictures, outside links only as text, and the keyboard reaches "Mark as done"', async ({ browser }) => {
    const page = await newPerson(browser, server.baseUrl);
    await signIn(page, REINIS);
    await checkLearnerPage(page);
    // A fresh database: he has not begun, the first item is the lesson.
    await myCourseCard(page, MATH_TITLE).getByRole('link', { name: lv('learn.start'), exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kas ir daļa?');
    await checkLearnerPage(page);
    const lessonUrl = page.url();
    const lesson = page.locator('article.lesson');

    // Pictures: all three load from /media/<hash>.
    await expectLessonPicturesShown(page, 3);

    // Outside links: the words are there, the links are not.
    for (const words of ['NVA mājaslapa', 'https://cv.lv', 'https://www.prakse.lv', 'sludinājumi']) {
      await expect(lesson.getByText(words, { exact: false }).first()).toBeVisible();
      await expect(page.getByRole('link', { name: words })).toHaveCount(0);
    }
    await expect(lesson.locator('.plain-link')).toHaveCount(3);
    // Raw HTML is shown as text, never made into an element.
    // (The typographer may curl its quotes.)
    await expect(lesson).toContainText(/<a href=.https:\/\/example\.com\/raw.>poga<\/a>/);
    await expect(lesson.locator('a')).toHaveCount(0);
    const html = await lesson.innerHTML();
    expect(html).not.toMatch(/<a\s[^>]*href="?https?:/i);
    await lesson.getByRole('heading', { name: 'Kur uzzināt vairāk' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'learner-lesson-outside-links.png') });

    // The keyboard alone reaches "Mark as done", with a visible focus, and presses it.
    const markDone = page.getByRole('button', { name: lv('learn.markDone') });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let presses = 0;
    while (!(await markDone.evaluate((button) => button === document.activeElement))) {
      await page.keyboard.press('Tab');
      expect(++presses, 'Tab presses to reach "Mark as done"').toBeLessThan(40);
    }
    const focus = await markDone.evaluate((button) => {
      const style = getComputedStyle(button);
      return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
    });
    expect(focus, 'a visible focus indicator on "Mark as done"').toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Kas ir daļa?');
    await checkLearnerPage(page);
    await page.goto(lessonUrl);
    await expect(page.getByRole('status')).toHaveText(lv('learn.lessonDone'));
    await expect(markDone).toHaveCount(0);
    await checkLearnerPage(page);
    await finishPerson(page);
  });
});
