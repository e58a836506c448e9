import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FrameLocator, Locator, Page } from '@playwright/test';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN } from '../../helpers/accounts.ts';
import { LANGUAGE_NAMES } from '../../../src/lib/i18n/index.ts';
import { demoLearners } from '../../../src/lib/server/seed/demo.ts';
import { describeRefusal } from '../../../src/lib/server/h5p/refusal.ts';
import { openDatabase } from '../../../src/lib/server/db.ts';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { storeH5pPackage } from '../../../src/lib/server/h5p/store.ts';
import { createGrant } from '../../../src/lib/server/h5p/player.ts';
import { craftPackage } from '../../fixtures/h5p/crafted.ts';
import { iso2022jpSvg, packageWith } from '../../fixtures/h5p/encoding-tricks.ts';
import { SAMPLES_DIR, samplesPresent, NEEDS_SAMPLES } from '../../helpers/h5p-samples.ts';

/**
 * H5P activities end to end, with the real sample packages from
 * ../shared/h5p-samples: jānis.liepa (teacher, Olaine) builds a course whose
 * lessons carry MultiChoice, TrueFalse, Blanks and QuestionSet activities,
 * sees a broken package refused with its reason, and publishes. A learner of
 * Olaine plays each activity in the sandboxed player; the results are saved,
 * the lessons count as done, the learner resumes where they left, and the
 * teacher's gradebook shows the scores.
 *
 * Enrolment has no page yet (it comes with the placement issue): the test
 * enrols the learner in the new course directly in the test server's database.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/** A second Olaine learner (204101 is busy in the other learner stories). */
const learner = demoLearners(new Date()).filter((l) => l.facility === 'OLA')[1]!;

interface Activity {
  lesson: string;
  sample: string;
  pass: number;
}

const ACTIVITIES: Activity[] = [
  { lesson: 'Krāsas', sample: 'H5P.MultiChoice.h5p', pass: 100 },
  { lesson: 'Pilsētas', sample: 'H5P.TrueFalse.h5p', pass: 100 },
  { lesson: 'Ogas', sample: 'H5P.Blanks.h5p', pass: 60 },
  { lesson: 'Tests', sample: 'H5P.QuestionSet.h5p', pass: 0 },
  { lesson: 'Eseja', sample: 'H5P.Essay.h5p', pass: 50 },
];

function enrol(courseId: string, inmateNumber: string): void {
  const db = new Database(path.join(process.env.TILTS_E2E_DATA_DIR!, 'tilts.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const learnerId = db.prepare('SELECT id FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber) as number;
    const now = new Date().toISOString();
    db.prepare("INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at) VALUES (?, ?, 'enrolled', ?, ?)").run(learnerId, courseId, now, now);
  } finally {
    db.close();
  }
}

const ESSAY =
  'The Hobbit is about Bilbo, who goes on an adventure with Gandalf and the dwarfs. They travel far to take back the treasure from the dragon Smaug.';

/** The player of the page's activity (a sandboxed frame). */
const player = (page: Page): FrameLocator => page.frameLocator('iframe.h5p-frame');

/** Gives some answer to the H5P question in `q` (right or wrong does not matter here). */
async function answerAnyhow(q: Locator): Promise<void> {
  const kinds: Array<[string, (l: Locator) => Promise<void>]> = [
    ['.h5p-answer', (l) => l.first().click()],
    ['[role="radio"]', (l) => l.first().click()],
    ['input.h5p-text-input', async (l) => {
      for (const input of await l.all()) {
        await input.fill('x');
        await input.press('Tab');
      }
    }],
    ['.h5p-word-selectable-words [role="option"], .h5p-word-selectable-words span.h5p-word', (l) => l.first().click()],
    ['.h5p-drag-draggable', (l) => l.first().dragTo(q.locator('.h5p-drag-dropzone').first())],
  ];
  for (const [selector, answer] of kinds) {
    const found = q.locator(selector);
    if (await found.count()) {
      await answer(found);
      return;
    }
  }
  // Others (this set's drag-and-drop has no right placement): checking them counts as answering.
  const check = q.locator('.h5p-question-check-answer:visible');
  if (await check.count()) await check.first().click();
  else throw new Error(`no known question kind in ${(await q.innerHTML()).slice(0, 300)}`);
}

async function uploadActivity(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }, pass: number): Promise<void> {
  await page.getByLabel(lv('activity.uploadLabel'), { exact: true }).setInputFiles(file);
  await page.getByLabel(lv('activity.passPercentLabel')).last().fill(String(pass));
  await page.getByRole('button', { name: lv('activity.upload') }).click();
}

test.describe(`H5P activities in lessons${NEEDS_SAMPLES}`, () => {
  test.use({ actionTimeout: 20_000 });
  test.skip(!samplesPresent, `no H5P samples at ${SAMPLES_DIR}`);

  test('a teacher adds H5P activities, a learner plays them, and the scores reach the gradebook', async ({ page, browser, baseURL }) => {
    // Generous: five activities played in a real browser, and publishing asks first (one more page).
    test.setTimeout(420_000);
    const courseId = `h5p-${Date.now().toString(36)}`;
    await signIn(page, ACCOUNTS.janisLiepa, { check: false });
    await checkPage(page);

    // A new course with one lesson per activity.
    await page.goto('/teach/author/new');
    await checkPage(page);
    await page.getByLabel(lv('authoring.courseId'), { exact: true }).fill(courseId);
    for (const l of ['lv', 'en', 'ru'] as const) {
      await page.getByLabel(lv('authoring.titleIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill(`Interaktīvie uzdevumi (${l})`);
      await page.getByLabel(lv('authoring.summaryIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill('Uzdevumi ar H5P.');
    }
    await page.getByLabel(lv('authoring.track'), { exact: true }).selectOption({ label: lv('track.life-skills') });
    await page.getByLabel(lv('authoring.level'), { exact: true }).selectOption({ label: lv('authoring.levelLabel.general') });
    await page.getByLabel(lv('authoring.hours')).fill('4');
    await page.getByRole('button', { name: lv('authoring.create') }).click();
    await expect(page).toHaveURL(new RegExp(`/teach/author/${courseId}$`));
    await checkPage(page);
    const moduleTitle = 'Pirmais modulis';
    const section = page.getByRole('region', { name: moduleTitle, exact: true });
    // The first lesson of a new course is removed; one lesson per activity takes its place.
    await section.locator(`a[href$="${encodeURIComponent('/01-ievads.md')}"]`).waitFor();
    for (const a of ACTIVITIES) {
      await section.getByLabel(lv('authoring.newItemTitle')).fill(a.lesson);
      await section.getByLabel(lv('authoring.kind')).selectOption({ label: lv('learn.kindLesson') });
      await section.getByRole('button', { name: lv('authoring.addItem'), exact: true }).click();
      await expect(page.getByRole('status')).toHaveText(lv('common.saved'));
      await checkPage(page);
    }

    for (const [i, a] of ACTIVITIES.entries()) {
      await page.goto(`/teach/author/${courseId}`);
      await checkPage(page);
      await section.getByRole('link', { name: new RegExp(`${a.lesson}$`) }).click();
      await expect(page).toHaveURL(/\/lesson\?path=/);
      await checkPage(page);
      await page.getByLabel(lv('authoring.markdown')).fill(`Izpildi uzdevumu zemāk.\n`);
      await page.getByRole('button', { name: lv('common.save'), exact: true }).click();
      await checkPage(page);
      if (i === 0) {
        // A broken package is refused with its reason; nothing is attached.
        await uploadActivity(page, path.join(SAMPLES_DIR, 'invalid', 'missing-preloaded-js.h5p'), a.pass);
        await expect(page.getByRole('alert')).toContainText(lv('activity.refused'));
        await expect(page.getByRole('alert')).toContainText(describeRefusal('lv', { code: 'h5p.preloadedFileMissing', detail: '' }).split(':')[0]!);
        await checkPage(page, { screenshot: 'teacher-h5p-refused' });
        // The security test's package: an SVG declared as ISO-2022-JP hides a script from a UTF-8 check (issue 13).
        const trick = { name: 'karte.h5p', mimeType: 'application/octet-stream', buffer: await packageWith('content/images/karte.svg', iso2022jpSvg()) };
        await uploadActivity(page, trick, a.pass);
        await expect(page.getByRole('alert')).toContainText(
          describeRefusal('lv', { code: 'h5p.textEncoding', detail: 'content/images/karte.svg: the encoding "ISO-2022-JP"' }),
        );
        await checkPage(page, { screenshot: 'teacher-h5p-refused-encoding' });
      }
      await uploadActivity(page, path.join(SAMPLES_DIR, 'valid', a.sample), a.pass);
      await expect(page.getByRole('status').first()).toHaveText(`${lv('activity.attached')} ${lv('authoring.publishToShow')}`);
      // The teacher's preview plays the activity (nothing is saved).
      await expect(player(page).locator('.h5p-content')).toBeVisible({ timeout: 20_000 });
      await checkPage(page, i === 0 ? { screenshot: 'teacher-h5p-lesson-editor' } : {});
    }
    await page.goto(`/teach/author/${courseId}`);
    await checkPage(page);
    // Publishing asks first, with what learners will see: the lessons and their H5P activities, by name.
    await page.getByRole('link', { name: lv('authoring.publish'), exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.publishCheck'));
    for (const a of ACTIVITIES) await expect(page.getByRole('listitem').filter({ hasText: a.lesson }).filter({ hasText: 'H5P' })).toHaveCount(1);
    await expect(page.getByText('[picture]')).toHaveCount(0);
    await checkPage(page);
    await page.getByRole('button', { name: lv('authoring.publishNow'), exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(lv('authoring.publishedNow'));
    await checkPage(page);

    enrol(courseId, learner.inmateNumber);

    // The learner plays each activity.
    const study = await newPerson(browser, baseURL!);
    try {
      await signIn(study, { kind: 'learner', inmateNumber: learner.inmateNumber, pin: DEMO_PIN });
      await checkPage(study);
      await study.goto(`/learn/courses/${courseId}`);
      await checkPage(study);

      const open = async (title: string) => {
        await study.goto(`/learn/courses/${courseId}`);
        await checkPage(study);
        await study.getByRole('link', { name: new RegExp(title) }).first().click();
        await expect(study.getByRole('heading', { level: 1 })).toHaveText(title);
        await expect(player(study).locator('.h5p-content')).toBeVisible({ timeout: 20_000 });
      };
      const saved = study.locator('[data-h5p-status]');

      // MultiChoice: the right answer.
      await open('Krāsas');
      await checkPage(study, { screenshot: 'learner-h5p-multichoice' });
      await player(study).getByRole('checkbox', { name: /Very dark purple/ }).or(player(study).locator('.h5p-answer', { hasText: 'Very dark purple' })).first().click();
      await player(study).getByRole('button', { name: 'Check' }).click();
      await expect(saved).toHaveText(lv('activity.savedPassed', { percent: '100\u00a0%' }));
      await checkPage(study, { screenshot: 'learner-h5p-multichoice-saved' });

      // TrueFalse: first wrong (saved, not passed), then right after Retry.
      await open('Pilsētas');
      await player(study).getByRole('radio', { name: 'No' }).click();
      await player(study).getByRole('button', { name: 'Check' }).click();
      await expect(saved).toHaveText(lv('activity.savedTryAgain', { percent: '0\u00a0%', pass: '100\u00a0%' }));
      await player(study).getByRole('button', { name: 'Retry' }).click();
      await expect(player(study).getByRole('radio', { name: 'No' })).toHaveAttribute('aria-checked', 'false');
      await player(study).getByRole('radio', { name: 'Yes' }).click();
      await expect(player(study).getByRole('radio', { name: 'Yes' })).toHaveAttribute('aria-checked', 'true');
      await player(study).getByRole('button', { name: 'Check' }).click();
      await expect(player(study).getByRole('button', { name: 'Check' })).toBeHidden();
      await expect(saved).toHaveText(lv('activity.savedPassed', { percent: '100\u00a0%' }));
      await checkPage(study);

      // Blanks: two of three right (67 % ≥ 60 %); the state is saved, so a reload shows the words again.
      await open('Ogas');
      const blanks = player(study).locator('input.h5p-text-input');
      await expect(blanks).toHaveCount(3);
      const stateSaved = study.waitForResponse((r) => r.url().endsWith('/api/learn/h5p/state') && r.status() === 204);
      await blanks.nth(0).fill('blue');
      await blanks.nth(1).fill('cloud');
      await blanks.nth(1).press('Tab');
      await stateSaved;
      await study.reload();
      await expect(player(study).locator('.h5p-content')).toBeVisible({ timeout: 20_000 });
      await checkPage(study);
      await expect(player(study).locator('input.h5p-text-input').nth(0)).toHaveValue('blue');
      // This Blanks content checks each blank as the learner leaves it (no Check button).
      await player(study).locator('input.h5p-text-input').nth(2).fill('red');
      await player(study).locator('input.h5p-text-input').nth(2).press('Tab');
      await expect(saved).toHaveText(lv('activity.savedPassed', { percent: '66,7\u00a0%' }));
      await checkPage(study, { screenshot: 'learner-h5p-blanks' });

      // QuestionSet: answer and finish.
      await open('Tests');
      // QuestionSet: nine questions of six kinds; Finish appears once every one is answered.
      const set = player(study);
      for (let step = 0; step < 9; step++) {
        const q = set.locator('.question-container:visible');
        await expect(q).toHaveCount(1);
        await answerAnyhow(q);
        if (step < 8) await set.locator('.h5p-question-next:visible').first().click();
      }
      await set.locator('.h5p-question-finish:visible').first().click();
      await expect(saved).not.toBeEmpty({ timeout: 15_000 });
      await checkPage(study, { screenshot: 'learner-h5p-questionset' });

      // Essay: the learner's text waits for the teacher.
      await open('Eseja');
      await player(study).locator('textarea').fill(ESSAY);
      await player(study).getByRole('button', { name: 'Check' }).click();
      await expect(saved).toHaveText(lv('activity.savedPending'));
      await checkPage(study, { screenshot: 'learner-h5p-essay' });

      await study.goto(`/learn/courses/${courseId}`);
      await checkPage(study, { screenshot: 'learner-h5p-course' });
      await expect(study.getByText(lv('learn.statePending'))).toBeVisible();
    } finally {
      await finishPerson(study);
    }

    // The teacher grades the essay with a comment.
    await page.goto(`/teach/courses/${courseId}`);
    await checkPage(page);
    await page.getByRole('link', { name: lv('essay.openGrading', { count: 1 }) }).click();
    await checkPage(page, { screenshot: 'teacher-h5p-essay-grading' });
    const essay = page.getByRole('region', { name: new RegExp(`${learner.surname}.*Eseja`) });
    await expect(essay).toContainText(ESSAY);
    await essay.getByLabel(lv('essay.pointsLabel', { max: 100 })).fill('80');
    await essay.getByLabel(lv('essay.commentLabel')).fill('Labi uzrakstīts. Nākamreiz piemini arī pūķi.');
    await essay.getByRole('button', { name: lv('essay.saveGrade') }).click();
    await expect(page.getByRole('status')).toHaveText(lv('essay.saved'));
    await checkPage(page);

    // The learner sees the grade and the comment; the lesson is done.
    const again = await newPerson(browser, baseURL!);
    try {
      await signIn(again, { kind: 'learner', inmateNumber: learner.inmateNumber, pin: DEMO_PIN }, { check: false });
      await checkPage(again);
      await again.goto(`/learn/courses/${courseId}`);
      await checkPage(again);
      await again.getByRole('link', { name: /Eseja/ }).first().click();
      await expect(player(again).locator('.h5p-content')).toBeVisible({ timeout: 20_000 });
      await expect(again.getByText(lv('activity.teacherGrade', { percent: '80\u00a0%' }))).toBeVisible();
      await expect(again.getByText('Labi uzrakstīts. Nākamreiz piemini arī pūķi.')).toBeVisible();
      await checkPage(again, { screenshot: 'learner-h5p-essay-graded' });
    } finally {
      await finishPerson(again);
    }

    // The teacher's gradebook shows the scores.
    await page.goto(`/teach/courses/${courseId}`);
    await checkPage(page, { screenshot: 'teacher-h5p-gradebook' });
    const row = page.getByRole('row', { name: new RegExp(learner.surname) });
    // Percentages as Latvian writes them (a no-break space, a decimal comma).
    await expect(row).toContainText('100\u00a0%');
    await expect(row).toContainText('66,7\u00a0%');
    await expect(row).toContainText('✓ 80\u00a0%');
  });

  test('nothing under the player path runs as the app, even when a staff member opens a file of it directly in a tab', async ({ browser, baseURL }) => {
    // Content stored straight into the test server's database and folder (as an upload would), then a picture with a
    // script planted next to it: as if it had got past every import check, by a trick nobody knows yet.
    const dataDir = process.env.TILTS_E2E_DATA_DIR!;
    const db = openDatabase(path.join(dataDir, 'tilts.db'));
    let grant: string;
    try {
      // The package's own library script is the payload (the player path's CSP blocks inline scripts, not our own origin's files).
      const probe = [
        "document.documentElement.setAttribute('data-origin', String(self.origin));",
        "try { document.documentElement.setAttribute('data-cookie', document.cookie); } catch (e) { document.documentElement.setAttribute('data-cookie', e.name); }",
      ].join('\n');
      const stored = await storeH5pPackage(
        db,
        dataDir,
        { userId: null, audit: SYSTEM_ACTOR },
        await craftPackage([{ name: 'H5P.Crafted-1.0/crafted.js', data: probe }], { title: 'Opaque origin', patch: 77 }),
      );
      if (!stored.ok) throw new Error(`the crafted package must import: ${stored.code}`);
      grant = createGrant(db, stored.contentId);
      fs.writeFileSync(
        path.join(dataDir, 'h5p', 'content', String(stored.contentId), 'bypass.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><script xlink:href="../libraries/H5P.Crafted-1.0/crafted.js"/></svg>',
      );
    } finally {
      db.close();
    }
    // An unwatched tab of its own: this test makes the blocked requests and refused reads on purpose.
    const context = await browser.newContext({ baseURL, locale: 'lv-LV' });
    const page = await context.newPage();
    try {
      await signIn(page, ACCOUNTS.janisLiepa, { check: false });
      // On our own pages the cookies the app leaves to scripts can be read.
      expect(await page.evaluate(() => typeof document.cookie)).toBe('string');

      // The picture, opened directly: its script runs, but in an opaque origin, without the app's cookies.
      await page.goto(`/h5p/play/${grant}/content/bypass.svg`);
      const attribute = (name: string) => page.evaluate((n) => document.documentElement.getAttribute(n), name);
      await expect.poll(() => attribute('data-origin')).toBe('null');
      expect(await attribute('data-cookie')).toBe('SecurityError');
      // Nor can it read a page of the app with the staff member's session: the request is cross-origin and cookieless.
      const read = () =>
        page.evaluate(async () => {
          try {
            const reply = await fetch('/teach', { credentials: 'include' });
            return `read ${reply.status}: ${(await reply.text()).slice(0, 80)}`;
          } catch (e) {
            return (e as Error).name;
          }
        });
      expect(await read()).toBe('TypeError');

      // The frame document, opened directly: the same opaque origin, no cookies, no storage.
      await page.goto(`/h5p/play/${grant}/`);
      expect(await page.evaluate(() => self.origin)).toBe('null');
      expect(await page.evaluate(() => { try { return document.cookie; } catch (e) { return (e as Error).name; } })).toBe('SecurityError');
      // The app's own storage is out of reach (the frame script gives H5P an in-memory stand-in for localStorage).
      expect(await page.evaluate(() => localStorage instanceof Storage)).toBe(false);
      expect(
        await page.evaluate(() => new Promise((resolve) => {
          const open = indexedDB.open('tilts-probe');
          open.onsuccess = () => resolve('opened');
          open.onerror = () => resolve(open.error?.name ?? 'error');
        }).catch((e: Error) => e.name)),
      ).not.toBe('opened');
      expect(await read()).toBe('TypeError');

      // Back on our own pages the staff member is still signed in: nothing was taken from their session.
      await page.goto('/teach');
      await expect(page).toHaveURL(/\/teach$/);
    } finally {
      await context.close();
    }
  });
});
