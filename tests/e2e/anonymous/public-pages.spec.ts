import { test, expect, checkPage, text, useTerminal } from '../fixtures.ts';

test('a stranger sees the sign-in page in Latvian, with both forms labelled', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await checkPage(page, { screenshot: 'anonymous-login', zoom: true });
  await expect(page.locator('html')).toHaveAttribute('lang', 'lv');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'login.title'));
  await expect(page.getByLabel(text('lv', 'login.inmateNumber'))).toBeVisible();
  await expect(page.getByLabel(text('lv', 'login.username'))).toBeVisible();
});

test('a stranger switches the sign-in page to Russian and back to Latvian', async ({ page }) => {
  await page.goto('/login');
  await checkPage(page);
  await page.getByRole('button', { name: 'Русский' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('ru', 'login.title'));
  await checkPage(page, { screenshot: 'anonymous-login-ru' });
  await page.getByRole('button', { name: 'Latviešu' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'lv');
  await checkPage(page);
});

test('a stranger reads the about page and finds the way to sign in', async ({ page }) => {
  await page.goto('/about');
  await checkPage(page, { screenshot: 'anonymous-about', zoom: true });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'about.title'));
  await page.getByRole('link', { name: text('lv', 'about.toLogin') }).click();
  await expect(page).toHaveURL(/\/login$/);
  await checkPage(page);
});

test('a stranger who mistypes an address gets the plain 404 page', async ({ page }) => {
  const response = await page.goto('/about/no-such-page');
  expect(response?.status()).toBe(404);
  await checkPage(page, { screenshot: 'anonymous-404' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'error.notFoundTitle'));
});

test('a wrong PIN is answered next to the form, in plain words', async ({ page }) => {
  await page.goto('/login');
  await checkPage(page);
  // On a terminal (elsewhere the PIN is not even checked: tests/e2e/learner/terminal.spec.ts).
  await useTerminal(page, '209999');
  const form = page.getByRole('region', { name: text('lv', 'login.learnerHeading') });
  await form.getByLabel(text('lv', 'login.inmateNumber')).fill('209999');
  await form.getByLabel(text('lv', 'login.pin')).fill('1111');
  await form.getByRole('button', { name: text('lv', 'login.submit') }).click();
  await expect(page.getByRole('alert')).toHaveText(text('lv', 'login.wrongPin'));
  await checkPage(page, { screenshot: 'anonymous-login-wrong-pin' });
});
