import fs from 'node:fs';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, demoInmateNumber, type Credentials } from '../../helpers/accounts.ts';
import { answerQuiz, attemptsLeft, courseTitleLv, expectNoOutsideLinks, readQuiz } from '../learning.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * Demo learner 13 (Juris Pētersons, 204545, Olaine) studies "Latviešu valoda
 * A2" with jānis.liepa; no other browser test uses him, so the attempts the
 * teacher sees here are the ones made here.
 */
const JURIS: Credentials = { kind: 'learner', inmateNumber: demoInmateNumber(13), pin: DEMO_PIN };
const COURSE = 'latviesu-a2-darbs';
const COURSE_TITLE = courseTitleLv(COURSE);
const QUIZ_FILE = 'darba-sludinajums/03-parbaude.quiz.yaml';

test("a teacher sees a learner's quiz attempts in the gradebook, opens the learner's attempts and downloads the CSV", async ({ page, browser, baseURL }) => {
  // Two people, four pages checked with axe and a CSV: generous on a busy machine.
  test.setTimeout(180_000);
  const quiz = readQuiz(COURSE, QUIZ_FILE);

  // On a terminal: Juris fails the quiz once, then passes it.
  const learner = await newPerson(browser, baseURL!);
  await signIn(learner, JURIS);
  await checkPage(learner);
  await learner.goto(`/learn/courses/${COURSE}`);
  await checkPage(learner);
  await learner.locator('ol.outline a').filter({ hasText: quiz.title }).click();
  await expect(learner.getByRole('heading', { level: 1 })).toHaveText(quiz.title);
  await checkPage(learner);
  await answerQuiz(learner, quiz, 'wrong');
  await learner.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(learner.getByRole('status')).toContainText(lv('quiz.notPassed', { pass: `${quiz.passPercent}\u00a0%` }));
  await checkPage(learner);
  await learner.getByRole('link', { name: lv('quiz.tryAgain') }).click();
  await checkPage(learner);
  await answerQuiz(learner, quiz, 'right');
  await learner.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(learner.getByRole('status')).toContainText(lv('quiz.passed', { pass: `${quiz.passPercent}\u00a0%` }));
  await checkPage(learner);
  const attempts = quiz.attempts - (await attemptsLeft(learner, quiz.attempts));
  expect(attempts).toBeGreaterThanOrEqual(2);
  await expectNoOutsideLinks(learner);
  await finishPerson(learner);

  // The teacher opens the course's gradebook from the home page.
  await signIn(page, ACCOUNTS.janisLiepa);
  await checkPage(page);
  await page.locator('li.course-card').filter({ has: page.getByRole('heading', { name: COURSE_TITLE, exact: true }) }).getByRole('link', { name: lv('teach.openGradebook') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('teach.gradebookOf', { title: COURSE_TITLE }));

  // Juris's row, the quiz's column: the kept score and the number of tries.
  const table = page.getByRole('table', { name: lv('teach.gradebookOf', { title: COURSE_TITLE }) });
  // Columns carry the items' real titles.
  const headers = await table.locator('thead th').evaluateAll((ths) => ths.map((th) => th.querySelector('.title')?.textContent ?? null));
  const column = headers.indexOf(quiz.title);
  expect(column, `a gradebook column for "${quiz.title}"`).toBeGreaterThan(0);
  const row = table.locator('tbody tr').filter({ hasText: JURIS.inmateNumber });
  await expect(row).toHaveCount(1);
  const cell = row.locator('th, td').nth(column);
  await expect(cell).toHaveText(`100\u00a0% (${attempts})`);
  await expect(cell).toHaveClass(/\bcell-passed\b/);
  // The table scrolls sideways: bring the attempt into the picture.
  await cell.scrollIntoViewIfNeeded();
  await expect(cell).toBeInViewport();
  await checkPage(page, { screenshot: 'teacher-gradebook-attempt', zoom: true });

  // The learner's page (the name in the row; the score links there too): the quiz passed, and every attempt listed.
  await expect(cell.getByRole('link')).toHaveAttribute('href', /\/learners\/\d+#quiz-\d+$/);
  await row.getByRole('rowheader').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}/learners/\\d+$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(JURIS.inmateNumber);
  const items = page.getByRole('table', { name: lv('teach.items') });
  const quizRow = items.locator('tbody tr').filter({ hasText: quiz.title });
  await expect(quizRow.locator('td')).toHaveText([new RegExp(quiz.title), lv('learn.statePassed'), '100\u00a0%', String(attempts), /.+/]);
  const list = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: quiz.title }) }).getByRole('listitem');
  await expect(list).toHaveCount(attempts);
  await expect(list.first()).toContainText(lv('learn.stateFailed'));
  await expect(list.last()).toContainText('100\u00a0%');
  await expect(list.last()).toContainText(lv('learn.statePassed'));
  await checkPage(page, { screenshot: 'teacher-learner-attempts' });

  // Back to the gradebook, and the CSV for the records.
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: COURSE_TITLE }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}$`));
  await checkPage(page);
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: lv('teach.exportCsv') }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`gradebook-${COURSE}.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain(JURIS.inmateNumber);
  expect(csv).toContain(quiz.title);
  const line = csv.split(/\r?\n/).find((l) => l.includes(JURIS.inmateNumber))!;
  // Values in the teacher's language, not status codes.
  expect(line).toContain(`"${lv('learn.statePassed')}: 100\u00a0% (${lv('teach.csvTries', { count: attempts })})"`);
});
