import fs from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

/**
 * The released person's way to their documents: ieva.ozola (education staff,
 * Olaine) records a learner's release and prints the activation sheet (or
 * downloads it as a PDF); the
 * person, on their own device, activates the account with the code and their
 * birth date, chooses a password, signs in with the sign-in name the sheet
 * and the page show, sees their certificates and the NVA and VPD contacts,
 * and downloads the transcript. The code does not work a second time.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);
// Demo learner 20 is at Olaine, in custody, and no other browser test uses him.
const LEARNER = '/staff/learners/20';
const PASSWORD = 'mana jaunā parole 2026';

test('staff print an activation code; the released person activates, signs in and downloads the transcript', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signIn(page, ACCOUNTS.ievaOzola);
  await page.goto(LEARNER);
  await checkPage(page);
  const birthYear = await page.locator('#f-birthYear').inputValue();
  expect(birthYear).toMatch(/^\d{4}$/);
  const birthDate = `${birthYear}-03-14`;

  // 1. The release, then the portal section appears on the learner's page.
  const release = page.getByRole('region', { name: lv('lifecycle.releaseHeading') });
  await release.getByLabel(lv('lifecycle.confirmReleaseLabel')).check();
  await release.getByRole('button', { name: lv('lifecycle.release') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('lifecycle.released') })).toBeVisible();
  await checkPage(page);
  await page.getByRole('link', { name: lv('activation.portalLink') }).click();
  await expect(page).toHaveURL(new RegExp(`${LEARNER}/portal$`));
  await checkPage(page);

  // 2. The birth date is not on record yet: the code needs it.
  await page.getByRole('button', { name: lv('activation.issue') }).click();
  await expect(page.locator('#f-birthDate-error')).toHaveText(lv('activation.birthDateRequired'));
  await checkPage(page);
  await page.getByLabel(lv('activation.birthDate')).fill(birthDate);
  await page.getByRole('button', { name: lv('activation.issue') }).click();
  const sheet = page.getByTestId('activation-sheet');
  await expect(sheet).toBeVisible();
  const code = (await sheet.getByTestId('activation-code').textContent())!.trim();
  const username = (await sheet.getByTestId('sheet-username').textContent())!.trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  expect(username).toMatch(/^[a-z0-9][a-z0-9.-]+$/);
  await expect(sheet.getByTestId('sheet-address')).toHaveText(`${new URL(baseURL!).origin}/portal/activate`);
  await checkPage(page, { screenshot: 'released-activation-sheet' });
  // The print layout shows the sheet and hides the page around it.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(sheet).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  // … or download the same sheet as a PDF, made from the code on this page.
  const [sheetPdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: lv('activation.sheetPdf') }).click()]);
  expect(sheetPdf.suggestedFilename()).toBe('tilts-aktivizacija.pdf');
  const sheetBytes = fs.readFileSync((await sheetPdf.path())!);
  expect(sheetBytes.subarray(0, 5).toString()).toBe('%PDF-');
  const { text: sheetText } = await extractText(await getDocumentProxy(new Uint8Array(sheetBytes)), { mergePages: true });
  expect(sheetText).toContain(code);
  expect(sheetText).toContain(username);
  await expect(sheet).toBeVisible();

  // 3. The person, on their own device: code and birth date, then a password.
  const person = await newPerson(browser, baseURL!);
  await person.goto('/portal/activate');
  await checkPage(person);
  await person.getByLabel(lv('activation.code')).fill(code.toLowerCase().replace(/-/g, ' '));
  await person.getByLabel(lv('activation.birthDate')).fill(`${birthYear}-03-15`);
  await person.getByRole('button', { name: lv('activation.next') }).click();
  await expect(person.getByRole('alert')).toHaveText(lv('activation.invalid'));
  await checkPage(person);
  await person.getByLabel(lv('activation.code')).fill(code);
  await person.getByLabel(lv('activation.birthDate')).fill(birthDate);
  await person.getByRole('button', { name: lv('activation.next') }).click();
  await expect(person.getByRole('heading', { level: 1 })).toHaveText(lv('activation.passwordTitle'));
  await checkPage(person);
  await person.getByLabel(lv('activation.password'), { exact: true }).fill(PASSWORD);
  await person.getByLabel(lv('activation.repeat')).fill(PASSWORD);
  await person.getByRole('button', { name: lv('activation.save') }).click();
  await expect(person.getByRole('heading', { level: 1 })).toHaveText(lv('activation.doneTitle'));
  await expect(person.getByTestId('sign-in-name')).toHaveText(username);
  await checkPage(person, { screenshot: 'released-activation-done' });

  // 4. Sign in with the sign-in name; the portal shows documents and contacts.
  await person.getByRole('link', { name: lv('activation.goSignIn') }).click();
  await checkPage(person);
  await person.getByLabel(lv('activation.signInName')).fill(username);
  await person.getByLabel(lv('login.password')).fill(PASSWORD);
  await person.getByRole('button', { name: lv('login.submit') }).click();
  await expect(person).toHaveURL(/\/portal$/);
  await expect(person.getByRole('heading', { name: lv('portal.certificatesHeading') })).toBeVisible();
  await expect(person.getByTestId('contact-nva')).toContainText(lv('portal.nvaName'));
  await expect(person.getByTestId('contact-vpd')).toContainText(lv('portal.vpdName'));
  await checkPage(person, { screenshot: 'released-portal', zoom: true });
  const [download] = await Promise.all([person.waitForEvent('download'), person.getByRole('link', { name: lv('portal.transcriptDownload') }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const transcript = await person.request.get('/portal/transcript.pdf');
  expect(transcript.status()).toBe(200);
  expect(transcript.headers()['content-type']).toBe('application/pdf');
  expect((await transcript.body()).subarray(0, 5).toString()).toBe('%PDF-');
  // Nothing else of the platform opens with this account.
  expect((await person.goto('/learn'))?.status()).toBe(403);
  await checkPage(person);
  await finishPerson(person);

  // 5. The code works once.
  const again = await newPerson(browser, baseURL!);
  await again.goto('/portal/activate');
  await checkPage(again);
  await again.getByLabel(lv('activation.code')).fill(code);
  await again.getByLabel(lv('activation.birthDate')).fill(birthDate);
  await again.getByRole('button', { name: lv('activation.next') }).click();
  await expect(again.getByRole('alert')).toHaveText(lv('activation.used'));
  await checkPage(again);
  await finishPerson(again);
});
