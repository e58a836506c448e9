import { test, expect, checkPage, signIn, signInSeeHomeSignOut, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS, demoInmateNumber } from '../../helpers/accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('education staff sign in, see who they are and sign out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.ievaOzola, role: 'education_staff', name: 'Ieva Ozola', facility: 'Olaines cietums' });
});

test('education staff of Olaine see the learners of Olaine only', async ({ page }) => {
  await signIn(page, ACCOUNTS.ievaOzola);
  await checkPage(page);
  await page.getByRole('link', { name: lv('staff.openLearners') }).click();
  await expect(page).toHaveURL(/\/staff\/learners$/);
  await checkPage(page, { screenshot: 'education_staff-learners', zoom: true });
  const facilities = page.getByRole('table').locator('tbody tr td:nth-child(3)');
  expect(await facilities.count()).toBeGreaterThan(5);
  for (const facility of await facilities.allInnerTexts()) expect(facility).toBe('Olaines cietums');
});

test('education staff correct a learner record: a bad date is explained next to the field, then the record saves', async ({ page }) => {
  // Learner 7 is at Olaine. A browser without a date picker shows the date field as plain text.
  await signIn(page, ACCOUNTS.ievaOzola);
  await checkPage(page);
  await page.goto('/staff/learners/7');
  await checkPage(page, { screenshot: 'education_staff-learner' });
  const date = page.getByLabel(lv('learner.expectedRelease'));
  await date.evaluate((input) => ((input as HTMLInputElement).type = 'text'));
  await date.fill('15.03.2027');
  await page.getByRole('region', { name: lv('learners.record') }).getByRole('button', { name: lv('common.save') }).click();

  await expect(page.locator('#f-expectedReleaseDate-error')).toHaveText(lv('validation.date'));
  await expect(date).toHaveAttribute('aria-invalid', 'true');
  await checkPage(page, { screenshot: 'education_staff-learner-date-error' });

  await date.fill('2027-03-15');
  await page.getByRole('region', { name: lv('learners.record') }).getByRole('button', { name: lv('common.save') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('common.saved') })).toBeVisible();
  await expect(page.getByLabel(lv('learner.expectedRelease'))).toHaveValue('2027-03-15');
  await expect(page.locator('#f-expectedReleaseDate-error')).toHaveCount(0);
  await checkPage(page);
});

test('Russian-speaking education staff get field errors in Russian', async ({ page }) => {
  // marina.petrova works at Iļģuciems (learners 31–40) and reads Russian.
  await signIn(page, ACCOUNTS.marinaPetrova);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await checkPage(page);
  await page.goto('/staff/learners/33');
  await checkPage(page);
  await page.getByLabel(text('ru', 'learner.birthYear')).fill('1800');
  await page.getByRole('region', { name: text('ru', 'learners.record') }).getByRole('button', { name: text('ru', 'common.save') }).click();
  await expect(page.locator('#f-birthYear-error')).toHaveText(text('ru', 'validation.birthYear'));
  await checkPage(page, { screenshot: 'education_staff-learner-error-ru' });
});

test('education staff issue a new PIN, and the learner signs in with it', async ({ page, browser, baseURL }) => {
  // Learner 8 is at Olaine.
  await signIn(page, ACCOUNTS.ievaOzola);
  await checkPage(page);
  await page.goto('/staff/learners/8');
  await checkPage(page);
  await page.getByRole('button', { name: lv('learners.resetPin') }).click();
  await expect(page.getByRole('heading', { name: lv('learners.pinResetTitle') })).toBeVisible();
  const pin = (await page.getByTestId('one-time-secret').innerText()).trim();
  expect(pin).toMatch(/^\d{4,8}$/);
  await checkPage(page, { screenshot: 'education_staff-pin-issued' });

  const learner = await newPerson(browser, baseURL!);
  await signIn(learner, { kind: 'learner', inmateNumber: demoInmateNumber(8), pin });
  await expect(learner).toHaveURL(/\/learn$/);
  await checkPage(learner);
  await finishPerson(learner);
});
