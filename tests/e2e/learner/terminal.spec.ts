import path from 'node:path';
import Database from 'better-sqlite3';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { DEMO_PIN, type Credentials } from '../../helpers/accounts.ts';
import { itemIdOf, readQuiz } from '../learning.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * A learner and the terminals, on the shared server. The learners are Jelgava's
 * (no other browser test signs one in): Artūrs Ozols (204175) on a device that
 * is no terminal, Gints Lapiņš (204397) on two terminals, Kaspars Grīnbergs
 * (204619) leaving a quiz half answered.
 */
const ARTURS: Credentials = { kind: 'learner', inmateNumber: '204175', pin: DEMO_PIN };
const GINTS: Credentials = { kind: 'learner', inmateNumber: '204397', pin: DEMO_PIN };
const KASPARS: Credentials = { kind: 'learner', inmateNumber: '204619', pin: DEMO_PIN };

test('a learner on a device that is not a registered terminal is refused, told so in plain words, and gets no session', async ({ page }) => {
  await page.goto('/login');
  await checkPage(page);
  const form = page.getByRole('region', { name: lv('login.learnerHeading') });
  await form.getByLabel(lv('login.inmateNumber')).fill(ARTURS.inmateNumber);
  await form.getByLabel(lv('login.pin')).fill(ARTURS.pin);
  await form.getByRole('button', { name: lv('login.submit') }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('terminal.refusedNone'));
  await expect(page).toHaveURL(/\/login$/);
  // What was typed stays, the PIN does not.
  await expect(form.getByLabel(lv('login.inmateNumber'))).toHaveValue(ARTURS.inmateNumber);
  await expect(form.getByLabel(lv('login.pin'))).toHaveValue('');
  await checkPage(page, { screenshot: 'learner-login-not-a-terminal' });

  await page.goto('/learn');
  await expect(page).toHaveURL(/\/login\?next=%2Flearn$/);
  await checkPage(page);
});

test('signing in on a second terminal ends the session on the first, whose page returns to sign-in saying why', async ({ page, browser, baseURL }) => {
  // Terminal A.
  await signIn(page, GINTS);
  await expect(page).toHaveURL(/\/learn$/);
  await checkPage(page);

  // Terminal B, another approved terminal of the same prison.
  const other = await newPerson(browser, baseURL!);
  try {
    await signIn(other, GINTS);
    await expect(other).toHaveURL(/\/learn$/);
    await checkPage(other);

    // Terminal A's page asks the server every ~12 s whether its session still stands.
    await expect(page).toHaveURL(/\/login\?reason=signed_in_elsewhere$/, { timeout: 30_000 });
    await expect(page.getByRole('status')).toHaveText(lv('terminal.endedElsewhere'));
    await checkPage(page, { screenshot: 'learner-login-signed-in-elsewhere' });
    await page.goto('/learn');
    await expect(page).toHaveURL(/\/login\?next=%2Flearn$/);
    await checkPage(page);

    // Terminal B goes on.
    await other.reload();
    await expect(other).toHaveURL(/\/learn$/);
    await checkPage(other);
  } finally {
    await finishPerson(other);
  }
});

const MATH = 'matematika-pamati';
const PERCENT_QUIZ = 'procenti/03-parbaude.quiz.yaml';

/** Enrols the learner in the course straight in the shared server's database (enrolment has its own stories). */
function enrol(inmateNumber: string, courseId: string): void {
  const db = new Database(path.join(process.env.TILTS_E2E_DATA_DIR!, 'tilts.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const learnerId = db.prepare('SELECT id FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber) as number;
    const enrolled = db.prepare("SELECT 1 FROM enrolment WHERE learner_id = ? AND course_id = ? AND status = 'enrolled'").get(learnerId, courseId);
    const now = new Date().toISOString();
    if (!enrolled) db.prepare("INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at) VALUES (?, ?, 'enrolled', ?, ?)").run(learnerId, courseId, now, now);
  } finally {
    db.close();
  }
}

test('quiz answers typed but not submitted are kept: as the learner types and at once when learning time ends; submitting clears them', async ({ page }) => {
  enrol(KASPARS.inmateNumber, MATH);
  const quiz = readQuiz(MATH, PERCENT_QUIZ);
  const [short, truefalse] = quiz.questions;
  expect(short?.type).toBe('short');
  expect(truefalse?.type).toBe('truefalse');
  const url = `/learn/courses/${MATH}/${itemIdOf(MATH, PERCENT_QUIZ)}`;
  await signIn(page, KASPARS);
  await page.goto(url);
  await checkPage(page);
  const questions = page.locator('form fieldset.question');
  const saved = page.getByText(lv('quiz.draftSaved'));

  // Typed: saved a moment later.
  await questions.nth(0).getByLabel(lv('quiz.yourAnswer')).fill('7');
  await expect(saved).toBeVisible();
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: lv('quiz.draftRestored') })).toBeVisible();
  await expect(questions.nth(0).getByLabel(lv('quiz.yourAnswer'))).toHaveValue('7');
  await checkPage(page, { screenshot: 'learner-quiz-draft-restored' });

  // The end of learning hours asks every page to save now (terminal-client.ts): no waiting for the pause.
  await questions.nth(1).getByRole('radio', { name: lv('quiz.true'), exact: true }).check();
  await page.evaluate(() => window.dispatchEvent(new Event('tilts:save-now')));
  await expect(saved).toBeVisible({ timeout: 1_200 });
  await page.reload();
  await expect(questions.nth(0).getByLabel(lv('quiz.yourAnswer'))).toHaveValue('7');
  await expect(questions.nth(1).getByRole('radio', { name: lv('quiz.true'), exact: true })).toBeChecked();
  await checkPage(page);

  // Submitted (two answers of more: the page asks first, the learner sends anyway): graded, and the next try starts empty.
  await page.getByRole('button', { name: lv('quiz.submit') }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('quiz.unansweredConfirm', { count: quiz.questions.length - 2 }));
  await page.getByRole('button', { name: lv('quiz.submitAnyway') }).click();
  await expect(page.getByRole('heading', { name: lv('quiz.resultTitle') })).toBeVisible();
  await checkPage(page);
  await page.goto(`${url}?retry=1`);
  await expect(page.getByText(lv('quiz.draftRestored'))).toHaveCount(0);
  await expect(questions.nth(0).getByLabel(lv('quiz.yourAnswer'))).toHaveValue('');
  await checkPage(page);
});
