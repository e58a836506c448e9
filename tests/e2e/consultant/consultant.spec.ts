import { test, expect, checkPage, signIn, signInSeeHomeSignOut, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { demoLearners } from '../../../src/lib/server/seed/demo.ts';

/**
 * The State Employment Agency's consultant (anna.kaleja, Olaine): signs in to
 * a home of her own, finds a learner of her prison without a career
 * consultation, records one, and cannot open learner records or placement.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

// An Olaine learner no other story uses (204101, 204138, 204582, 204804 and the demo's consulted ones are taken).
const TAKEN = new Set(['204101', '204138', '204545', '204582', '204804', '204989']);
const learner = demoLearners(new Date()).filter((l) => l.facility === 'OLA' && !TAKEN.has(l.inmateNumber))[0]!;

test('the consultant signs in, sees who she is and signs out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.annaKaleja, role: 'consultant', name: 'Anna Kalēja', facility: 'Olaines cietums' });
});

test('the consultant records a career consultation for a learner of her prison, and nothing more', async ({ page }) => {
  await signIn(page, ACCOUNTS.annaKaleja, { check: false });
  await expect(page).toHaveURL(/\/consult$/);
  await page.getByLabel(lv('learners.search')).fill(learner.inmateNumber);
  await page.getByRole('button', { name: lv('users.applyFilter') }).click();
  await checkPage(page, { screenshot: 'consultant-home', zoom: true });
  await page.getByRole('link', { name: `${learner.surname}, ${learner.given}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${learner.given} ${learner.surname}`);
  await checkPage(page);
  await page.getByRole('link', { name: lv('consultation.add') }).click();
  await checkPage(page);
  await page.getByRole('group', { name: lv('consultation.interests') }).getByLabel(lv('interest.driving')).check();
  await page.getByRole('group', { name: lv('consultation.recommended') }).getByLabel(lv('interest.driving')).check();
  await page.getByLabel(lv('consultation.notes')).fill('Vēlas kategorijas C apliecību; pēc atbrīvošanas reģistrēties NVA.');
  await page.getByRole('button', { name: lv('consultation.save') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('consultation.recorded') })).toBeVisible();
  await checkPage(page, { screenshot: 'consultant-consultation' });

  // Learner records, placement and programmes are education staff's.
  for (const path of ['/staff/learners', '/staff/programmes', '/staff']) {
    const reply = await page.goto(path);
    expect(reply?.status(), path).toBe(403);
    await checkPage(page);
  }
});
