import { test, expect, checkPage, signIn, newPerson, finishPerson, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { admitByRoster } from '../staff.ts';

/**
 * The learner's whole path, as the staff of two prisons and the learner see
 * it: ieva.ozola (education staff, Olaine) imports a roster row for a new
 * inmate, records a career consultation, opens the ranked placement and
 * enrols him in the cook's assistant programme; the learner signs in with
 * the PIN she hands over and sees the course; then she records a transfer to
 * Iļģuciems (the programme closes as transferred), marina.petrova
 * (Iļģuciems) sees his history and records the release, and the learner can
 * no longer sign in.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('roster import → consultation → ranked placement → enrol → the learner studies → transfer → release', async ({ page, browser, baseURL }) => {
  test.setTimeout(150_000);
  const inmate = `8${String(Date.now()).slice(-5)}`;
  const surname = 'Bērziņš';
  // Unique per run, in letters: a name holds no digits (the person-name rule).
  const given = `Jānis ${[...inmate.slice(-3)].map((d) => 'abcdefghij'[Number(d)]).join('')}`;
  const release = new Date(Date.now() + 500 * 86_400_000).toISOString().slice(0, 10);

  await signIn(page, ACCOUNTS.ievaOzola, { check: false });
  await checkPage(page);

  // 1. Admission from the prison register; 2. the new learner, found in the list; a PIN for the learner's first sign-in.
  const learnerUrl = await admitByRoster(page, { inmate, surname, given, release, birthYear: 1991 });
  await page.getByRole('button', { name: lv('learners.resetPin') }).click();
  const pin = (await page.getByTestId('one-time-secret').textContent())?.trim() ?? '';
  expect(pin).toMatch(/^\d{4,8}$/);
  await checkPage(page);

  // 3. A career consultation: interested in cooking, recommended cooking.
  await page.getByRole('link', { name: lv('consultation.add') }).click();
  await checkPage(page);
  await page.getByRole('group', { name: lv('consultation.interests') }).getByLabel(lv('interest.cooking')).check();
  await page.getByRole('group', { name: lv('consultation.recommended') }).getByLabel(lv('interest.cooking')).check();
  await page.getByLabel(lv('consultation.goalAfterRelease')).fill('Strādāt virtuvē.');
  await page.getByRole('button', { name: lv('consultation.save') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('consultation.recorded') })).toBeVisible();
  await checkPage(page);

  // 4. Ranked placement: the cook's assistant programme first, with its reasons; enrol.
  await page.goto(`${learnerUrl}/placement`);
  await checkPage(page, { screenshot: 'education-staff-learner-path-placement' });
  const first = page.locator('ol.ranked > li').first();
  await expect(first.getByRole('heading')).toHaveText('Pavāra palīgs (profesionālā pilnveide)');
  await expect(first).toContainText(lv('rank.recommended', { interests: lv('interest.cooking') }));
  await expect(first).toContainText(lv('rank.latvianOk', { required: 'A2', has: 'B1' }));
  await first.getByRole('button', { name: lv('placement.enrol') }).click();
  await expect(page.getByRole('status')).toHaveText(lv('placement.enrolled'));
  await checkPage(page);

  // 5. The learner signs in and sees the course.
  const learner = await newPerson(browser, baseURL!);
  try {
    await signIn(learner, { kind: 'learner', inmateNumber: inmate, pin }, { check: false });
    await checkPage(learner);
    await expect(learner.locator('main')).toContainText('Pavāra palīga pamati');
    await checkPage(learner, { screenshot: 'learner-path-my-learning' });
  } finally {
    await finishPerson(learner);
  }

  // 6. Transfer to Iļģuciems: the programme at Olaine closes as transferred.
  await page.goto(learnerUrl);
  await checkPage(page);
  const transfer = page.getByRole('region', { name: lv('lifecycle.transferHeading') });
  await transfer.getByLabel(lv('lifecycle.toFacility')).selectOption({ label: 'Iļģuciema cietums' });
  await transfer.getByLabel(lv('placement.reason')).fill('Pārvietošana pēc tiesas lēmuma');
  await transfer.getByRole('button', { name: lv('lifecycle.transfer') }).click();
  // Olaine's staff no longer see him; the list says so.
  await expect(page).toHaveURL(/\/staff\/learners\?transferred=1$/);
  await checkPage(page);

  // 7. Iļģuciems sees the history and records the release; the learner cannot sign in any more.
  const ilg = await newPerson(browser, baseURL!);
  try {
    // The sign-in page is in Latvian; after signing in, her own language (Russian) applies.
    await signIn(ilg, ACCOUNTS.marinaPetrova, { check: false });
    await checkPage(ilg);
    await ilg.goto(learnerUrl);
    await checkPage(ilg, { screenshot: 'education-staff-learner-path-transferred' });
    const ru = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('ru', key, params);
    await expect(ilg.locator('main')).toContainText(ru('placement.status.transferred'));
    await expect(ilg.locator('main')).toContainText(ru('lifecycle.move.transfer', { from: 'Olaines cietums', to: 'Iļģuciema cietums' }));
    const releaseForm = ilg.getByRole('region', { name: ru('lifecycle.releaseHeading') });
    await releaseForm.getByRole('button', { name: ru('lifecycle.release') }).click();
    await expect(ilg.getByText(ru('lifecycle.confirmRelease'))).toBeVisible();
    await checkPage(ilg);
    await ilg.getByRole('region', { name: ru('lifecycle.releaseHeading') }).getByLabel(ru('lifecycle.confirmReleaseLabel')).check();
    await ilg.getByRole('region', { name: ru('lifecycle.releaseHeading') }).getByRole('button', { name: ru('lifecycle.release') }).click();
    await expect(ilg.getByRole('status')).toHaveText(ru('lifecycle.released'));
    await checkPage(ilg);
  } finally {
    await finishPerson(ilg);
  }

  const after = await newPerson(browser, baseURL!);
  try {
    await after.goto('/login');
    await checkPage(after);
    const form = after.getByRole('region', { name: lv('login.learnerHeading') });
    await form.getByLabel(lv('login.inmateNumber')).fill(inmate);
    await form.getByLabel(lv('login.pin')).fill(pin);
    await form.getByRole('button', { name: lv('login.submit') }).click();
    await expect(after).toHaveURL(/\/login/);
    await checkPage(after);
  } finally {
    await finishPerson(after);
  }
});
