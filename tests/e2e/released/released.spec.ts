import { test, expect, checkPage, signIn, signInSeeHomeSignOut, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

test('a released person signs in to the portal, sees who they are and signs out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.raivisCelmins, role: 'released', name: 'Raivis Celmiņš', facility: null });
});

test('a released person cannot open the learner pages', async ({ page }) => {
  await signIn(page, ACCOUNTS.raivisCelmins);
  await expect(page).toHaveURL(/\/portal$/);
  await checkPage(page);
  const response = await page.goto('/learn');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'error.forbiddenTitle'));
  await checkPage(page, { screenshot: 'released-forbidden' });
});
