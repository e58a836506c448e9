import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { demoLearners } from '../../../src/lib/server/seed/demo.ts';
import { formatDate } from '../../../src/lib/i18n/index.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * Learner 20 (Oskars Ābele, 204804, Olaine) has no consultation in the demo
 * (src/lib/server/seed/demo-consultations.ts) and no other browser test uses
 * them: this story records their first one.
 */
const LEARNER_ID = 20;
const learner = demoLearners(new Date())[LEARNER_ID - 1]!;

/** A calendar date in Riga, `days` from today, as YYYY-MM-DD (the browser runs in Riga time). */
function rigaDay(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Riga' }).format(new Date(Date.now() + days * 86_400_000));
}

test('education staff record a career consultation: a missing date is explained next to the field, then it joins the history', async ({ page }) => {
  expect(learner.facility).toBe('OLA');
  await signIn(page, ACCOUNTS.ievaOzola);
  await checkPage(page);
  await page.goto(`/staff/learners/${LEARNER_ID}`);
  await checkPage(page);
  const section = page.getByRole('region', { name: lv('consultation.heading') });
  await expect(section).toContainText(lv('consultation.noCareer'));
  await expect(section.getByRole('table')).toHaveCount(0);

  await section.getByRole('link', { name: lv('consultation.add') }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/learners/${LEARNER_ID}/consultations/new$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('consultation.newTitle', { name: `${learner.given} ${learner.surname}` }));
  await checkPage(page);

  // The checklist before release shows only for that kind of consultation.
  const checklist = page.getByRole('group', { name: lv('consultation.checklist') });
  await expect(page.getByLabel(lv('consultation.kind.career'))).toBeChecked();
  await expect(checklist).toBeHidden();
  await page.getByLabel(lv('consultation.kind.pre_release')).check();
  await expect(checklist).toBeVisible();
  await page.getByLabel(lv('consultation.kind.career')).check();
  await expect(checklist).toBeHidden();

  // First try: the date is left empty; what was ticked stays ticked.
  const interests = page.getByRole('group', { name: lv('consultation.interests') });
  await interests.getByLabel(lv('interest.welding')).check();
  await interests.getByLabel(lv('interest.construction')).check();
  const date = page.getByLabel(lv('consultation.heldOn'));
  await date.fill('');
  await page.getByRole('button', { name: lv('consultation.save') }).click();

  await expect(page.locator('#heldOn-error')).toHaveText(lv('validation.required'));
  await expect(date).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: lv('consultation.fixErrors') })).toBeVisible();
  await expect(interests.getByLabel(lv('interest.welding'))).toBeChecked();
  await expect(interests.getByLabel(lv('interest.construction'))).toBeChecked();
  await checkPage(page, { screenshot: 'education-staff-consultation-error' });

  // Second try: a complete career consultation.
  const heldOn = rigaDay(-1);
  const nextOn = rigaDay(90);
  await date.fill(heldOn);
  await page.getByLabel(lv('consultation.mode.online')).check();
  await page.getByLabel(lv('consultation.workHistory')).fill('Palīgstrādnieks būvniecībā, 3 gadi.');
  await page.getByLabel(lv('consultation.latvianLevel')).selectOption('B1');
  await page.getByLabel(lv('consultation.goalAfterRelease')).fill('Strādāt par metinātāju.');
  await page.getByRole('group', { name: lv('consultation.recommended') }).getByLabel(lv('interest.welding')).check();
  await page.getByLabel(lv('consultation.notes')).fill('NVA konsultante: Anna Kalēja.');
  await page.getByLabel(lv('consultation.nextOn')).fill(nextOn);
  await page.getByRole('button', { name: lv('consultation.save') }).click();

  await expect(page).toHaveURL(new RegExp(`/staff/learners/${LEARNER_ID}/consultations/\\d+\\?recorded=1$`));
  await expect(page.getByRole('status').filter({ hasText: lv('consultation.recorded') })).toBeVisible();
  await expect(page.locator('main')).toContainText('Palīgstrādnieks būvniecībā, 3 gadi.');
  await expect(page.locator('main')).toContainText(`${lv('interest.welding')}, ${lv('interest.construction')}`);
  await expect(page.locator('main')).toContainText('NVA konsultante: Anna Kalēja.');
  await checkPage(page);

  // Back on the learner's page: the consultation is in the history, the next one is planned.
  await page.getByRole('navigation', { name: lv('learn.breadcrumbs') }).getByRole('link', { name: `${learner.given} ${learner.surname}` }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/learners/${LEARNER_ID}$`));
  await expect(section).not.toContainText(lv('consultation.noCareer'));
  await expect(section).toContainText(lv('consultation.nextDue', { date: formatDate('lv', nextOn) }));
  const row = section.getByRole('table').locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(formatDate('lv', heldOn));
  await expect(row).toContainText(lv('consultation.kind.career'));
  await expect(row).toContainText('Ieva Ozola');
  await expect(row).toContainText(lv('interest.welding'));
  await checkPage(page, { screenshot: 'education-staff-consultation', zoom: true });
});
