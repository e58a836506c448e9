import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, demoInmateNumber, type Credentials } from '../../helpers/accounts.ts';
import { answerQuiz, courseTitleLv, expectNoOutsideLinks, readQuiz } from '../learning.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * Demo learner 14 (Sandis Strazds, 204582, Olaine) studies "Dzīves skola"
 * with jānis.liepa; no other browser test uses him, so the essay the teacher
 * grades here is the one he writes here.
 */
const SANDIS: Credentials = { kind: 'learner', inmateNumber: demoInmateNumber(14), pin: DEMO_PIN };
const COURSE = 'dzives-skola';
const COURSE_TITLE = courseTitleLv(COURSE);
const QUIZ_FILE = 'darbs/03-parbaude.quiz.yaml';

/** A short cover letter, with the learner's own line breaks. */
const LETTER = [
  'Labdien! Mani sauc Sandis.',
  'Es esmu pabeidzis pavāra palīga kursus un protu strādāt virtuvē.',
  'Gribu stabilu darbu, jo vēlos sākt jaunu dzīvi & palīdzēt ģimenei <b>tūlīt</b>.',
].join('\n');
const COMMENT = 'Skaidra un pieklājīga vēstule.\nNākamreiz pievienojiet savu tālruni.';

test('a learner writes an essay in a quiz, the teacher grades it with a comment, and the learner sees the points and the comment', async ({ page, browser, baseURL }) => {
  // Two people and many pages checked with axe: generous on a busy machine.
  test.setTimeout(180_000);
  const quiz = readQuiz(COURSE, QUIZ_FILE);
  const essayIndex = quiz.questions.findIndex((q) => q.type === 'essay');
  const essay = quiz.questions[essayIndex]!;
  if (essay.type !== 'essay') throw new Error(`${QUIZ_FILE} has no essay question`);
  const maxPoints = essay.points ?? 1;

  // On a terminal: Sandis answers the quiz; his first cover letter is too short.
  const learner = await newPerson(browser, baseURL!);
  await signIn(learner, SANDIS);
  await checkPage(learner);
  await learner.goto(`/learn/courses/${COURSE}`);
  await checkPage(learner);
  await learner.locator('ol.outline a').filter({ hasText: quiz.title }).click();
  await expect(learner.getByRole('heading', { level: 1 })).toHaveText(quiz.title);
  await checkPage(learner);
  await answerQuiz(learner, quiz, 'right');
  const field = learner.locator('form fieldset.question').nth(essayIndex);
  await expect(field).toContainText(lv('essay.limitsBetween', { min: essay.minWords!, max: essay.maxWords! }));
  await field.getByRole('textbox', { name: lv('quiz.yourAnswer') }).fill('Labdien, gribu darbu.');
  await learner.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(learner.getByRole('alert')).toHaveText(lv('essay.wordLimits'));
  const sentBack = learner.locator('form fieldset.question').nth(essayIndex);
  await expect(sentBack.locator('.field-error')).toHaveText(lv('essay.tooShort', { limit: essay.minWords!, words: 3 }));
  // Nothing typed is lost: the letter and the other answers are still there.
  await expect(sentBack.getByRole('textbox', { name: lv('quiz.yourAnswer') })).toHaveValue('Labdien, gribu darbu.');
  await expect(sentBack.getByRole('textbox', { name: lv('quiz.yourAnswer') })).toHaveAttribute('aria-invalid', 'true');
  await expect(learner.locator('form input:checked')).not.toHaveCount(0);
  await checkPage(learner, { screenshot: 'learner-essay-too-short' });

  // A real letter: the attempt now waits for the teacher.
  await sentBack.getByRole('textbox', { name: lv('quiz.yourAnswer') }).fill(LETTER);
  await learner.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(learner).toHaveURL(/\?attempt=\d+$/);
  const attemptUrl = new URL(learner.url()).pathname + new URL(learner.url()).search;
  await expect(learner.getByRole('status')).toHaveText(lv('essay.resultWaiting'));
  await expect(learner.locator('.question').nth(essayIndex)).toContainText(lv('essay.waiting'));
  await expect(learner.getByText(lv('essay.waitingForTeacher'))).toBeVisible();
  await expect(learner.getByRole('link', { name: lv('quiz.tryAgain') })).toHaveCount(0);
  await expect(learner.getByRole('button', { name: lv('quiz.submit') })).toHaveCount(0);
  await checkPage(learner, { screenshot: 'learner-essay-waiting', zoom: true });
  await expectNoOutsideLinks(learner);

  // The teacher opens the course's gradebook and follows "Answers to grade".
  await signIn(page, ACCOUNTS.janisLiepa);
  await checkPage(page);
  await page.goto(`/teach/courses/${COURSE}`);
  await checkPage(page);
  const toGrade = page.getByRole('link', { name: new RegExp(lv('essay.openGrading', { count: '\\d+' })) });
  const waiting = Number(/(\d+)\s*$/.exec(await toGrade.innerText())![1]);
  expect(waiting).toBeGreaterThanOrEqual(1);
  await toGrade.click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}/grading$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('essay.gradingTitle', { title: COURSE_TITLE }));
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(`${lv('essay.waitingList')} (${waiting})`);

  // Sandis's letter: who, which test, the question, the guidance, and his text as he wrote it (escaped, line breaks kept).
  const card = page.locator('section.essay').filter({ hasText: SANDIS.inmateNumber });
  await expect(card).toHaveCount(1);
  await expect(card.getByRole('heading', { level: 3 })).toContainText('Strazds, Sandis');
  await expect(card.getByRole('heading', { level: 3 })).toContainText(quiz.title);
  await expect(card).toContainText(essay.prompt);
  await expect(card).toContainText(essay.guidance!.split('\n')[0]!);
  const response = card.locator('.response');
  expect(await response.innerText()).toBe(LETTER);
  await expect(response.locator('b')).toHaveCount(0);
  await checkPage(page, { screenshot: 'teacher-essay-grading', zoom: true });

  // Too many points: refused next to the field, the comment kept.
  const points = card.getByLabel(lv('essay.pointsLabel', { max: maxPoints }));
  const comment = card.getByLabel(lv('essay.commentLabel'));
  await points.fill(String(maxPoints + 5));
  await comment.fill(COMMENT);
  await card.getByRole('button', { name: lv('essay.saveGrade') }).click();
  const again = page.locator('section.essay').filter({ hasText: SANDIS.inmateNumber });
  await expect(again.locator('.field-error')).toHaveText(lv('essay.pointsRange', { max: maxPoints }));
  await expect(again.getByLabel(lv('essay.commentLabel'))).toHaveValue(COMMENT);
  await checkPage(page);

  // The grade: full points and the comment.
  await again.getByLabel(lv('essay.pointsLabel', { max: maxPoints })).fill(String(maxPoints));
  await again.getByRole('button', { name: lv('essay.saveGrade') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}/grading\\?graded=1$`));
  await expect(page.getByRole('status')).toHaveText(lv('essay.saved'));
  await expect(page.locator('section.essay').filter({ hasText: SANDIS.inmateNumber })).toHaveCount(0);
  await checkPage(page);

  // Back on the terminal: the teacher's points and comment, and the result.
  await learner.goto(attemptUrl);
  const graded = learner.locator('.question').nth(essayIndex);
  await expect(graded).toContainText(lv('essay.teacherPoints', { points: maxPoints, max: maxPoints }));
  await expect(graded.locator('.teacher-comment')).toContainText(lv('essay.teacherComment'));
  expect(await graded.locator('.teacher-comment .essay-text').innerText()).toBe(COMMENT);
  await expect(learner.getByRole('status')).toContainText(lv('quiz.passed', { pass: `${quiz.passPercent}\u00a0%` }));
  await expect(learner.getByRole('status')).toContainText('100\u00a0%');
  await checkPage(learner, { screenshot: 'learner-essay-graded', zoom: true });
  await expectNoOutsideLinks(learner);
  await finishPerson(learner);
});
