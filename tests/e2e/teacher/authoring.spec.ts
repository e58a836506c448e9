import fs from 'node:fs';
import zlib from 'node:zlib';
import { stringify } from 'yaml';
import yazl from 'yazl';
import type { Locator, Page } from '@playwright/test';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, type Credentials } from '../../helpers/accounts.ts';
import { LANGUAGE_NAMES, t } from '../../../src/lib/i18n/index.ts';
import type { Locale } from '../../../src/lib/shared/domain.ts';
import { loadPackage, memoryPackage } from '../../../src/lib/server/courses/load.ts';
import { readPackageZip } from '../../../src/lib/server/authoring/package-zip.ts';

/**
 * The course editor in the browser (/teach/author), as jānis.liepa (Olaine,
 * Latvian) uses it. Every test makes its own course with a unique id, so the
 * shared demo database stays usable for the other browser tests.
 *
 * Not covered here: that learners keep their progress through publish and
 * rollback. No page enrols a learner yet; tests/unit/authoring covers it.
 */

// Each story makes its own course: they need not wait for one another.
test.describe.configure({ mode: 'parallel' });

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/** A course id nobody else has: the test's name, the time and a random part. */
function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

interface NewCourse {
  id: string;
  title: Record<Locale, string>;
  summary: Record<Locale, string>;
}

function course(prefix: string): NewCourse {
  return {
    id: uniqueId(prefix),
    title: { lv: `Darba drošība ${prefix}`, en: `Safety at work ${prefix}`, ru: `Безопасность труда ${prefix}` },
    summary: { lv: 'Kā strādāt droši darbnīcā.', en: 'How to work safely in the workshop.', ru: 'Как безопасно работать в мастерской.' },
  };
}

/** The first module and lesson every new Latvian course starts with. */
const FIRST_MODULE = 'Pirmais modulis';
const FIRST_LESSON_FILE = '01-ievads.md';

/** Signs in as jānis.liepa; the sign-in page itself is checked by the teacher's first story. */
async function signInJanis(page: Page): Promise<void> {
  await signIn(page, ACCOUNTS.janisLiepa, { check: false });
  await checkPage(page);
}

/**
 * Creates a course with the editor's "New course" form and lands on its page.
 * `fromMenu`: start on the teacher's home page and go through the main menu
 * and the editor's list, as a teacher does the first time.
 */
async function createCourse(page: Page, c: NewCourse, { fromMenu = false } = {}): Promise<void> {
  if (fromMenu) {
    await expect(page).toHaveURL(/\/teach$/);
    await page.getByRole('navigation', { name: lv('layout.mainMenu') }).getByRole('link', { name: lv('nav.author') }).click();
    await expect(page).toHaveURL(/\/teach\/author$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.title'));
    await checkPage(page, { screenshot: 'teacher-author-list', zoom: true });
    await page.getByRole('link', { name: lv('authoring.newCourse') }).click();
  } else {
    await page.goto('/teach/author/new');
  }
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.newCourse'));
  await checkPage(page);
  await page.getByLabel(lv('authoring.courseId'), { exact: true }).fill(c.id);
  for (const l of ['lv', 'en', 'ru'] as const) {
    await page.getByLabel(lv('authoring.titleIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill(c.title[l]);
    await page.getByLabel(lv('authoring.summaryIn', { language: LANGUAGE_NAMES[l] }), { exact: true }).fill(c.summary[l]);
  }
  await page.getByLabel(lv('authoring.track'), { exact: true }).selectOption({ label: lv('track.life-skills') });
  await page.getByLabel(lv('authoring.level'), { exact: true }).selectOption({ label: lv('authoring.levelLabel.general') });
  await page.getByLabel(lv('authoring.hours')).fill('8');
  await page.getByRole('button', { name: lv('authoring.create') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/author/${c.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(c.title.lv);
  await checkPage(page);
}

/** A module's part of the course page (its section is labelled with the module's title). */
function moduleSection(page: Page, title: string): Locator {
  return page.getByRole('region', { name: title, exact: true });
}

/** From the course page: open a lesson or quiz of a module by its file name. */
async function openItem(page: Page, moduleTitle: string, file: string): Promise<void> {
  // Items are listed by their titles; the link's address names the file.
  await moduleSection(page, moduleTitle).locator(`a[href$="${encodeURIComponent('/' + file)}"]`).click();
  await expect(page).toHaveURL(/\/teach\/author\/[\w-]+\/(lesson|quiz)\?path=/);
  await checkPage(page);
}

/** On the lesson editor: replace the Markdown and press Save. */
async function saveLessonBody(page: Page, body: string): Promise<void> {
  await page.getByLabel(lv('authoring.markdown')).fill(body);
  await page.getByRole('button', { name: lv('common.save'), exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`${lv('common.saved')} ${lv('authoring.publishToShow')}`);
  await checkPage(page);
}

async function backToCourse(page: Page, c: NewCourse): Promise<void> {
  await page.getByRole('link', { name: lv('authoring.backToCourse') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/author/${c.id}$`));
  await checkPage(page);
}

/** From the course page: Publish, read the summary on the confirm step, publish now; back on the course page. */
async function publish(page: Page): Promise<void> {
  await page.getByRole('link', { name: lv('authoring.publish'), exact: true }).click();
  await expect(page).toHaveURL(/\/teach\/author\/[\w-]+\/publish$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.publishCheck'));
  await checkPage(page);
  await page.getByRole('button', { name: lv('authoring.publishNow'), exact: true }).click();
  await expect(page).toHaveURL(/\/teach\/author\/[\w-]+\?published=new$/);
  await expect(page.getByRole('status')).toHaveText(lv('authoring.publishedNow'));
  await checkPage(page);
}

/** Adds a lesson or quiz at the end of a module with the module's own "add" form. */
async function addItem(page: Page, moduleTitle: string, title: string, kind: 'lesson' | 'quiz'): Promise<void> {
  const section = moduleSection(page, moduleTitle);
  await section.getByLabel(lv('authoring.newItemTitle')).fill(title);
  await section.getByLabel(lv('authoring.kind')).selectOption({ label: lv(kind === 'quiz' ? 'learn.kindQuiz' : 'learn.kindLesson') });
  await section.getByRole('button', { name: lv('authoring.addItem'), exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(lv('common.saved'));
  await checkPage(page);
}

/** Downloads the course with the page's "Download .zip" link; returns the bytes. */
async function exportZip(page: Page, file: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: lv('authoring.export') }).click()]);
  await download.saveAs(file);
  return fs.readFileSync(file);
}

/** A PNG made here: width × height pixels of one colour (RGB), with real CRCs. */
function makePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** A .zip of these files under one top folder, as yazl writes it. */
function zipOf(folder: string, files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [rel, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content, 'utf8'), `${folder}/${rel}`);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

test('a teacher creates a course, writes a lesson with a preview, builds a quiz, publishes it and finds it among the courses they teach', async ({ page }) => {
  // The longest story: about twenty pages, each checked with axe.
  test.setTimeout(120_000);
  const c = course('kurss');
  await signInJanis(page);
  await createCourse(page, c, { fromMenu: true });
  await expect(moduleSection(page, FIRST_MODULE).getByRole('link')).toHaveCount(1);

  // The first lesson: Markdown with a table, an outside link and raw HTML.
  await openItem(page, FIRST_MODULE, FIRST_LESSON_FILE);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.editLesson'));
  const body = [
    '# Aizsardzības līdzekļi',
    '',
    '| Līdzeklis | Kad lietot |',
    '|---|---|',
    '| Cimdi | Vienmēr |',
    '| Ķivere | Būvlaukumā |',
    '',
    'Vairāk: [NVA](https://nva.gov.lv)',
    '',
    '<script>alert(1)</script>',
    '',
  ].join('\n');
  await page.getByLabel(lv('authoring.lessonTitle')).fill('Drošība darbnīcā');
  // The preview beside the text follows the typing (no button with JavaScript; course-editor.spec.ts covers the button).
  await page.getByLabel(lv('authoring.markdown')).fill(body);
  const preview = page.getByRole('region', { name: lv('authoring.preview') });
  await expect(preview.getByRole('table')).toBeVisible();
  await checkPage(page);
  await expect(preview.getByRole('heading', { name: 'Aizsardzības līdzekļi' })).toBeVisible();
  const table = preview.getByRole('table');
  await expect(table.getByRole('columnheader')).toHaveText(['Līdzeklis', 'Kad lietot']);
  await expect(table.getByRole('row').filter({ hasText: 'Ķivere' }).getByRole('cell')).toHaveText(['Ķivere', 'Būvlaukumā']);
  // The outside link is its text only; the HTML is shown as text and never runs.
  await expect(preview).toContainText('Vairāk: NVA');
  await expect(preview.getByRole('link')).toHaveCount(0);
  await expect(preview.locator('a[href]')).toHaveCount(0);
  await expect(preview).toContainText('<script>alert(1)</script>');
  await expect(preview.locator('script')).toHaveCount(0);
  // The preview keeps what was typed and saves nothing.
  await expect(page.getByLabel(lv('authoring.markdown'))).toHaveValue(body);
  await expect(page.getByRole('status')).toHaveCount(0);
  await checkPage(page, { screenshot: 'teacher-author-lesson-preview', zoom: true });
  await saveLessonBody(page, body);
  await expect(preview.getByRole('table')).toBeVisible();
  await backToCourse(page, c);

  // A quiz at the end of the first module; its starter is one true/false question.
  await addItem(page, FIRST_MODULE, 'Pārbaude: drošība', 'quiz');
  await openItem(page, FIRST_MODULE, '02-parbaude-drosiba.quiz.yaml');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.editQuiz'));
  const quizUrl = page.url();
  const questions = page.locator('fieldset.question');
  await expect(questions).toHaveCount(1);
  await page.getByLabel(lv('authoring.quizTitle')).fill('Pārbaude: drošība darbnīcā');
  await page.getByLabel(lv('authoring.passPercent')).fill('60');
  const first = page.getByRole('group', { name: `${lv('authoring.q.number', { n: 1 })} · ${lv('authoring.q.type.truefalse')}` });
  await first.getByLabel(lv('authoring.q.prompt')).fill('Ķivere būvlaukumā ir obligāta.');

  // "Add a question": a single-choice one, empty.
  await page.getByLabel(lv('authoring.q.addType')).selectOption({ label: lv('authoring.q.type.single') });
  await page.getByRole('button', { name: lv('authoring.q.add') }).click();
  await checkPage(page);
  await expect(questions).toHaveCount(2);
  await expect(first.getByLabel(lv('authoring.q.prompt'))).toHaveValue('Ķivere būvlaukumā ir obligāta.');
  const second = page.getByRole('group', { name: `${lv('authoring.q.number', { n: 2 })} · ${lv('authoring.q.type.single')}` });
  await second.getByLabel(lv('authoring.q.prompt')).fill('Ko vienmēr velk darbnīcā?');
  await second.getByLabel(lv('authoring.q.optionsLabel')).fill('Cimdus\nČības\nUzvalku');
  // The right answer is not one of the options.
  await second.getByLabel(lv('authoring.q.answerLabel')).fill('Cepuri');
  await page.getByRole('button', { name: lv('common.save'), exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('authoring.q.fix', { count: 1 }));
  const answerField = second.locator('.field').filter({ has: page.getByLabel(lv('authoring.q.answerLabel')) });
  await expect(answerField.locator('.field-error')).toHaveText(lv('authoring.q.answerNotOption'));
  await expect(page.locator('.field-error')).toHaveCount(1);
  // What was typed is still there to fix …
  await expect(second.getByLabel(lv('authoring.q.answerLabel'))).toHaveValue('Cepuri');
  await checkPage(page, { screenshot: 'teacher-author-quiz-error', zoom: true });
  // … and nothing was saved: the stored quiz is still the starter.
  const stored = await (await page.request.get(quizUrl)).text();
  expect(stored).toContain('name="q0_type"');
  expect(stored).not.toContain('name="q1_type"');
  expect(stored).not.toContain('Ķivere būvlaukumā ir obligāta.');

  await second.getByLabel(lv('authoring.q.answerLabel')).fill('Cimdus');
  await page.getByRole('button', { name: lv('common.save'), exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`${lv('common.saved')} ${lv('authoring.publishToShow')}`);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await checkPage(page);
  const saved = await (await page.request.get(quizUrl)).text();
  expect(saved).toContain('name="q1_type" value="single"');
  expect(saved).toContain('Ķivere būvlaukumā ir obligāta.');
  expect(saved).toMatch(/id="passPercent"[^>]*value="60"/);
  await backToCourse(page, c);

  // Publish: the course is now one the teacher teaches, with a gradebook.
  await publish(page);
  await checkPage(page, { screenshot: 'teacher-author-course', zoom: true });
  await page.goto('/teach');
  await expect(page).toHaveURL(/\/teach$/);
  await checkPage(page);
  const card = page.locator('li.course-card').filter({ has: page.getByRole('heading', { name: c.title.lv, exact: true }) });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(lv('track.life-skills'));
  await card.getByRole('link', { name: lv('teach.openGradebook') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${c.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('teach.gradebookOf', { title: c.title.lv }));
  await expect(page.getByText(lv('teach.noLearners'))).toBeVisible();
  await checkPage(page);
});

test('a teacher publishes twice, sees the difference in the history and restores the first version', async ({ page }) => {
  // Publishing is two pages now (the summary, then publish): about twenty pages, each checked with axe.
  test.setTimeout(120_000);
  const c = course('vesture');
  await signInJanis(page);
  await createCourse(page, c);
  await openItem(page, FIRST_MODULE, FIRST_LESSON_FILE);
  const lessonUrl = page.url();
  await saveLessonBody(page, 'Pirms darba uzvelciet cimdus.\n\nDarbnīcā neēdiet.\n');
  await backToCourse(page, c);
  await publish(page);

  await page.goto(lessonUrl);
  await checkPage(page);
  await saveLessonBody(page, 'Pirms darba uzvelciet cimdus un brilles.\n\nDarbnīcā neēdiet.\n');
  await backToCourse(page, c);
  await publish(page);

  await page.getByRole('link', { name: lv('authoring.history') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/author/${c.id}/history$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('authoring.history'));
  const rows = page.getByRole('table', { name: lv('authoring.history') }).locator('tbody tr');
  await expect(rows).toHaveCount(2);
  // Newest first; each row names who published it.
  const [second, first] = await rows.locator('td:first-child').allInnerTexts();
  expect(Number(second)).toBeGreaterThan(Number(first));
  await expect(rows.nth(0)).toContainText(lv('authoring.current'));
  await expect(rows.nth(0)).toContainText('Jānis Liepa');
  await expect(rows.nth(1)).toContainText('Jānis Liepa');
  // Each publication in words: the second changed the lesson's text, the first added the lesson.
  await expect(rows.nth(0).getByRole('listitem')).toHaveText([lv('authoring.ch.lessonText', { title: 'Ievads' })]);
  await expect(rows.nth(1).getByRole('listitem')).toHaveText([lv('authoring.ch.lessonAdded', { title: 'Ievads' })]);
  // The newest publication's changes, against the one before it: the lesson's line out and in, behind "Details".
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(lv('authoring.changesIn', { id: second! }));
  const diff = page.locator('.diff-file').filter({ hasText: `modulis-1/${FIRST_LESSON_FILE}` });
  await expect(diff).toBeHidden();
  await page.getByText(lv('authoring.fileDetails'), { exact: true }).click();
  await expect(diff).toBeVisible();
  await expect(diff.getByRole('heading', { level: 3 })).toHaveText(`modulis-1/${FIRST_LESSON_FILE} (${lv('authoring.change.changed')})`);
  await expect(diff.locator('del')).toHaveText(/^Pirms darba uzvelciet cimdus\.\s*$/);
  await expect(diff.locator('ins')).toHaveText(/^Pirms darba uzvelciet cimdus un brilles\.\s*$/);
  await expect(diff).toContainText('Darbnīcā neēdiet.');
  await expect(rows.nth(0).getByRole('button')).toHaveCount(0);
  await checkPage(page, { screenshot: 'teacher-author-history', zoom: true });

  // The first publication, restored: published again as a third, marked as restoring #first.
  await rows.nth(1).getByRole('button', { name: lv('authoring.rollback') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('authoring.rolledBack'));
  await checkPage(page);
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(lv('authoring.rollbackOf', { id: first! }));
  const [third] = await rows.locator('td:first-child').allInnerTexts();
  expect(Number(third)).toBeGreaterThan(Number(second));
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(lv('authoring.changesIn', { id: third! }));
  await expect(rows.nth(0).getByRole('listitem')).toHaveText([lv('authoring.ch.lessonText', { title: 'Ievads' })]);
  await page.getByText(lv('authoring.fileDetails'), { exact: true }).click();
  await expect(diff.locator('del')).toHaveText(/^Pirms darba uzvelciet cimdus un brilles\.\s*$/);
  await expect(diff.locator('ins')).toHaveText(/^Pirms darba uzvelciet cimdus\.\s*$/);

  // The lesson's text is the first version again.
  await page.goto(lessonUrl);
  await checkPage(page);
  await expect(page.getByLabel(lv('authoring.markdown'))).toHaveValue('Pirms darba uzvelciet cimdus.\n\nDarbnīcā neēdiet.\n');
});

test('a teacher downloads a course as .zip, imports the same file and downloads it again byte for byte; a broken package is refused with file, field and reason', async ({ page }, testInfo) => {
  const c = course('zip');
  await signInJanis(page);
  await createCourse(page, c);
  // Something of every kind in the package: a second module, a quiz and a picture.
  await page.getByLabel(lv('authoring.newModuleTitle')).fill('Otrais modulis');
  await page.getByRole('button', { name: lv('authoring.addModule') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('common.saved'));
  await checkPage(page);
  await addItem(page, 'Otrais modulis', 'Noslēguma tests', 'quiz');
  await page.getByLabel(lv('authoring.imageFile')).setInputFiles({ name: 'zime.png', mimeType: 'image/png', buffer: makePng(4, 4, [0, 128, 0]) });
  await page.getByRole('button', { name: lv('authoring.upload') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('authoring.imageAdded') })).toBeVisible();
  await checkPage(page);

  const firstZip = await exportZip(page, testInfo.outputPath('first.zip'));
  const read = await readPackageZip(firstZip);
  expect(read.ok && [...read.files.keys()].sort()).toEqual(['course.yaml', 'images/zime.png', 'modulis-1/01-ievads.md', 'otrais-modulis/01-nosleguma-tests.quiz.yaml']);

  // Import the same file on the editor's list page.
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: lv('authoring.title') }).click();
  await checkPage(page);
  const importForm = page.getByRole('region', { name: lv('authoring.importHeading') });
  await importForm.getByLabel(lv('authoring.zipFile')).setInputFiles(testInfo.outputPath('first.zip'));
  await importForm.getByRole('button', { name: lv('authoring.import') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/author/${c.id}\\?imported=1$`));
  await expect(page.getByRole('status')).toHaveText(lv('authoring.imported'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(c.title.lv);
  await checkPage(page);
  const secondZip = await exportZip(page, testInfo.outputPath('second.zip'));
  expect(secondZip.equals(firstZip), 'the .zip downloaded after importing it is the same, byte for byte').toBe(true);

  // A broken package: a track that does not exist.
  const brokenId = uniqueId('salauzts');
  const manifest = {
    id: brokenId,
    title: { lv: 'Ēdiena gatavošana', en: 'Cooking', ru: 'Кулинария' },
    summary: { lv: 'Virtuvē.', en: 'In the kitchen.', ru: 'На кухне.' },
    track: 'cooking',
    level: 'general',
    hours: 8,
    language: 'lv',
    modules: [{ id: 'virtuve', title: 'Virtuve', items: ['01-nazis.md'] }],
  };
  const files = { 'course.yaml': stringify(manifest), 'virtuve/01-nazis.md': '---\ntitle: Nazis\nminutes: 10\nrequired: true\n---\nNazi tur aiz roktura.\n' };
  const expected = loadPackage(brokenId, memoryPackage(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]))));
  expect(expected.ok).toBe(false);
  const errors = expected.ok ? [] : expected.errors;
  expect(errors).toContainEqual(expect.objectContaining({ file: `${brokenId}/course.yaml`, field: 'track' }));
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: lv('authoring.title') }).click();
  await checkPage(page);
  await importForm.getByLabel(lv('authoring.zipFile')).setInputFiles({ name: 'cooking.zip', mimeType: 'application/zip', buffer: await zipOf(brokenId, files) });
  await importForm.getByRole('button', { name: lv('authoring.import') }).click();
  await expect(page).toHaveURL(/\/teach\/author$/);
  const refusal = importForm.getByRole('alert');
  await expect(refusal.locator('p')).toHaveText(lv('authoring.invalid'));
  await expect(refusal.getByRole('listitem')).toHaveText(errors.map((e) => `${e.file}${e.field ? ` → ${e.field}` : ''}: ${e.reason}`));
  await expect(refusal.getByRole('listitem').first()).toContainText(`${brokenId}/course.yaml → track: `);
  await checkPage(page);
  // Nothing was made of it (the list still has the course imported above).
  await expect(page.locator(`a[href="/teach/author/${c.id}"]`)).toBeVisible();
  await expect(page.getByRole('table', { name: lv('authoring.title') }).getByText(brokenId)).toHaveCount(0);
  expect((await page.request.get(`/teach/author/${brokenId}`)).status()).toBe(404);
});

test('only teachers reach the course editor, and only for their own courses', async ({ page, browser, baseURL }) => {
  // A supervisor and a learner get the 403 page.
  // The learner (Inese Kalniņa, Iļģuciems) is one no other browser test signs in: one terminal at a time.
  const learner: Credentials = { kind: 'learner', inmateNumber: '205248', pin: DEMO_PIN };
  for (const account of [ACCOUNTS.andrisVitols, learner]) {
    const person = await newPerson(browser, baseURL!);
    await signIn(person, account, { check: false });
    await checkPage(person);
    const response = await person.goto('/teach/author');
    expect(response?.status()).toBe(403);
    const locale = (await person.locator('html').getAttribute('lang')) as Locale;
    await expect(person.getByRole('heading', { level: 1 })).toHaveText(t(locale, 'error.forbiddenTitle'));
    await checkPage(person);
    await finishPerson(person);
  }

  // Jānis makes a course; Daiga, a teacher at another prison, cannot see it in the editor.
  const c = course('pieeja');
  await signInJanis(page);
  await createCourse(page, c);

  const daiga = await newPerson(browser, baseURL!);
  await signIn(daiga, ACCOUNTS.daigaBerzina, { check: false });
  await checkPage(daiga);
  // Her language is her own choice (another test switches it): read it from the page.
  const locale = (await daiga.locator('html').getAttribute('lang')) as Locale;
  await daiga.goto('/teach/author');
  await checkPage(daiga);
  await expect(daiga.getByRole('heading', { level: 1 })).toHaveText(t(locale, 'authoring.title'));
  await expect(daiga.getByText(c.id)).toHaveCount(0);
  const response = await daiga.goto(`/teach/author/${c.id}`);
  expect(response?.status()).toBe(404);
  await expect(daiga.getByRole('heading', { level: 1 })).toHaveText(t(locale, 'error.notFoundTitle'));
  await checkPage(daiga);
  for (const path of [`/teach/author/${c.id}/history`, `/teach/author/${c.id}/lesson?path=modulis-1/${FIRST_LESSON_FILE}`, `/teach/author/${c.id}/export.zip`]) {
    expect((await daiga.request.get(path)).status(), path).toBe(404);
  }
  // Nor can she change it with a form of her own (her token from the sign-out form is valid).
  const csrf = await daiga.locator('input[name="_csrf"]').first().getAttribute('value');
  const post = await daiga.request.post(`/teach/author/${c.id}`, { form: { _csrf: csrf ?? '', intent: 'publish' }, headers: { Origin: baseURL! } });
  expect(post.status()).toBe(404);
  await finishPerson(daiga);

  // The course is still Jānis's draft, never published.
  await page.getByRole('link', { name: lv('authoring.history') }).click();
  await expect(page.getByText(lv('authoring.noPublications'))).toBeVisible();
  await checkPage(page);
});

test('a teacher uploads a picture and shows it in a lesson', async ({ page }) => {
  const c = course('attels');
  await signInJanis(page);
  await createCourse(page, c);

  const images = page.getByRole('region', { name: lv('authoring.images') });
  await images.getByLabel(lv('authoring.imageFile')).setInputFiles({ name: 'Drošības zīme.png', mimeType: 'image/png', buffer: makePng(40, 24, [220, 30, 30]) });
  await images.getByRole('button', { name: lv('authoring.upload') }).click();
  const notice = page.getByRole('status').filter({ hasText: lv('authoring.imageAdded') });
  await expect(notice).toBeVisible();
  await checkPage(page);
  const snippet = await notice.locator('code').innerText();
  expect(snippet).toBe('![…](images/drosibas-zime.png)');
  await expect(images.getByRole('listitem')).toHaveText(['images/drosibas-zime.png']);

  // A file that only claims to be a picture is refused.
  await images.getByLabel(lv('authoring.imageFile')).setInputFiles({ name: 'vīruss.png', mimeType: 'image/png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await images.getByRole('button', { name: lv('authoring.upload') }).click();
  await expect(page.getByRole('alert')).toHaveText(lv('authoring.imageType'));
  await checkPage(page);
  await expect(images.getByRole('listitem')).toHaveCount(1);

  await openItem(page, FIRST_MODULE, FIRST_LESSON_FILE);
  const body = `Šī zīme nozīmē "bīstami":\n\n${snippet.replace('…', 'Sarkana drošības zīme')}\n`;
  await page.getByLabel(lv('authoring.markdown')).fill(body);
  // The live preview shows the picture from the draft.
  const picture = page.getByRole('region', { name: lv('authoring.preview') }).getByRole('img', { name: 'Sarkana drošības zīme' });
  await expect(picture).toBeVisible();
  await checkPage(page);
  await picture.scrollIntoViewIfNeeded();
  await expect(picture).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}$/);
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
  await saveLessonBody(page, body);
  await backToCourse(page, c);
  // The package with the picture is valid: it publishes.
  await publish(page);
});
