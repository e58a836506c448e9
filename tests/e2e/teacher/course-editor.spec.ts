import type { Page } from '@playwright/test';
import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS, type Credentials } from '../../helpers/accounts.ts';
import { LANGUAGE_NAMES } from '../../../src/lib/i18n/index.ts';
import type { Locale } from '../../../src/lib/shared/domain.ts';
import { summarySentence } from '../../../src/lib/server/authoring/change-words.ts';

/**
 * The course editor as a teacher uses it every day: courses and lessons by
 * their titles, the preview beside the text as it is typed, the level picked
 * from a list, Save and Publish always in reach, a summary before publishing
 * and the history in plain words. Told twice: by jānis.liepa in Latvian and by
 * pēteris.krūmiņš (whom no other browser test signs in) in Russian, each at
 * 1,280 and 1,024 px wide. Each makes a course of its own.
 */

test.describe.configure({ mode: 'parallel' });

const STORIES: Array<{ who: string; account: Credentials; locale: Locale }> = [
  { who: 'jānis.liepa in Latvian', account: ACCOUNTS.janisLiepa, locale: 'lv' },
  { who: 'pēteris.krūmiņš in Russian', account: ACCOUNTS.peterisKrumins, locale: 'ru' },
];

const NO_CHANGES = {
  lessons: { added: 0, changed: 0, removed: 0 },
  quizzes: { added: 0, changed: 0, removed: 0 },
  activities: { added: 0, replaced: 0, removed: 0 },
  pictures: { added: 0, replaced: 0, removed: 0 },
  settings: false,
  structure: false,
};

/** Is the element's bottom edge at the bottom of the window (the sticky bar)? */
async function bottomGap(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate((el) => Math.abs(window.innerHeight - el.getBoundingClientRect().bottom));
}

for (const { who, account, locale } of STORIES) {
  test(`${who}: opens a course by its title, writes a lesson beside its live preview, picks a level, publishes after reading the summary and reads the history in words`, async ({ page, browser, baseURL }) => {
    test.setTimeout(180_000);
    const tr = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text(locale, key, params);
    const id = `redaktors-${locale}-${Date.now().toString(36)}`;
    const title = locale === 'lv' ? `Budžets ${id.slice(-4)}` : `Бюджет ${id.slice(-4)}`;
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, account, { check: false });
    await checkPage(page);
    if (locale !== 'lv') {
      // Pēteris reads Russian: his choice, remembered on his account (the header's language switcher posts the same).
      const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
      await page.request.post('/lang', { form: { locale, next: '/teach/author', _csrf: csrf ?? '' }, headers: { Origin: baseURL! } });
    }

    // A new course: the level is chosen from the levels of its track, by name.
    await page.goto('/teach/author/new');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr('authoring.newCourse'));
    await page.getByLabel(tr('authoring.courseId'), { exact: true }).fill(id);
    for (const l of ['lv', 'en', 'ru'] as const) {
      await page.getByLabel(tr('authoring.titleIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill(title);
      await page.getByLabel(tr('authoring.summaryIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill('Kā plānot naudu mēnesim.');
    }
    await page.getByLabel(tr('authoring.track'), { exact: true }).selectOption({ label: tr('track.general-education') });
    const level = page.getByLabel(tr('authoring.level'), { exact: true });
    await expect(level.locator('optgroup')).toHaveCount(4);
    await level.selectOption({ label: tr('authoring.levelLabel.basic-7') });
    await page.getByLabel(tr('authoring.hours')).fill('8');
    await checkPage(page, { screenshot: `teacher-editor-new-${locale}` });
    await page.getByRole('button', { name: tr('authoring.create') }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page.getByLabel(tr('authoring.level'), { exact: true }).locator('option:checked')).toHaveText(tr('authoring.levelLabel.basic-7'));
    await checkPage(page);

    // The first publication: everything is new.
    await page.getByRole('link', { name: tr('authoring.publish'), exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(tr('authoring.publishCheck'));
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(tr('authoring.publishFirst'));
    await expect(page.getByTestId('publish-summary')).toHaveText(summarySentence(locale, { ...NO_CHANGES, lessons: { added: 1, changed: 0, removed: 0 } }));
    await checkPage(page);
    await page.getByRole('button', { name: tr('authoring.publishNow') }).click();
    await expect(page.getByRole('status')).toHaveText(tr('authoring.publishedNow'));
    await checkPage(page);

    // The course is found by its title in the editor's list (no ids, no paths).
    await page.getByRole('navigation', { name: tr('learn.breadcrumbs') }).getByRole('link', { name: tr('authoring.title') }).click();
    await expect(page.getByText(id)).toHaveCount(0);
    await checkPage(page);
    await page.getByRole('link', { name: title, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await checkPage(page);
    // The course is written in Latvian (the new-course form's default language): its first lesson is "Ievads".
    const firstLesson = 'Ievads';
    await page.getByRole('link', { name: new RegExp(`${firstLesson}$`) }).click();

    // The lesson: breadcrumbs of titles, the text on the left and the preview on the right.
    const crumbs = page.getByRole('navigation', { name: tr('learn.breadcrumbs') }).getByRole('listitem');
    await expect(crumbs).toHaveText([tr('authoring.title'), title, firstLesson]);
    const textarea = page.getByLabel(tr('authoring.markdown'));
    const preview = page.getByRole('region', { name: tr('authoring.preview') });
    const [textBox, previewBox] = [await textarea.boundingBox(), await preview.boundingBox()];
    expect(previewBox!.x, 'the preview is to the right of the text').toBeGreaterThan(textBox!.x + textBox!.width - 1);
    expect(previewBox!.y, 'side by side, not one below the other').toBeLessThan(textBox!.y + textBox!.height);
    // With JavaScript the preview needs no button.
    await expect(page.getByRole('button', { name: tr('authoring.showPreview') })).toBeHidden();

    // The preview follows the typing.
    await textarea.fill('# Kas ir budžets\n\nBudžets ir plāns.\n');
    await expect(preview.getByRole('heading', { name: 'Kas ir budžets' })).toBeVisible();
    await textarea.pressSequentially('\n- Ienākumi\n- Izdevumi\n');
    await expect(preview.getByRole('listitem')).toHaveText(['Ienākumi', 'Izdevumi']);
    // Nothing was saved by it.
    await expect(page.getByRole('status')).toHaveCount(0);
    await checkPage(page, { screenshot: `teacher-editor-lesson-${locale}-1280` });

    // A long lesson: the preview scrolls in its own box, and Save stays at the bottom of the window.
    const long = Array.from({ length: 60 }, (_, i) => `Rindkopa ${i + 1} par budžetu un izdevumiem.`).join('\n\n');
    await textarea.fill(`# Kas ir budžets\n\n${long}\n`);
    await expect(preview).toContainText('Rindkopa 60 par');
    const scrolls = await preview.evaluate((el) => el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY === 'auto');
    expect(scrolls, 'the preview scrolls in its own box').toBe(true);
    const bar = page.getByRole('group', { name: tr('authoring.saveBar') });
    await expect(bar.getByRole('button', { name: tr('common.save'), exact: true })).toBeInViewport();
    expect(await bottomGap(page, '.save-bar')).toBeLessThan(2);
    await page.mouse.wheel(0, 600);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await expect(bar.getByRole('button', { name: tr('common.save'), exact: true })).toBeInViewport();
    expect(await bottomGap(page, '.save-bar')).toBeLessThan(2);

    // At 1,024 px the two boxes are still side by side.
    await page.setViewportSize({ width: 1024, height: 768 });
    const [narrowText, narrowPreview] = [await textarea.boundingBox(), await preview.boundingBox()];
    expect(narrowPreview!.x).toBeGreaterThan(narrowText!.x + narrowText!.width - 1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await checkPage(page, { screenshot: `teacher-editor-lesson-${locale}-1024` });
    await page.setViewportSize({ width: 1280, height: 800 });

    await bar.getByRole('button', { name: tr('common.save'), exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(`${tr('common.saved')} ${tr('authoring.publishToShow')}`);
    await expect(preview).toContainText('Rindkopa 60 par');
    await checkPage(page);

    // A test is added on the course page.
    await page.getByRole('navigation', { name: tr('learn.breadcrumbs') }).getByRole('link', { name: title }).click();
    await checkPage(page);
    const section = page.getByRole('region', { name: 'Pirmais modulis', exact: true });
    await section.getByLabel(tr('authoring.newItemTitle')).fill('Nauda');
    await section.getByLabel(tr('authoring.kind')).selectOption({ label: tr('learn.kindQuiz') });
    await section.getByRole('button', { name: tr('authoring.addItem'), exact: true }).click();
    await expect(page.getByRole('status')).toHaveText(tr('common.saved'));
    // The bar says what is not yet published.
    const summary = summarySentence(locale, { ...NO_CHANGES, lessons: { added: 0, changed: 1, removed: 0 }, quizzes: { added: 1, changed: 0, removed: 0 } });
    // Read as words: "1 nodarbība mainīta, 1 tests pievienots" / "Изменён 1 урок, добавлен 1 тест".
    expect(summary).toBe(locale === 'lv' ? '1 nodarbība mainīta, 1 tests pievienots' : 'Изменён 1 урок, добавлен 1 тест');
    await expect(page.getByRole('group', { name: tr('authoring.saveBar') })).toContainText(summary);
    await checkPage(page, { screenshot: `teacher-editor-course-${locale}` });

    // Publish: the summary and each change in words, then publish.
    await page.getByRole('link', { name: tr('authoring.publish'), exact: true }).click();
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(tr('authoring.publishWillShow'));
    await expect(page.getByTestId('publish-summary')).toHaveText(summary);
    await expect(page.getByRole('listitem').filter({ hasText: firstLesson })).toHaveText(tr('authoring.ch.lessonText', { title: firstLesson }));
    await expect(page.getByRole('listitem').filter({ hasText: 'Nauda' })).toHaveText(tr('authoring.ch.quizAdded', { title: 'Nauda' }));
    await checkPage(page, { screenshot: `teacher-editor-publish-${locale}` });
    await page.getByRole('button', { name: tr('authoring.publishNow') }).click();
    await expect(page.getByRole('status')).toHaveText(tr('authoring.publishedNow'));
    await checkPage(page);

    // The history in plain words: who, when, what; the files only behind "Details".
    await page.getByRole('link', { name: tr('authoring.history') }).click();
    const rows = page.getByRole('table', { name: tr('authoring.history') }).locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).getByRole('listitem')).toHaveText([tr('authoring.ch.lessonText', { title: firstLesson }), tr('authoring.ch.quizAdded', { title: 'Nauda' })]);
    await expect(rows.nth(1).getByRole('listitem')).toHaveText([tr('authoring.ch.lessonAdded', { title: firstLesson })]);
    await expect(page.locator('.diff-file').first()).toBeHidden();
    await expect(page.getByText('.quiz.yaml').filter({ visible: true })).toHaveCount(0);
    await checkPage(page, { screenshot: `teacher-editor-history-${locale}` });
    await page.getByText(tr('authoring.fileDetails'), { exact: true }).click();
    await expect(page.getByRole('heading', { level: 3, name: 'modulis-1/02-nauda.quiz.yaml' })).toBeVisible();
    await checkPage(page);

    // Without JavaScript (a terminal or browser that runs none) the preview comes with a button.
    const plain = await browser.newContext({ baseURL, javaScriptEnabled: false, locale });
    try {
      const noScript = await plain.newPage();
      await signIn(noScript, account, { check: false, locale: 'lv' });
      await noScript.goto(page.url().replace(/\/history.*$/, ''));
      await noScript.getByRole('link', { name: new RegExp(`${firstLesson}$`) }).click();
      await noScript.getByLabel(tr('authoring.markdown')).fill('# Plāns bez skripta\n');
      await noScript.getByRole('button', { name: tr('authoring.showPreview') }).click();
      await expect(noScript.getByRole('region', { name: tr('authoring.preview') }).getByRole('heading', { name: 'Plāns bez skripta' })).toBeVisible();
      await expect(noScript.getByLabel(tr('authoring.markdown'))).toHaveValue('# Plāns bez skripta\n');
      await expect(noScript.getByRole('status')).toHaveCount(0);
    } finally {
      await plain.close();
    }
  });
}
