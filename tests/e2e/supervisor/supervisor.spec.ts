import { test, expect, checkPage, signIn, signInSeeHomeSignOut, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

test('a supervisor signs in, sees who they are and signs out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.andrisVitols, role: 'supervisor', name: 'Andris Vītols', facility: 'Olaines cietums' });
});

test('a Russian-speaking supervisor who mistypes the current password is told so next to the field, in Russian', async ({ page }) => {
  // olga.ivanova reads Russian.
  await signIn(page, ACCOUNTS.olgaIvanova);
  await checkPage(page);
  await page.goto('/account');
  const ru = (key: Parameters<typeof text>[1]) => text('ru', key);
  await checkPage(page, { screenshot: 'supervisor-account' });
  await page.getByLabel(ru('account.currentPassword')).fill('not-my-password');
  await page.getByLabel(ru('account.newPassword'), { exact: true }).fill('jauna-parole-2027');
  await page.getByLabel(ru('account.repeatPassword'), { exact: true }).fill('jauna-parole-2027');
  await page.getByRole('button', { name: ru('account.change') }).click();
  await expect(page.locator('#f-current-error')).toHaveText(ru('auth.wrongPassword'));
  await checkPage(page);
});
